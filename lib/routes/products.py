"""Products: search, hot products and details (``api/products.py``).

Thin REST wrappers over ``lib.operations.products``: parameters come from the
operations' input models, so the GPT spec and the MCP tools cannot drift apart.
"""

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from lib.aliexpress.delivery_models import Shipping, VariantList
from lib.aliexpress.models import ProductBatch, ProductDetail, ProductPage, SimilarPage
from lib.data_api import ClientDep, LinkResolverDep, SettingsDep, data_router
from lib.operations import delivery, products
from lib.operations.delivery import ShippingParams, ShippingQueryParams, VariantsParams
from lib.operations.params import LocaleParams
from lib.operations.products import (
    PRODUCT_ID_DESCRIPTION,
    PRODUCT_ID_PATTERN,
    ProductBatchParams,
    ProductParams,
    ProductSearchParams,
    SimilarPageParams,
    SimilarProductsParams,
)

router = data_router()

SearchQuery = Annotated[ProductSearchParams, Query()]
LocaleQuery = Annotated[LocaleParams, Query()]
# The query models are built on their route's first request, not at import (see
# lib.operations.products.BUILT_ON_FIRST_USE).
_ON_FIRST_USE = ConfigDict(defer_build=True)


class _CommaSeparatedIds(BaseModel):
    model_config = _ON_FIRST_USE

    ids: str = Field(
        min_length=1,
        max_length=8000,
        description="Up to 20 comma-separated product IDs, AliExpress product URLs or "
        "AliExpress short/share links (a.aliexpress.com, s.click.aliexpress.com), "
        "e.g. 1005006123456789,https://www.aliexpress.com/item/1005006123456790.html",
    )


class ProductBatchQuery(LocaleParams, _CommaSeparatedIds):
    """getProducts' query string: the IDs as one comma-separated value, then the locale."""

    model_config = _ON_FIRST_USE


@router.get(
    "/api/products/search",
    operation_id="searchProducts",
    summary="Search AliExpress products by keywords and/or category",
    description="Returns one page of matching products with price, rating, orders, image and "
    "an affiliate link to share. Prices are decimal strings in the requested currency. "
    "Needs q or category_id.",
    response_model=ProductPage,
)
async def search_products(
    client: ClientDep, settings: SettingsDep, params: SearchQuery
) -> ProductPage:
    return await products.search_products(client, settings, params)


@router.get(
    "/api/products/hot",
    operation_id="listHotProducts",
    summary="List hot (high-commission, popular) AliExpress products",
    description="Returns one page of hot products, optionally narrowed by keywords, category "
    "and price. Same shape as searchProducts.",
    response_model=ProductPage,
)
async def hot_products(
    client: ClientDep, settings: SettingsDep, params: SearchQuery
) -> ProductPage:
    return await products.hot_products(client, settings, params)


# Declared before /api/products/{product_id}: the more specific path is matched first.
@router.get(
    "/api/products/{product_id}/similar",
    operation_id="listSimilarProducts",
    summary="Find AliExpress products similar to one product (more like this)",
    description="Use for 'more like this', alternatives or other options to a product you "
    "already have an ID for. Same product shape as searchProducts, never the product itself; "
    "has_more says whether the next page has more. None found is an empty list.",
    response_model=SimilarPage,
)
async def similar_products(
    product_id: Annotated[
        str, Path(pattern=PRODUCT_ID_PATTERN, description=PRODUCT_ID_DESCRIPTION)
    ],
    client: ClientDep,
    settings: SettingsDep,
    query: Annotated[SimilarPageParams, Query()],
) -> SimilarPage:
    params = SimilarProductsParams(product_id=product_id, **query.model_dump())
    return await products.similar_products(client, settings, params)


@router.get(
    "/api/products/{product_id}/shipping",
    operation_id="getShipping",
    summary="Shipping fee and delivery time of one AliExpress product to a country",
    description="Use when asked what shipping costs or when a product would arrive "
    "('how much is shipping to Germany?'). Give ship_to; sku_id (from getVariants) for one "
    "variant. ships=false: AliExpress does not deliver there (an answer, not an error).",
    response_model=Shipping,
)
async def get_shipping(
    product_id: Annotated[
        str, Path(pattern=PRODUCT_ID_PATTERN, description=PRODUCT_ID_DESCRIPTION)
    ],
    client: ClientDep,
    settings: SettingsDep,
    query: Annotated[ShippingQueryParams, Query()],
) -> Shipping:
    params = ShippingParams(product_id=product_id, **query.model_dump())
    return await delivery.get_shipping(client, settings, params)


@router.get(
    "/api/products/{product_id}/variants",
    operation_id="getVariants",
    summary="Variants (colour, size...) of one AliExpress product with each one's price",
    description="Use when the shopper asks which colours, sizes or models a product comes "
    "in, or what one combination costs (e.g. 'blue, size M'). options lists every "
    "attribute and its values; each variant has its attributes, price, stock and sku_id "
    "(pass it to getShipping).",
    response_model=VariantList,
)
async def get_variants(
    product_id: Annotated[
        str, Path(pattern=PRODUCT_ID_PATTERN, description=PRODUCT_ID_DESCRIPTION)
    ],
    client: ClientDep,
    settings: SettingsDep,
    locale: LocaleQuery,
) -> VariantList:
    params = VariantsParams(product_id=product_id, **locale.locale_fields())
    return await delivery.get_variants(client, settings, params)


@router.get(
    "/api/products/{product_id}",
    operation_id="getProduct",
    summary="Get one AliExpress product by its ID",
    description="Full details of one product, including all images and a video when there "
    "is one. 404 when AliExpress does not know the ID.",
    response_model=ProductDetail,
)
async def get_product(
    product_id: Annotated[
        str, Path(pattern=PRODUCT_ID_PATTERN, description=PRODUCT_ID_DESCRIPTION)
    ],
    client: ClientDep,
    settings: SettingsDep,
    locale: LocaleQuery,
) -> ProductDetail:
    params = ProductParams(product_id=product_id, **locale.locale_fields())
    return await products.get_product(client, settings, params)


@router.get(
    "/api/products",
    operation_id="getProducts",
    summary="Get several AliExpress products by IDs or product URLs",
    description="Details of up to 20 products at once. IDs that AliExpress does not know are "
    "listed in not_found (they may exist but not be in the affiliate programme).",
    response_model=ProductBatch,
)
async def get_products(
    client: ClientDep,
    settings: SettingsDep,
    resolver: LinkResolverDep,
    query: Annotated[ProductBatchQuery, Query()],
) -> ProductBatch:
    params = ProductBatchParams(ids=[query.ids], **query.locale_fields())
    return await products.get_products(client, settings, params, resolver)
