"""Products: search, hot products, one product's details, several products' details."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.models import ProductBatch, ProductDetail, ProductPage, SimilarPage
from lib.aliexpress.platform import DELIVERY_DAYS, PLATFORM_PRODUCT_TYPES
from lib.aliexpress.product_refs import PRODUCT_ID_PATTERN as _PRODUCT_ID
from lib.aliexpress.product_refs import parse_product_ref, unknown_product_message
from lib.aliexpress.queries import ProductQuery, Sort
from lib.aliexpress.shortlinks import ShortLinkResolver, is_short_link, resolve_product_refs
from lib.config import Settings
from lib.http.errors import InvalidParameter, NotFound
from lib.operations.hot_links import hot_page, with_hot_links
from lib.operations.params import MAX_PAGE, LocaleParams
from lib.upstream import link_resolvers

MAX_BATCH = 20
PRODUCT_ID_PATTERN = f"^{_PRODUCT_ID}$"  # ASCII digits only, as in the models
# Every validator waits for first use: each class built at import delays a cold
# instance's first answer. FastAPI's adapters of a deferred model defer too (pydantic's
# TypeAdapter takes defer_build from the model's config), so a route's query model is
# built on the route's first request, and the per-field adapters FastAPI makes of a
# query model on first use, which only name its fields, are never built.
BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)
PRODUCT_ID_DESCRIPTION = (
    "Numeric product ID, e.g. 1005006123456789 (the number in /item/<id>.html)."
)


class ProductFilters(BaseModel):
    """What narrows a page of products (search and hot products)."""

    model_config = BUILT_ON_FIRST_USE

    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Search keywords in plain words, e.g. 'phone case'. "
        "Search needs q or category_id.",
        examples=["phone case"],
    )
    category_id: int | None = Field(
        default=None,
        ge=1,
        le=10**12,
        description="AliExpress category ID (see listCategories) to search in or filter by.",
    )
    min_price: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="Lowest price, in `currency` units (12.5 = 12.50).",
        examples=[12.5],
    )
    max_price: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="Highest price, in `currency` units (12.5 = 12.50).",
        examples=[12.5],
    )
    sort: Sort = Field(
        default="relevance",
        description="relevance (default), price_asc, price_desc or orders_desc "
        "(best sellers first).",
    )
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        default=10, ge=1, le=50, description="Products per page, 1-50 (default 10)."
    )
    max_delivery_days: int | None = Field(
        default=None,
        description="Only products delivered within this many days (3, 5, 7 or 10).",
        json_schema_extra={"enum": list(DELIVERY_DAYS)},
    )
    # str, not a Literal: case-insensitive like the codes ("tmall"); the enum is for readers.
    platform_product_type: str | None = Field(
        default=None,
        description="Which AliExpress marketplace: ALL (default), PLAZA (the main "
        "marketplace) or TMALL (Tmall brand stores).",
        json_schema_extra={"enum": list(PLATFORM_PRODUCT_TYPES)},
    )


class ProductSearchParams(LocaleParams, ProductFilters):
    """searchProducts / search_products and listHotProducts / hot_products.

    (pydantic puts the last base's fields first: the filters, then the locale.)
    """

    model_config = BUILT_ON_FIRST_USE


class ProductIdField(BaseModel):
    """The product_id field of the operations on one product (shared with delivery)."""

    model_config = BUILT_ON_FIRST_USE

    product_id: str = Field(pattern=PRODUCT_ID_PATTERN, description=PRODUCT_ID_DESCRIPTION)


class ProductParams(LocaleParams, ProductIdField):
    """getProduct: one product by ID (fields: product_id, then the locale)."""

    model_config = BUILT_ON_FIRST_USE


class _ProductRefs(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    ids: list[str] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="1-20 product IDs (e.g. 1005006123456789), AliExpress product URLs "
        "(e.g. https://www.aliexpress.com/item/1005006123456789.html) or AliExpress "
        "short/share links from the app (a.aliexpress.com, s.click.aliexpress.com).",
    )


class ProductBatchParams(LocaleParams, _ProductRefs):
    """getProducts / get_products: several products by IDs or product URLs, then the locale."""

    model_config = BUILT_ON_FIRST_USE


class _SimilarPage(BaseModel):
    model_config = BUILT_ON_FIRST_USE

    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="Page number, from 1.")


class SimilarPageParams(LocaleParams, _SimilarPage):
    """Which page of similar products (REST puts the product ID in the path)."""

    model_config = BUILT_ON_FIRST_USE


class SimilarProductsParams(SimilarPageParams, ProductIdField):
    """listSimilarProducts / similar_products: products like one product (fields:
    product_id, page, then the locale)."""

    model_config = BUILT_ON_FIRST_USE


def product_query(params: ProductSearchParams, settings: Settings) -> ProductQuery:
    """The upstream query; :class:`InvalidParameter` for what one field cannot say."""
    days = params.max_delivery_days
    if days is not None and days not in DELIVERY_DAYS:
        raise InvalidParameter("max_delivery_days", "must be one of 3, 5, 7 or 10.")
    platform = params.platform_product_type
    if platform is not None:
        platform = platform.strip().upper()
        if platform not in PLATFORM_PRODUCT_TYPES:
            raise InvalidParameter("platform_product_type", "must be one of ALL, PLAZA or TMALL.")
    # str() first: a float's binary expansion is not the amount the caller typed.
    low = Decimal(str(params.min_price)) if params.min_price is not None else None
    high = Decimal(str(params.max_price)) if params.max_price is not None else None
    if low is not None and high is not None and low > high:
        raise InvalidParameter("min_price", "must not exceed max_price.")
    return ProductQuery(
        keywords=params.q.strip() if params.q else None,
        category_id=params.category_id,
        min_price=low,
        max_price=high,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        max_delivery_days=days,
        platform_product_type=platform,
        locale=params.locale(settings),
    )


async def search_products(
    client: AliExpressClient, settings: Settings, params: ProductSearchParams
) -> ProductPage:
    query = product_query(params, settings)
    if not query.keywords and query.category_id is None:
        raise InvalidParameter("q", "give q (keywords) or category_id.")
    return await hot_page(client, await client.query_products(query))


async def hot_products(
    client: AliExpressClient, settings: Settings, params: ProductSearchParams
) -> ProductPage:
    return await hot_page(client, await client.query_hot_products(product_query(params, settings)))


async def get_product(
    client: AliExpressClient, settings: Settings, params: ProductParams
) -> ProductDetail:
    found = await client.get_product_details([params.product_id], params.locale(settings))
    if not found:
        raise NotFound(unknown_product_message(params.product_id))
    return (await with_hot_links(client, found[:1]))[0]


async def similar_products(
    client: AliExpressClient, settings: Settings, params: SimilarProductsParams
) -> SimilarPage:
    """Products related to one product, never the product itself; none is an empty page."""
    page = await client.get_similar_products(
        params.product_id, params.locale(settings), page=params.page
    )
    return await hot_page(client, page)


async def get_products(
    client: AliExpressClient,
    settings: Settings,
    params: ProductBatchParams,
    resolver: ShortLinkResolver | None = None,
) -> ProductBatch:
    """Short links are resolved first (``resolver``: this instance's unless given)."""
    refs = product_refs_from(params.ids)
    product_ids = await resolve_product_refs(refs, resolver or link_resolvers.get())
    found = await with_hot_links(
        client, await client.get_product_details(product_ids, params.locale(settings))
    )
    known = {product.id for product in found}
    return ProductBatch(products=found, not_found=[i for i in product_ids if i not in known])


def product_refs_from(refs: list[str]) -> list[str]:
    """Distinct product IDs and short links in request order; an entry may hold
    comma-separated refs."""
    parts = [part.strip() for ref in refs for part in ref.split(",") if part.strip()]
    if not parts:
        raise InvalidParameter("ids", "give at least one product ID.")
    if len(parts) > MAX_BATCH:
        raise InvalidParameter("ids", f"at most {MAX_BATCH} products, got {len(parts)}.")
    product_ids: list[str] = []
    for ref in parts:
        product_id = parse_product_ref(ref) or (ref if is_short_link(ref) else None)
        if product_id is None:
            raise InvalidParameter(
                "ids",
                f"{ref[:80]!r} is neither a product ID nor an AliExpress product URL or "
                "short link.",
            )
        if product_id not in product_ids:
            product_ids.append(product_id)
    return product_ids
