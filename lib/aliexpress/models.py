"""Shapes of the AliExpress affiliate API and of this proxy's compact answers.

``Raw*`` models mirror what the platform sends - loosely typed, because live
records vary (``product_id`` a number or a string, ``lastest_volume`` (sic) a
string or a number, any optional field missing). The public models are what the
GPT reads (CONTRACT §2): small, typed, ``null`` where upstream said nothing.
"""

from __future__ import annotations

import logging
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# -- conversions -------------------------------------------------------------


log = logging.getLogger(__name__)

# Upstream numbers are read only in these forms: ASCII digits (Python's \d and int()
# also take Arabic-Indic and full-width digits), bounded lengths, no exponents.
# "1e300000" would cost seconds of CPU in int(), "1E+999999999999999999" a
# MemoryError, "Infinity" an OverflowError in round(): each is None instead.
_COUNT = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{0,18})?")
_PERCENT = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{1,18})?")
# CONTRACT §2: amounts are decimal strings exactly as upstream sent them.
_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,8})?")
MAX_COUNT = 10**18


def percent_to_float(value: object) -> float | None:
    """``"89.22%"`` -> ``89.22``; missing or unreadable -> ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < MAX_COUNT else math.inf
        return number if math.isfinite(number) else None
    text = str(value).strip().removesuffix("%").strip()
    return float(text) if _PERCENT.fullmatch(text) else None


def to_int(value: object) -> int | None:
    """Upstream counts arrive as ``1523``, ``"1523"`` or ``"1523.0"``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < MAX_COUNT else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) < MAX_COUNT else None
    text = str(value).strip()
    return int(Decimal(text)) if _COUNT.fullmatch(text) else None


def is_decimal_amount(text: str) -> bool:
    """``"12.34"`` yes; ``"US $1,234.56"``, ``"1e3"``, ``"١٢"`` no."""
    return _AMOUNT.fullmatch(text) is not None


def amount_to_cents(amount: Decimal) -> int:
    """A decimal amount in currency units -> integer cents (``12.5`` -> ``1250``)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _text_or_none(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


Text = Annotated[str | None, BeforeValidator(_text_or_none)]


def unwrap_list(value: object, key: str) -> list[Any]:
    """The platform wraps lists: ``{"product": [...]}``; accept bare lists too."""
    if isinstance(value, dict):
        value = value.get(key)
    if isinstance(value, list):
        return value
    if isinstance(value, dict):  # a single wrapped record
        return [value]
    return []


# -- product references ----------------------------------------------------------

# ASCII digits only: Python's \d also matches Arabic-Indic and full-width digits.
PRODUCT_ID_PATTERN = r"[0-9]{6,20}"
_PRODUCT_ID = re.compile(PRODUCT_ID_PATTERN)
_ALIEXPRESS_HOST = re.compile(r"(?:[a-z0-9-]+\.)*aliexpress\.(?:[a-z]{2,3})(?:\.[a-z]{2})?")
# /item/ID.html, /item/Some-Title/ID.html, /i/ID.html, /store/product/x/STORE_ID.html
_ITEM_PATH = re.compile(r"/(?:item|i)/(?:[^/]+/)?([0-9]{6,20})\.html?$")
_STORE_PRODUCT_PATH = re.compile(r"/store/product/[^/]+/[0-9]+_([0-9]{6,20})\.html?$")


def is_aliexpress_url(url: str) -> bool:
    """True for an absolute http(s) URL on an AliExpress host (any country/subdomain)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(_ALIEXPRESS_HOST.fullmatch(host))


# Links that carry the product page they lead to as a parameter: affiliate deep
# links (s.click.aliexpress.com/deep_link.htm?dl_target_url=...) and the app's share
# page (star.aliexpress.com/share/share.htm?redirectUrl=...).
_TARGET_KEYS = ("dl_target_url", "redirectUrl")


def product_id_from_url(url: str, *, nested: bool = True) -> str | None:
    """The product ID in an AliExpress product URL of any common form, else ``None``."""
    if not is_aliexpress_url(url):
        return None
    parts = urlsplit(url.strip())
    for pattern in (_ITEM_PATH, _STORE_PRODUCT_PATH):
        match = pattern.search(parts.path)
        if match:
            return match.group(1)
    query = parse_qs(parts.query)
    for key in ("productId", "product_id", "itemId"):
        for candidate in query.get(key, []):
            if _PRODUCT_ID.fullmatch(candidate):
                return candidate
    if nested:  # one level: the target itself must be a plain product URL
        for key in _TARGET_KEYS:
            for target in query.get(key, []):
                found = product_id_from_url(target, nested=False)
                if found:
                    return found
    return None


def parse_product_ref(ref: str) -> str | None:
    """A product ID from a bare ID or an AliExpress product URL, else ``None``."""
    ref = ref.strip()
    if _PRODUCT_ID.fullmatch(ref):
        return ref
    return product_id_from_url(ref)


