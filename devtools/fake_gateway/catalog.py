"""The fake gateway's catalog and the query semantics of the affiliate methods.

Featured promotions are the platform's four fixed ones; which catalog products
belong to each is decided by the rules in :data:`PROMOTIONS` (the live membership
is the platform's own choice), so the catalog file needs no extra field for them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CATALOG_FILE = Path(__file__).with_name("catalog.json")

SORT_KEYS = {
    "SALE_PRICE_ASC": (lambda p: Decimal(p["usd_sale_price"]), False),
    "SALE_PRICE_DESC": (lambda p: Decimal(p["usd_sale_price"]), True),
    "LAST_VOLUME_DESC": (lambda p: int(p.get("lastest_volume") or 0), True),
}
HOT_MIN_COMMISSION = Decimal(8)
_ITEM_URL = re.compile(r"/item/([0-9]+)\.html")  # the fake's own reading, not lib's
HOT_LINK_TYPE = 2  # link.generate promotion_link_type of a hot-product link
# featuredpromo.products.get sorts with its own vocabulary (see app.py's docstring).
PROMO_SORT_KEYS = {
    "priceAsc": SORT_KEYS["SALE_PRICE_ASC"],
    "priceDesc": SORT_KEYS["SALE_PRICE_DESC"],
    "volumeAsc": (SORT_KEYS["LAST_VOLUME_DESC"][0], False),
    "volumeDesc": SORT_KEYS["LAST_VOLUME_DESC"],
    "commissionAsc": (lambda p: _commission(p), False),
    "commissionDesc": (lambda p: _commission(p), True),
    "discountAsc": (lambda p: _percent(p.get("discount")), False),
    "discountDesc": (lambda p: _percent(p.get("discount")), True),
    "ratingAsc": (lambda p: _percent(p.get("evaluate_rate")), False),
    "ratingDesc": (lambda p: _percent(p.get("evaluate_rate")), True),
    "promotionTimeAsc": (lambda p: 0, False),  # the catalog has no promotion times
    "promotionTimeDesc": (lambda p: 0, True),
}
NEW_ARRIVALS = 12  # the highest product IDs are the newest listings
SHIPPING_SPREAD_DAYS = 5  # max_delivery_days - min_delivery_days in the fake's answers
SMARTMATCH_PAGE_SIZE = 6  # not documented for the live method; small so demos page
ORDER_STATUSES = ("Payment Completed", "Buyer Confirmed Receipt", "Completed Settlement", "Invalid")
ORDER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # US Pacific, as the platform documents
ORDER_MAX_RANGE_DAYS = 180


class QueryError(ValueError):
    """A parameter the platform would reject (answered as a business error)."""


@dataclass(frozen=True)
class Catalog:
    products: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    usd_rates: dict[str, Decimal]
    # The affiliate's orders as order.list sends them: IDs as JSON numbers (some beyond
    # 2**53), amounts as integer cents of settled_currency, times on the Pacific clock.
    orders: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path = CATALOG_FILE) -> Catalog:
        data = json.loads(path.read_text())
        rates = {code: Decimal(rate) for code, rate in data["usd_rates"].items()}
        return cls(data["products"], data["categories"], rates, data.get("orders", []))

    # -- methods ---------------------------------------------------------------------

    def search(self, params: dict[str, str], *, hot: bool = False) -> dict[str, Any]:
        currency = params.get("target_currency", "USD")
        matches = [p for p in self.products if self._matches(p, params, currency)]
        if hot:
            matches = [p for p in matches if _commission(p) >= HOT_MIN_COMMISSION]
        return self._page(matches, params, SORT_KEYS)

    def _page(
        self, matches: list[dict[str, Any]], params: dict[str, str], sort_keys: dict[str, Any]
    ) -> dict[str, Any]:
        """Sorted by the method's own sort names, then one page, paged as the platform pages."""
        sort = params.get("sort")
        if sort:
            if sort not in sort_keys:
                raise QueryError(f"Invalid sort: {sort}")
            key, reverse = sort_keys[sort]
            matches = sorted(matches, key=key, reverse=reverse)
        window, counts = _paged(matches, params)
        return {**counts, "products": {"product": [self.render(p, params) for p in window]}}

    def details(self, params: dict[str, str]) -> dict[str, Any]:
        wanted = [i.strip() for i in params.get("product_ids", "").split(",") if i.strip()]
        if not wanted:
            raise QueryError("product_ids is required")
        if len(wanted) > 20:
            raise QueryError("At most 20 product_ids")
        by_id = {str(p["product_id"]): p for p in self.products}
        found = [self.render(by_id[i], params) for i in wanted if i in by_id]
        return {"current_record_count": len(found), "products": {"product": found}}

    def links(self, params: dict[str, str]) -> dict[str, Any]:
        tracking_id = params.get("tracking_id")
        if not tracking_id:
            raise QueryError("tracking_id is required")
        sources = [s for s in params.get("source_values", "").split(",") if s]
        if not sources:
            raise QueryError("source_values is required")
        link_type = _int_param(params, "promotion_link_type", 0)
        if link_type not in (0, HOT_LINK_TYPE):
            raise QueryError("promotion_link_type must be 0 or 2")
        links = [
            {
                "promotion_link": promotion_link(
                    source, tracking_id, self._link_type(source, link_type)
                ),
                "source_value": source,
            }
            for source in sources
            if "aliexpress." in source
        ]
        return {
            "total_result_count": len(links),
            "tracking_id": tracking_id,
            "promotion_links": {"promotion_link": links},
        }

    def _link_type(self, source: str, asked: int) -> int:
        """Type 2 makes a hot link only for a hot product; otherwise (a guess: AliExpress
        does not document it) an ordinary one."""
        if asked != HOT_LINK_TYPE:
            return 0
        found = _ITEM_URL.search(source)
        product_id = found.group(1) if found else None
        hot = any(
            str(p["product_id"]) == product_id and p.get("hot_product_commission_rate")
            for p in self.products
        )
        return HOT_LINK_TYPE if hot else 0

    def featured_promos(self) -> dict[str, Any]:
        promos = [
            {
                "promo_name": name,
                "promo_desc": description,
                "product_num": len(self._promotion_members(name)),
            }
            for name, description in PROMOTIONS.items()
        ]
        return {"current_record_count": len(promos), "promos": {"promo": promos}}

    def promotion_products(self, params: dict[str, str]) -> dict[str, Any]:
        name = params.get("promotion_name", "")
        if not name:
            raise QueryError("promotion_name is required")
        country = params.get("country")
        category_id = params.get("category_id")
        matches = [
            p
            for p in self._promotion_members(name)
            if _ships_to(p, country)
            and (
                not category_id
                or category_id
                in (str(p.get("first_level_category_id")), str(p.get("second_level_category_id")))
            )
        ]
        page = self._page(matches, params, PROMO_SORT_KEYS)
        return {**page, "is_finished": page["current_page_no"] >= page["total_page_no"]}

    def smart_match(self, params: dict[str, str]) -> dict[str, Any]:
        """Related products: the same category first, then the same top-level one.

        The anchor product leads its own answer (so the client's filter is exercised);
        no ``total_record_count``, only ``is_finished``.
        """
        product_id = params.get("product_id", "").strip()
        keywords = params.get("keywords", "").lower().split()
        if product_id:
            by_id = {str(p["product_id"]): p for p in self.products}
            anchor = by_id.get(product_id)
            if anchor is None:
                return {"products": {"product": []}}
            related = [anchor, *self._related(anchor)]
        elif keywords:
            related = [
                p
                for p in self.products
                if any(word in p["product_title"].lower() for word in keywords)
            ]
        else:
            raise QueryError("product_id or keywords is required")
        related = [p for p in related if _ships_to(p, params.get("country"))]
        page_no = _int_param(params, "page_no", 1)
        if page_no < 1:
            raise QueryError("page_no must be >= 1")
        size = SMARTMATCH_PAGE_SIZE
        window = related[(page_no - 1) * size : page_no * size]
        return {
            "current_page_no": page_no,
            "current_record_count": len(window),
            "is_finished": page_no * size >= len(related),
            "products": {"product": [self.render(p, params) for p in window]},
        }

    def order_list(self, params: dict[str, str]) -> dict[str, Any]:
        """``order.list``: orders paid between start_time and end_time, one status or all."""
        start, end = _order_time(params, "start_time"), _order_time(params, "end_time")
        if end < start:
            raise QueryError("end_time must not be before start_time")
        if (end - start).days >= ORDER_MAX_RANGE_DAYS:
            raise QueryError(f"The time range must not exceed {ORDER_MAX_RANGE_DAYS} days")
        status = params.get("status")
        if status and status not in ORDER_STATUSES:
            raise QueryError(f"Invalid status: {status}")
        low, high = start.strftime(ORDER_TIME_FORMAT), end.strftime(ORDER_TIME_FORMAT)
        matches = [
            order
            for order in self.orders
            if low <= order["paid_time"] <= high and (not status or order["order_status"] == status)
        ]
        window, counts = _paged(matches, params)
        return {**counts, "orders": {"order": window}}

    def shipping(self, params: dict[str, str]) -> dict[str, Any] | None:
        """One delivery option: the catalog's fee (none: free), its days plus a spread."""
        product = self._product(params)
        sku_id = params.get("sku_id")
        if product is None or (sku_id and sku_id not in _sku_ids(product)):
            return None
        country = params.get("ship_to_country", "US")
        if not _ships_to(product, country):
            return {"ship_to_country": country}  # no option, no fee, no days
        currency = params.get("target_currency", "USD")
        fee = product.get("usd_shipping_fee", "0.00")
        days = product.get("delivery_days", 10)
        return {
            "shipping_fee": self._convert(fee, currency),
            "shipping_fee_currency": currency,
            "free_shipping": Decimal(fee) == 0,
            "min_delivery_days": days,
            "max_delivery_days": days + SHIPPING_SPREAD_DAYS,
            "ship_from_country": product.get("ship_from", "CN"),
            "ship_to_country": country,
        }

    def sku_detail(self, params: dict[str, str]) -> dict[str, Any] | None:
        """Every SKU (a product without ``skus`` has one, without attributes)."""
        product = self._product(params)
        if product is None:
            return None
        currency = params.get("target_currency", "USD")
        skus = product.get("skus") or [{"sku_id": f"{product['product_id']}01"}]
        wanted = {i for i in params.get("sku_ids", "").split(",") if i}
        rendered = []
        for sku in skus:
            if wanted and sku["sku_id"] not in wanted:
                continue
            sale = sku.get("usd_sale_price", product["usd_sale_price"])
            # A SKU priced apart keeps the product's discount: never an original below its price.
            markdown = Decimal(product.get("usd_original_price", product["usd_sale_price"]))
            markdown -= Decimal(product["usd_sale_price"])
            original = sku.get("usd_original_price", str(Decimal(sale) + max(markdown, Decimal(0))))
            attributes = sku.get("attributes", {})
            record = {
                "sku_id": sku["sku_id"],
                "currency": currency,
                "sale_price_with_tax": self._convert(sale, currency),
                "price_with_tax": self._convert(original, currency),
                "sku_properties": ";".join(f"{k}:{v}" for k, v in attributes.items()),
                "sku_available_stock": sku.get("stock", 100),
            }
            if "Color" in attributes:
                record["color"] = attributes["Color"]
                record["sku_image_link"] = (
                    f"{product['product_main_image_url'].removesuffix('.jpg')}"
                    f"_{attributes['Color'].lower()}.jpg"
                )
            if "Size" in attributes:
                record["size"] = attributes["Size"]
            rendered.append(record)
        if not rendered:
            return None
        return {
            "ae_item_info": {"product_id": product["product_id"]},
            "ae_item_sku_info": rendered,
        }

    def _product(self, params: dict[str, str]) -> dict[str, Any] | None:
        wanted = params.get("product_id", "").strip()
        return next((p for p in self.products if str(p["product_id"]) == wanted), None)

    def category_tree(self) -> dict[str, Any]:
        return {
            "total_result_count": len(self.categories),
            "categories": {"category": self.categories},
        }

    def _promotion_members(self, name: str) -> list[dict[str, Any]]:
        if name not in PROMOTIONS:
            return []
        if name == "New Arrival":
            newest = sorted(self.products, key=lambda p: int(p["product_id"]), reverse=True)
            return newest[:NEW_ARRIVALS]
        rule = PROMOTION_RULES[name]
        return [p for p in self.products if rule(p)]

    def _related(self, anchor: dict[str, Any]) -> list[dict[str, Any]]:
        def same(key: str, product: dict[str, Any]) -> bool:
            return anchor.get(key) is not None and product.get(key) == anchor.get(key)

        others = [p for p in self.products if p is not anchor]
        closest = [p for p in others if same("second_level_category_id", p)]
        wider = [p for p in others if same("first_level_category_id", p) and p not in closest]
        return closest + wider

    # -- rendering as the platform does ---------------------------------------------

    def render(self, product: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        currency = params.get("target_currency", "USD")
        record = {
            k: v
            for k, v in product.items()
            if not k.startswith("usd_")
            and k
            not in (
                "ship_to",
                "delivery_days",
                "target_price_missing",
                "product_small_image_urls",
                "skus",
            )
        }
        record["sale_price"] = product["usd_sale_price"]
        record["sale_price_currency"] = "USD"
        if not product.get("target_price_missing"):
            record["target_sale_price"] = self._convert(product["usd_sale_price"], currency)
            record["target_sale_price_currency"] = currency
        if "usd_original_price" in product:
            record["original_price"] = product["usd_original_price"]
            record["original_price_currency"] = "USD"
            record["target_original_price"] = self._convert(product["usd_original_price"], currency)
            record["target_original_price_currency"] = currency
        if "product_small_image_urls" in product:
            record["product_small_image_urls"] = {"string": product["product_small_image_urls"]}
        if "delivery_days" in product:  # Product.go: ship_to_days is a string
            record["ship_to_days"] = str(product["delivery_days"])
        if "usd_app_sale_price" in product:
            record["app_sale_price"] = product["usd_app_sale_price"]
            record["app_sale_price_currency"] = "USD"
            record["target_app_sale_price"] = self._convert(product["usd_app_sale_price"], currency)
            record["target_app_sale_price_currency"] = currency
        if params.get("tracking_id"):
            record["promotion_link"] = promotion_link(
                product["product_detail_url"], params["tracking_id"]
            )
        return record

    def _convert(self, usd: str, currency: str) -> str:
        rate = self.usd_rates.get(currency, Decimal(1))
        return str((Decimal(usd) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def _matches(self, product: dict[str, Any], params: dict[str, str], currency: str) -> bool:
        keywords = params.get("keywords", "").lower().split()
        title = product["product_title"].lower()
        if any(word not in title for word in keywords):
            return False
        category_ids = [c for c in params.get("category_ids", "").split(",") if c]
        if category_ids and not {
            str(product.get("first_level_category_id")),
            str(product.get("second_level_category_id")),
        } & set(category_ids):
            return False
        cents = int(Decimal(self._convert(product["usd_sale_price"], currency)) * 100)
        if "min_sale_price" in params and cents < _int_param(params, "min_sale_price", 0):
            return False
        if "max_sale_price" in params and cents > _int_param(params, "max_sale_price", 0):
            return False
        if not _ships_to(product, params.get("ship_to_country")):
            return False
        platform = params.get("platform_product_type", "ALL")
        if platform not in ("ALL", product.get("platform_product_type", "PLAZA")):
            return False
        days = params.get("delivery_days")
        return not (
            days and product.get("delivery_days", 99) > _int_param(params, "delivery_days", 0)
        )


def promotion_link(source: str, tracking_id: str, link_type: int = 0) -> str:
    """The fake's affiliate link: a hash, so tests can tell which tracking ID and link type
    made it (real links reveal neither). A hot-product link (type 2) hashes differently."""
    kind = "hot|" if link_type == HOT_LINK_TYPE else ""
    token = hashlib.sha256(f"{kind}{tracking_id}|{source}".encode()).hexdigest()[:12]
    return f"https://s.click.aliexpress.com/e/_o{token}"


def _commission(product: dict[str, Any]) -> Decimal:
    return _percent(product.get("commission_rate"))


def _percent(value: object) -> Decimal:
    return Decimal(str(value or "0%").rstrip("%") or 0)


def _sku_ids(product: dict[str, Any]) -> set[str]:
    skus = product.get("skus") or [{"sku_id": f"{product['product_id']}01"}]
    return {sku["sku_id"] for sku in skus}


def _ships_to(product: dict[str, Any], country: str | None) -> bool:
    """Products without a ``ship_to`` list ship everywhere."""
    return not (country and product.get("ship_to") and country not in product["ship_to"])


# The platform's four fixed featured promotions; promo_desc texts are the fake's own.
PROMOTIONS = {
    "Hot Product": "High-commission products picked for affiliates.",
    "New Arrival": "Products newly listed on AliExpress.",
    "Best Seller": "The products selling best right now.",
    "weeklydeals": "This week's deepest discounts.",
}
PROMOTION_RULES = {
    "Hot Product": lambda p: _commission(p) >= HOT_MIN_COMMISSION,
    "Best Seller": lambda p: int(p.get("lastest_volume") or 0) >= 12000,
    "weeklydeals": lambda p: _percent(p.get("discount")) >= 40,
}


def _paged(records: list[Any], params: dict[str, str]) -> tuple[list[Any], dict[str, int]]:
    """One page of ``records`` and its counts, paged as the platform pages."""
    page_no = _int_param(params, "page_no", 1)
    page_size = _int_param(params, "page_size", 20)
    if page_no < 1 or not 1 <= page_size <= 50:
        raise QueryError("page_no must be >= 1 and page_size 1-50")
    window = records[(page_no - 1) * page_size : page_no * page_size]
    return window, {
        "current_page_no": page_no,
        "current_record_count": len(window),
        "total_page_no": -(-len(records) // page_size),
        "total_record_count": len(records),
    }


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        raise QueryError(f"{name} must be an integer") from None


def _order_time(params: dict[str, str], name: str) -> datetime:
    try:
        return datetime.strptime(params.get(name, ""), ORDER_TIME_FORMAT)
    except ValueError:
        raise QueryError(f"{name} is required as yyyy-MM-dd HH:mm:ss") from None
