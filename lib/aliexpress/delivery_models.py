"""Delivered price, delivery time and variants: the shapes of ``product.shipping.get``
and ``product.sku.detail.get`` answers, and how a platform record becomes one.

Sources (published third-party SDK code, none verified against the live gateway):

- ``aliexpress.affiliate.product.shipping.get`` takes ``product_id``, ``sku_id``,
  ``ship_to_country``, ``target_currency``, ``target_language`` (and optionally
  ``target_sale_price``, ``tax_rate``): request objects of public clients found with the
  code search (a Python client's ``get_shipping_info``, several JS callers). Its
  ``resp_result.result`` carries ``shipping_fee``, ``min_delivery_days``,
  ``max_delivery_days``, ``delivery_days`` and ``ship_from_country`` (a public Python
  parser ``parse_shipping`` and a TypeScript zod schema read exactly these). VERIFIED
  only in that two independent readers agree; ``shipping_fee_currency`` and
  ``free_shipping`` are INFERRED from ``aliexpress.ds.freight.query``'s documented
  delivery option (``shipping_fee_currency``, ``free_shipping``, ``min/max_delivery_days``,
  ``ship_from_country``). That a product which does not ship to the country answers a
  result without fee or days is INFERRED (no source shows that case).
- ``aliexpress.affiliate.product.sku.detail.get`` takes ``product_id``, ``sku_ids``,
  ``ship_to_country``, ``target_currency``, ``target_language``, ``need_deliver_info``
  (CONTRACT §9 and public callers). A public parser reads ``ae_item_info`` and a list
  ``ae_item_sku_info`` of ``sku_id``, ``price_with_tax``, ``sale_price_with_tax``,
  ``currency``, ``color``, ``size``, ``sku_properties``, ``sku_image_link``,
  ``shipping_fees``, ``ship_from_country``, ``min/max_delivery_days``. That parser finds
  them under ``result.result``; ours accepts them there or directly under ``result``.
  ``sku_properties`` as ``"Color:Blue;Size:M"`` and ``sku_available_stock`` (named as in
  ``aliexpress.ds.product.get``'s SKU DTO) are INFERRED.

Absurd values are ``null``, never passed on: a negative or non-decimal fee, delivery
days outside 0-365, an attribute without a name or value.
"""

import logging
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from lib.aliexpress.money import Money
from lib.aliexpress.values import is_decimal_amount, reader, records, text, to_int

log = logging.getLogger(__name__)

MAX_DELIVERY_DAYS = 365  # more than a year is no delivery estimate
MAX_STOCK = 10**9
# Built on first use, not at import: no cold start of the products function answers
# with these first (FastAPI's adapters of the routes that do defer with them).
_ON_FIRST_USE = ConfigDict(defer_build=True)


class Shipping(BaseModel):
    """What delivering one product (or one SKU of it) to one country costs and takes."""

    model_config = _ON_FIRST_USE

    product_id: str
    sku_id: str | None = Field(description="The SKU asked about; null for the default one.")
    ship_to: str = Field(description="Destination country, ISO 3166-1 alpha-2.")
    ships: bool = Field(
        description="false: AliExpress offers no delivery of this product to ship_to."
    )
    free_shipping: bool | None = Field(description="true when delivery costs nothing.")
    fee: Money | None = Field(description="Shipping fee (0.00 when free); null when unknown.")
    min_delivery_days: int | None = Field(description="Fastest estimated delivery, in days.")
    max_delivery_days: int | None = Field(description="Slowest estimated delivery, in days.")
    ship_from: str | None = Field(description="Country the parcel ships from, e.g. CN.")


class VariantAttribute(BaseModel):
    model_config = _ON_FIRST_USE

    name: str = Field(description="Attribute name as AliExpress wrote it, e.g. Color.")
    value: str = Field(description="Its value for this SKU, e.g. Blue.")


class Variant(BaseModel):
    """One SKU: a combination of attributes with its own price."""

    model_config = _ON_FIRST_USE

    sku_id: str
    attributes: list[VariantAttribute] = Field(
        description="Name/value pairs (colour, size...); empty when the SKU has none."
    )
    price: Money | None = Field(description="This SKU's current price.")
    original_price: Money | None = Field(description="This SKU's price before discount.")
    image_url: str | None
    available: bool | None = Field(description="In stock; null when AliExpress did not say.")
    stock: int | None = Field(description="Units available, when AliExpress said.")