def unknown_product_message(product_id: str) -> str:
    """What a 404 for a product says: the affiliate API only knows affiliate products."""
    return (
        f"No AliExpress product with ID {product_id} in the affiliate programme. It may "
        "exist on AliExpress but not be offered to affiliates (0% commission): such "
        "products are not available through the affiliate API."
    )


# -- what the platform sends -------------------------------------------------------


class RawProduct(BaseModel):
    """One record of ``products.product[]`` as the platform sends it."""

    model_config = ConfigDict(extra="ignore")

    product_id: Text = None
    product_title: Text = None
    target_sale_price: Text = None
    target_sale_price_currency: Text = None
    sale_price: Text = None
    sale_price_currency: Text = None
    target_original_price: Text = None
    target_original_price_currency: Text = None
    original_price: Text = None
    original_price_currency: Text = None
    discount: Text = None
    evaluate_rate: Text = None
    lastest_volume: Text = None  # sic: the platform's spelling
    product_main_image_url: Text = None
    product_small_image_urls: Any = None
    product_video_url: Text = None
    product_detail_url: Text = None
    promotion_link: Text = None
    shop_id: Text = None
    shop_url: Text = None
    shop_name: Text = None
    first_level_category_id: Text = None
    first_level_category_name: Text = None
    second_level_category_id: Text = None
    second_level_category_name: Text = None
    commission_rate: Text = None
    promo_code_info: Any = None  # a RawPromoCode when present (featured promotions)


class RawPromoCode(BaseModel):
    """``promo_code_info`` (the SDKs' ``PromoCodeDTO``): a code bound to the tracking ID."""

    model_config = ConfigDict(extra="ignore")

    promo_code: Text = None
    code_campaigntype: Text = None  # 1: amount off above a spend, 2: percent off
    code_value: Text = None
    code_availabletime_start: Text = None
    code_availabletime_end: Text = None
    code_mini_spend: Text = None
    code_quantity: Text = None
    code_promotionurl: Text = None


class RawPromo(BaseModel):
    """One record of ``promos.promo[]`` (``featuredpromo.get``)."""

    model_config = ConfigDict(extra="ignore")

    promo_name: Text = None
    promo_desc: Text = None
    product_num: Text = None


