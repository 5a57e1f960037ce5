"""What callers ask the platform for: the shopper's locale and the listing queries.

Immutable value objects built from input that was already validated (by the
operations' input models), so named tuples rather than pydantic models or frozen
dataclasses: every data function defines these classes on each cold start, and
defining one costs about 0.8 M instructions as a named tuple, 4.3 M as a frozen
dataclass and 7 M as a pydantic model of four fields (callgrind, Python 3.12).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NamedTuple

from lib.aliexpress.values import amount_to_cents

Sort = Literal["relevance", "price_asc", "price_desc", "orders_desc"]
SORT_PARAMS: dict[str, str | None] = {
    "relevance": None,
    "price_asc": "SALE_PRICE_ASC",
    "price_desc": "SALE_PRICE_DESC",
    "orders_desc": "LAST_VOLUME_DESC",
}
# featuredpromo.products.get sorts with its own names (commissionAsc, priceAsc, ...).
PROMOTION_SORT_PARAMS: dict[str, str | None] = {
    "relevance": None,
    "price_asc": "priceAsc",
    "price_desc": "priceDesc",
    "orders_desc": "volumeDesc",
}


class Locale(NamedTuple):
    """Where the shopper is and what they read and pay in."""

    ship_to: str = "US"
    currency: str = "USD"
    language: str = "EN"

    def to_params(self, country_param: str = "ship_to_country") -> dict[str, str]:
        """Upstream names; the newer methods call the destination ``country``."""
        return {
            country_param: self.ship_to,
            "target_currency": self.currency,
            "target_language": self.language,
        }


class ProductQuery(NamedTuple):
    """A search (``product.query``) or hot-products (``hotproduct.query``) request."""

    keywords: str | None = None
    category_id: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    max_delivery_days: int | None = None
    platform_product_type: str | None = None  # ALL, PLAZA or TMALL; None sends nothing
    locale: Locale = Locale()

    def to_params(self) -> dict[str, object]:
        """Upstream parameters; ``None`` values are dropped by the signer."""
        return {
            "keywords": self.keywords,
            "category_ids": self.category_id,
            "min_sale_price": amount_to_cents(self.min_price)
            if self.min_price is not None
            else None,
            "max_sale_price": amount_to_cents(self.max_price)
            if self.max_price is not None
            else None,
            "sort": SORT_PARAMS[self.sort],
            "page_no": self.page,
            "page_size": self.page_size,
            "delivery_days": self.max_delivery_days,
            "platform_product_type": self.platform_product_type,
            **self.locale.to_params(),
        }


class PromotionProductQuery(NamedTuple):
    """One page of a featured promotion's products (``featuredpromo.products.get``)."""

    name: str
    category_id: int | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    locale: Locale = Locale()

    def to_params(self) -> dict[str, object]:
        return {
            "promotion_name": self.name,
            "category_id": self.category_id,
            "sort": PROMOTION_SORT_PARAMS[self.sort],
            "page_no": self.page,
            "page_size": self.page_size,
            **self.locale.to_params(country_param="country"),
        }
