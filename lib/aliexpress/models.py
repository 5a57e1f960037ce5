"""The compact product shapes this proxy answers with, and how a platform record
becomes one.

The public models are what the GPT reads (CONTRACT §2): small, typed, ``null``
where upstream said nothing. A record is the dict the platform sent, read field by
field through :mod:`lib.aliexpress.values`. Promotions, categories, links and
orders have their shapes in modules of their own, so a function builds only the
model classes it answers with (each costs cold-start time).

Two fields come from bububa/opentaobao ``model/aecreatives/Product.go`` (generated from
the platform's API metadata; not verified against the live gateway):
``target_app_sale_price`` (+ ``_currency``, "the app-only price in the target currency",
falling back to ``app_sale_price``) and ``ship_to_days`` ("reachable countries and arrival
time", a string). That model does not say how ``ship_to_days`` is written: INFERRED here
that it carries the days as a number (``"7"``) or one number in words (``"7 days"``);
anything else, and more than a year, is ``null``.

``hot_product_commission_rate`` (a percent string like ``commission_rate``) is in the
same Product.go, in sergioteula/python-aliexpress-api ``models/product.py`` and in moh3a/ae_sdk
``Affiliate_Base_Product_Details``; lib/operations/hot_links.py says what it is used for.
"""

import logging
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lib.aliexpress.money import Money
from lib.aliexpress.values import (
    is_decimal_amount,
    percent_to_float,
    reader,
    text,
    to_int,
    unwrap_list,
)

log = logging.getLogger(__name__)

MAX_DELIVERY_DAYS = 365  # more than a year is no delivery estimate
# One run of ASCII digits, 1-4 long, and no sign or range ("7", "7 days"; not "-3", "7-12").
_ONE_NUMBER = re.compile(r"[^0-9-]*([0-9]{1,4})[^0-9-]*")
# Page and detail shapes are built on first use, not at import: FastAPI's adapters of
# the routes answering with them defer with them, and a cold start answers one route.
_ON_FIRST_USE = ConfigDict(defer_build=True)


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
    hot_commission_rate_percent: float | None = Field(
        default=None,
        description="What a hot-product link earns, when AliExpress marks the product hot.",
    )
    link_type: Literal["hot", "normal"] | None = Field(
        default=None,
        description="hot: affiliate_url is a hot-product link (earns "
        "hot_commission_rate_percent); normal: an ordinary one; null: no affiliate_url.",
    )
    link_commission_rate_percent: float | None = Field(
        default=None, description="The commission affiliate_url earns, in percent."
    )
    promo_code: PromoCode | None = Field(
        description="A coupon code for this product, when AliExpress offers one."
    )
    app_price: Money | None = Field(
        default=None,
        description="Price when bought in the AliExpress mobile app, when AliExpress "
        "offers an app-only price.",
    )
    delivery_days: int | None = Field(
        default=None,
        description="Estimated days to deliver to ship_to, when AliExpress says.",
    )


class ProductDetail(Product):
    model_config = _ON_FIRST_USE

    images: list[str] = Field(default_factory=list)
    video_url: str | None = None


class ProductPage(BaseModel):
    model_config = _ON_FIRST_USE

    page: int
    page_size: int
    total: int
    has_more: bool
    products: list[Product]


class SimilarPage(BaseModel):
    """Products related to one product (``product.smartmatch``); it is never among them."""

    model_config = _ON_FIRST_USE

    page: int
    has_more: bool
    products: list[Product]


class ProductBatch(BaseModel):
    model_config = _ON_FIRST_USE

    products: list[ProductDetail]
    not_found: list[str]


def _money(amount: str | None, currency: str | None) -> Money | None:
    if not amount:
        return None
    if not is_decimal_amount(amount):
        log.warning("upstream amount %r is not a decimal string: null", amount[:40])
        return None
    return Money(amount=amount, currency=currency)


def to_product(record: Mapping[str, object]) -> Product | None:
    """A ``products.product[]`` record -> :class:`Product`; ``None`` without a product ID."""
    fields = _product_fields(record)
    return Product(**fields) if fields else None