class RawPromotionLink(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source_value: Text = None
    promotion_link: Text = None


class RawCategory(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category_id: Text = None
    category_name: Text = None
    parent_category_id: Text = None


# -- what this proxy answers -------------------------------------------------------


class Money(BaseModel):
    amount: str = Field(description="Decimal amount exactly as AliExpress sent it.")
    currency: str | None = Field(description="ISO 4217 code, e.g. USD.")


class Shop(BaseModel):
    id: str | None
    name: str | None
    url: str | None


class CategoryRef(BaseModel):
    id: str | None
    name: str | None


class PromoCode(BaseModel):
    """A coupon code a shopper can enter at checkout; parts upstream left out are ``null``."""

    code: str | None = Field(description="The code to enter at checkout.")
    value: str | None = Field(description="What it takes off, as AliExpress wrote it.")
    min_spend: str | None = Field(description="Minimum order for the code, as AliExpress wrote it.")
    starts_at: str | None = Field(description="Valid from (AliExpress's time as sent).")
    ends_at: str | None = Field(description="Valid until (AliExpress's time as sent).")
    remaining: str | None = Field(description="How many uses are left.")
    url: str | None = Field(description="Link that opens the product with the code applied.")


class Product(BaseModel):
    """The compact product a GPT reads. Missing upstream fields are ``null``."""

    id: str
    title: str | None
    price: Money | None = Field(description="Current price (target currency).")
    original_price: Money | None = Field(description="Price before discount.")
    discount_percent: int | None
    rating_percent: float | None = Field(description="Positive feedback, 0-100.")
    orders: int | None = Field(description="Recent sales volume.")
    image_url: str | None
    url: str | None = Field(description="Plain AliExpress product page.")
    affiliate_url: str | None = Field(description="Affiliate link: share this one.")
    shop: Shop | None
    category: CategoryRef | None
    commission_rate_percent: float | None
    promo_code: PromoCode | None = Field(
        description="A coupon code for this product, when AliExpress offers one."
    )


class ProductDetail(Product):
    images: list[str] = Field(default_factory=list)
    video_url: str | None = None


class ProductPage(BaseModel):
    page: int
    page_size: int
    total: int
    has_more: bool
    products: list[Product]


class SimilarPage(BaseModel):
    """Products related to one product (``product.smartmatch``); it is never among them."""

    page: int
    has_more: bool
    products: list[Product]


class Promotion(BaseModel):
    name: str = Field(description="Pass it as `name` to list the promotion's products.")
    description: str | None
    product_count: int | None


class PromotionList(BaseModel):
    promotions: list[Promotion]


class ProductBatch(BaseModel):
    products: list[ProductDetail]
    not_found: list[str]


class AffiliateLink(BaseModel):
    url: str = Field(description="The AliExpress URL you sent.")
    affiliate_url: str | None = Field(description="Tracked affiliate link.")


class LinkBatch(BaseModel):
    links: list[AffiliateLink]
    tracking_id: str


class Category(BaseModel):
    id: str
    name: str | None
    parent_id: str | None


class CategoryList(BaseModel):
    categories: list[Category]


def _money(amount: str | None, currency: str | None) -> Money | None:
    if not amount:
        return None
    if not is_decimal_amount(amount):
        log.warning("upstream amount %r is not a decimal string: null", amount[:40])
        return None
    return Money(amount=amount, currency=currency)


def to_product(raw: RawProduct) -> Product:
    return Product(**_product_fields(raw))


def to_product_detail(raw: RawProduct) -> ProductDetail:
    images = [
        url
        for url in (_text_or_none(v) for v in unwrap_list(raw.product_small_image_urls, "string"))
        if url
    ]
    return ProductDetail(**_product_fields(raw), images=images, video_url=raw.product_video_url)


def _product_fields(raw: RawProduct) -> dict[str, Any]:
    # target_sale_price is the price in the asked currency; some live records
    # lack it and carry only sale_price, which is still a real price.
    price = _money(raw.target_sale_price, raw.target_sale_price_currency) or _money(
        raw.sale_price, raw.sale_price_currency
    )
    original = _money(raw.target_original_price, raw.target_original_price_currency) or _money(
        raw.original_price, raw.original_price_currency
    )
    shop = (
        Shop(id=raw.shop_id, name=raw.shop_name, url=raw.shop_url)
        if raw.shop_id or raw.shop_name or raw.shop_url
        else None
    )
    if raw.second_level_category_id or raw.second_level_category_name:
        category = CategoryRef(id=raw.second_level_category_id, name=raw.second_level_category_name)
    elif raw.first_level_category_id or raw.first_level_category_name:
        category = CategoryRef(id=raw.first_level_category_id, name=raw.first_level_category_name)
    else:
        category = None
    discount = percent_to_float(raw.discount)
    return {
        "id": raw.product_id or "",
        "title": raw.product_title,
        "price": price,
        "original_price": original,
        "discount_percent": round(discount) if discount is not None else None,
        "rating_percent": percent_to_float(raw.evaluate_rate),
        "orders": to_int(raw.lastest_volume),
        "image_url": raw.product_main_image_url,
        "url": raw.product_detail_url,
        "affiliate_url": raw.promotion_link,
        "shop": shop,
        "category": category,
        "commission_rate_percent": percent_to_float(raw.commission_rate),
        "promo_code": to_promo_code(raw.promo_code_info),
    }


def to_promo_code(value: object) -> PromoCode | None:
    """``promo_code_info`` -> the public shape; ``None`` when upstream sent nothing usable."""
    if not isinstance(value, dict):
        return None
    raw = RawPromoCode.model_validate(value)
    code = PromoCode(
        code=raw.promo_code,
        value=raw.code_value,
        min_spend=raw.code_mini_spend,
        starts_at=raw.code_availabletime_start,
        ends_at=raw.code_availabletime_end,
        remaining=raw.code_quantity,
        url=raw.code_promotionurl,
    )
    return code if any(v is not None for v in code.model_dump().values()) else None


def to_promotion(raw: RawPromo) -> Promotion | None:
    if not raw.promo_name:
        return None
    return Promotion(
        name=raw.promo_name, description=raw.promo_desc, product_count=to_int(raw.product_num)
    )


def to_category(raw: RawCategory) -> Category | None:
    if not raw.category_id:
        return None
    return Category(id=raw.category_id, name=raw.category_name, parent_id=raw.parent_category_id)


# -- what callers ask for ------------------------------------------------------------

Sort = Literal["relevance", "price_asc", "price_desc", "orders_desc"]
SORT_PARAMS: dict[str, str | None] = {
    "relevance": None,
    "price_asc": "SALE_PRICE_ASC",
    "price_desc": "SALE_PRICE_DESC",
    "orders_desc": "LAST_VOLUME_DESC",
}


class Locale(BaseModel):
    """Where the shopper is and what they read and pay in."""

    model_config = ConfigDict(frozen=True)

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


class ProductQuery(BaseModel):
    """A search (``product.query``) or hot-products (``hotproduct.query``) request."""

    model_config = ConfigDict(frozen=True)

    keywords: str | None = None
    category_id: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    max_delivery_days: int | None = None
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
            **self.locale.to_params(),
        }


# featuredpromo.products.get sorts with its own names (commissionAsc, priceAsc, ...).
PROMOTION_SORT_PARAMS: dict[str, str | None] = {
    "relevance": None,
    "price_asc": "priceAsc",
    "price_desc": "priceDesc",
    "orders_desc": "volumeDesc",
}


class PromotionProductQuery(BaseModel):
    """One page of a featured promotion's products (``featuredpromo.products.get``)."""

    model_config = ConfigDict(frozen=True)

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
