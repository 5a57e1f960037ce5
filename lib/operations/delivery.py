"""Delivery and variants: what shipping one product costs and takes, and its SKUs.

``get_shipping`` answers "how much is shipping to Germany?" and "when would it
arrive?"; ``get_variants`` answers "does it come in blue, size M, and what does that
one cost?". A product that does not ship to the country is a 200 with ``ships: false``
(an answer, not an error); an unknown product or SKU is a 404.
"""

from pydantic import BaseModel, Field

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.delivery_models import Shipping, VariantList
from lib.aliexpress.product_refs import unknown_product_message
from lib.config import Settings
from lib.http.errors import NotFound
from lib.operations.params import LocaleParams
from lib.operations.products import BUILT_ON_FIRST_USE, ProductIdField

SKU_ID_PATTERN = "^[0-9]{1,24}$"


class _SkuId(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    sku_id: str | None = Field(
        default=None,
        pattern=SKU_ID_PATTERN,
        description="One variant's SKU ID (from getVariants); omit for the default variant.",
        examples=["120005984027405"],
    )


class ShippingQueryParams(LocaleParams, _SkuId):
    """The query string of the REST route (the product ID is in the path)."""

    model_config = BUILT_ON_FIRST_USE


class ShippingParams(ShippingQueryParams, ProductIdField):
    """getShipping / get_shipping: product_id, sku_id, then the locale."""

    model_config = BUILT_ON_FIRST_USE


class VariantsParams(LocaleParams, ProductIdField):
    """getVariants / get_variants: product_id, then the locale."""

    model_config = BUILT_ON_FIRST_USE


async def get_shipping(
    client: AliExpressClient, settings: Settings, params: ShippingParams
) -> Shipping:
    found = await client.get_shipping(params.product_id, params.sku_id, params.locale(settings))
    if found is None:
        if params.sku_id:
            raise NotFound(
                f"AliExpress knows no SKU {params.sku_id} of product {params.product_id}: "
                "getVariants lists its SKUs."
            )
        raise NotFound(unknown_product_message(params.product_id))
    return found


async def get_variants(
    client: AliExpressClient, settings: Settings, params: VariantsParams
) -> VariantList:
    found = await client.get_variants(params.product_id, params.locale(settings))
    if not found.variants:
        raise NotFound(unknown_product_message(params.product_id))
    return found