class VariantOption(BaseModel):
    model_config = _ON_FIRST_USE

    name: str
    values: list[str] = Field(description="Every value this attribute takes, in SKU order.")


class VariantList(BaseModel):
    model_config = _ON_FIRST_USE

    product_id: str
    ship_to: str
    options: list[VariantOption] = Field(
        description="Each attribute and its values: what a shopper can choose from."
    )
    variants: list[Variant]


def to_shipping(
    result: Mapping[str, object], product_id: str, sku_id: str | None, ship_to: str, currency: str
) -> Shipping:
    """A ``shipping.get`` result -> :class:`Shipping`; no fee and no days: it does not ship."""
    field = reader(result)
    fee = _money(field("shipping_fee"), field("shipping_fee_currency") or currency)
    low, high = _days(result.get("min_delivery_days")), _days(result.get("max_delivery_days"))
    if low is None and high is None:
        low = high = _days(result.get("delivery_days"))
    if low is not None and high is not None and low > high:
        low, high = high, low
    free = _flag(result.get("free_shipping"))
    if free is None and fee is not None:
        free = not any(c in "123456789" for c in fee.amount)
    ships = fee is not None or free is not None or low is not None
    return Shipping(
        product_id=product_id,
        sku_id=sku_id,
        ship_to=ship_to,
        ships=ships,
        free_shipping=free if ships else None,
        fee=fee,
        min_delivery_days=low,
        max_delivery_days=high,
        ship_from=_country(field("ship_from_country")),
    )


def to_variant_list(result: Mapping[str, object], product_id: str, ship_to: str) -> VariantList:
    """A ``sku.detail.get`` result -> :class:`VariantList` (SKUs without an ID dropped)."""
    inner = result.get("result")
    source = inner if isinstance(inner, Mapping) and "ae_item_sku_info" in inner else result
    variants = [
        found
        for found in map(to_variant, records(source.get("ae_item_sku_info"), "traffic_sku_info"))
        if found is not None
    ]
    options: dict[str, list[str]] = {}
    for variant in variants:
        for attribute in variant.attributes:
            values = options.setdefault(attribute.name, [])
            if attribute.value not in values:
                values.append(attribute.value)
    return VariantList(
        product_id=product_id,
        ship_to=ship_to,
        options=[VariantOption(name=name, values=values) for name, values in options.items()],
        variants=variants,
    )


def to_variant(record: Mapping[str, object]) -> Variant | None:
    field = reader(record)
    sku_id = field("sku_id")
    if sku_id is None or not sku_id.isascii() or not sku_id.isdigit():
        return None
    currency = field("currency")
    price = _money(field("sale_price_with_tax"), currency) or _money(field("sale_price"), currency)
    original = _money(field("price_with_tax"), currency) or _money(field("price"), currency)
    stock = to_int(record.get("sku_available_stock"))
    if stock is not None and not 0 <= stock <= MAX_STOCK:
        stock = None
    return Variant(
        sku_id=sku_id,
        attributes=_attributes(record),
        price=price,
        original_price=original,
        image_url=field("sku_image_link"),
        available=None if stock is None else stock > 0,
        stock=stock,
    )


def _attributes(record: Mapping[str, object]) -> list[VariantAttribute]:
    """``sku_properties`` ("Color:Blue;Size:M"), else the ``color``/``size`` fields."""
    pairs: list[VariantAttribute] = []
    for part in (text(record.get("sku_properties")) or "").split(";"):
        name, _, value = part.partition(":")
        if name.strip() and value.strip():
            pairs.append(VariantAttribute(name=name.strip()[:60], value=value.strip()[:120]))
    if pairs:
        return pairs
    for name in ("color", "size"):
        value = text(record.get(name))
        if value:
            pairs.append(VariantAttribute(name=name.capitalize(), value=value[:120]))
    return pairs


def _money(amount: str | None, currency: str | None) -> Money | None:
    if not amount:
        return None
    if not is_decimal_amount(amount):  # negative, "US $1.00", "1e9": not an amount
        log.warning("upstream amount %r is not a decimal string: null", amount[:40])
        return None
    return Money(amount=amount, currency=currency)


def _days(value: object) -> int | None:
    days = to_int(value)
    return days if days is not None and 0 <= days <= MAX_DELIVERY_DAYS else None


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _country(value: str | None) -> str | None:
    return value.upper() if value and len(value) == 2 and value.isascii() else None