def to_product_detail(record: Mapping[str, object]) -> ProductDetail | None:
    """A ``productdetail.get`` record -> :class:`ProductDetail` (all images, the video)."""
    fields = _product_fields(record)
    if not fields:
        return None
    images = [
        url
        for url in map(text, unwrap_list(record.get("product_small_image_urls"), "string"))
        if url
    ]
    return ProductDetail(**fields, images=images, video_url=text(record.get("product_video_url")))


def _product_fields(record: Mapping[str, object]) -> dict[str, Any] | None:
    field = reader(record)
    product_id = field("product_id")
    if product_id is None:
        return None
    # target_sale_price is the price in the asked currency; some live records
    # lack it and carry only sale_price, which is still a real price.
    price = _money(field("target_sale_price"), field("target_sale_price_currency")) or _money(
        field("sale_price"), field("sale_price_currency")
    )
    original = _money(
        field("target_original_price"), field("target_original_price_currency")
    ) or _money(field("original_price"), field("original_price_currency"))
    shop_id, shop_name, shop_url = field("shop_id"), field("shop_name"), field("shop_url")
    shop = (
        Shop(id=shop_id, name=shop_name, url=shop_url) if shop_id or shop_name or shop_url else None
    )
    category = None
    for level in ("second", "first"):  # the most specific category the record names
        category_id, name = (
            field(f"{level}_level_category_id"),
            field(f"{level}_level_category_name"),
        )
        if category_id or name:
            category = CategoryRef(id=category_id, name=name)
            break
    discount = percent_to_float(field("discount"))
    affiliate_url = field("promotion_link")
    commission = percent_to_float(field("commission_rate"))
    return {
        "id": product_id,
        "title": field("product_title"),
        "price": price,
        "original_price": original,
        "discount_percent": round(discount) if discount is not None else None,
        "rating_percent": percent_to_float(field("evaluate_rate")),
        "orders": to_int(field("lastest_volume")),  # sic: the platform's spelling
        "image_url": field("product_main_image_url"),
        "url": field("product_detail_url"),
        "affiliate_url": affiliate_url,
        "shop": shop,
        "category": category,
        "commission_rate_percent": commission,
        "hot_commission_rate_percent": percent_to_float(field("hot_product_commission_rate")),
        # The link as the platform made it: an ordinary one until hot_links makes it hot.
        "link_type": "normal" if affiliate_url else None,
        "link_commission_rate_percent": commission if affiliate_url else None,
        "promo_code": to_promo_code(record.get("promo_code_info")),
        "app_price": _money(field("target_app_sale_price"), field("target_app_sale_price_currency"))
        or _money(field("app_sale_price"), field("app_sale_price_currency")),
        "delivery_days": ship_to_days(field("ship_to_days")),
    }


def ship_to_days(value: str | None) -> int | None:
    """``ship_to_days`` -> days (``"7"``, ``"7 days"`` -> 7); unreadable or absurd -> ``None``."""
    found = _ONE_NUMBER.fullmatch(value[:100]) if value else None
    days = int(found.group(1)) if found else None
    return days if days is not None and days <= MAX_DELIVERY_DAYS else None


def to_promo_code(value: object) -> PromoCode | None:
    """``promo_code_info`` (the SDKs' ``PromoCodeDTO``: a code bound to the tracking ID)
    -> the public shape; ``None`` when upstream sent nothing usable."""
    if not isinstance(value, dict):
        return None
    field = reader(value)
    code = PromoCode(
        code=field("promo_code"),
        value=field("code_value"),  # code_campaigntype 1: amount off above a spend, 2: percent
        min_spend=field("code_mini_spend"),
        starts_at=field("code_availabletime_start"),
        ends_at=field("code_availabletime_end"),
        remaining=field("code_quantity"),
        url=field("code_promotionurl"),
    )
    return code if any(v is not None for v in code.model_dump().values()) else None
