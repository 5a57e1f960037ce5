"""Products: search, hot products and details (``api/products.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Path, Query

from lib.aliexpress.models import (
    ProductBatch,
    ProductDetail,
    ProductPage,
    ProductQuery,
    Sort,
    parse_product_ref,
    unknown_product_message,
)
from lib.aliexpress.platform import DELIVERY_DAYS
from lib.aliexpress.shortlinks import is_short_link, resolve_product_refs
from lib.data_api import ClientDep, LinkResolverDep, LocaleDep, data_router
from lib.http.errors import InvalidRequest, NotFound

router = data_router()

MAX_BATCH = 20
MAX_PAGE = 1000


def _price(description: str) -> object:
    return Query(ge=0, le=1_000_000, allow_inf_nan=False, description=description, examples=[12.5])


async def get_product_query(
    locale: LocaleDep,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Search keywords in plain words, e.g. 'phone case'. "
            "Search needs q or category_id.",
            examples=["phone case"],
        ),
    ] = None,
    category_id: Annotated[
        int | None,
        Query(
            ge=1,
            le=10**12,
            description="AliExpress category ID (see listCategories) to search in or filter by.",
        ),
    ] = None,
    min_price: Annotated[
        float | None, _price("Lowest price, in `currency` units (12.5 = 12.50).")
    ] = None,
    max_price: Annotated[
        float | None, _price("Highest price, in `currency` units (12.5 = 12.50).")
    ] = None,
    sort: Annotated[
        Sort,
        Query(
            description="relevance (default), price_asc, price_desc or orders_desc "
            "(best sellers first)."
        ),
    ] = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=50, description="Products per page, 1-50 (default 10).")
    ] = 10,
    max_delivery_days: Annotated[
        int | None,
        Query(
            description="Only products delivered within this many days (3, 5, 7 or 10).",
            json_schema_extra={"enum": list(DELIVERY_DAYS)},
        ),
    ] = None,
) -> ProductQuery:
    if max_delivery_days is not None and max_delivery_days not in DELIVERY_DAYS:
        raise InvalidRequest(
            "Invalid query parameter 'max_delivery_days': must be one of 3, 5, 7 or 10."
        )
    low = Decimal(str(min_price)) if min_price is not None else None
    high = Decimal(str(max_price)) if max_price is not None else None
    if low is not None and high is not None and low > high:
        raise InvalidRequest("Invalid query parameter 'min_price': must not exceed max_price.")
    return ProductQuery(
        keywords=q.strip() if q else None,
        category_id=category_id,
        min_price=low,
        max_price=high,
        sort=sort,
        page=page,
        page_size=page_size,
        max_delivery_days=max_delivery_days,
        locale=locale,
    )


ProductQueryDep = Annotated[ProductQuery, Depends(get_product_query)]


@router.get(
    "/api/products/search",
    operation_id="searchProducts",
    summary="Search AliExpress products by keywords and/or category",
    description="Returns one page of matching products with price, rating, orders, image and "
    "an affiliate link to share. Prices are decimal strings in the requested currency. "
    "Needs q or category_id.",
    response_model=ProductPage,
)
async def search_products(client: ClientDep, query: ProductQueryDep) -> ProductPage:
    if not query.keywords and query.category_id is None:
        raise InvalidRequest("Invalid query parameter 'q': give q (keywords) or category_id.")
    return await client.query_products(query)


@router.get(
    "/api/products/hot",
    operation_id="listHotProducts",
    summary="List hot (high-commission, popular) AliExpress products",
    description="Returns one page of hot products, optionally narrowed by keywords, category "
    "and price. Same shape as searchProducts.",
    response_model=ProductPage,
)
async def hot_products(client: ClientDep, query: ProductQueryDep) -> ProductPage:
    return await client.query_hot_products(query)


@router.get(
    "/api/products/{product_id}",
    operation_id="getProduct",
    summary="Get one AliExpress product by its ID",
    description="Full details of one product, including all images and a video when there "
    "is one. 404 when AliExpress does not know the ID.",
    response_model=ProductDetail,
)
async def get_product(
    client: ClientDep,
    locale: LocaleDep,
    product_id: Annotated[
        str,
        Path(
            pattern=r"^\d{6,20}$",
            description="Numeric product ID, e.g. 1005006123456789 (the number in "
            "/item/<id>.html).",
        ),
    ],
) -> ProductDetail:
    found = await client.get_product_details([product_id], locale)
    if not found:
        raise NotFound(unknown_product_message(product_id))
    return found[0]


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
    locale: LocaleDep,
    resolver: LinkResolverDep,
    ids: Annotated[
        str,
        Query(
            min_length=1,
            max_length=8000,
            description="Up to 20 comma-separated product IDs, AliExpress product URLs or "
            "AliExpress short/share links (a.aliexpress.com, s.click.aliexpress.com), "
            "e.g. 1005006123456789,https://www.aliexpress.com/item/1005006123456790.html",
        ),
    ],
) -> ProductBatch:
    product_ids = await resolve_product_refs(parse_ids(ids), resolver)
    found = await client.get_product_details(product_ids, locale)
    known = {product.id for product in found}
    return ProductBatch(products=found, not_found=[i for i in product_ids if i not in known])


def parse_ids(ids: str) -> list[str]:
    """Distinct product IDs and short links in request order; a clear 422 for anything else."""
    refs = [ref.strip() for ref in ids.split(",") if ref.strip()]
    if not refs:
        raise InvalidRequest("Invalid query parameter 'ids': give at least one product ID.")
    if len(refs) > MAX_BATCH:
        raise InvalidRequest(
            f"Invalid query parameter 'ids': at most {MAX_BATCH} products, got {len(refs)}."
        )
    product_ids: list[str] = []
    for ref in refs:
        product_id = parse_product_ref(ref) or (ref if is_short_link(ref) else None)
        if product_id is None:
            raise InvalidRequest(
                f"Invalid query parameter 'ids': {ref[:80]!r} is neither a product ID nor an "
                "AliExpress product URL or short link."
            )
        if product_id not in product_ids:
            product_ids.append(product_id)
    return product_ids
