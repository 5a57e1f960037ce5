"""Featured promotions: the platform's deal lists and one promotion's products."""

from pydantic import BaseModel, Field

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.models import ProductPage
from lib.aliexpress.promotion_models import PromotionList
from lib.aliexpress.queries import PromotionProductQuery, Sort
from lib.config import Settings
from lib.http.errors import InvalidParameter
from lib.operations.hot_links import hot_page
from lib.operations.params import MAX_PAGE, LocaleParams


class PromotionListParams(BaseModel):
    """listPromotions / list_promotions: nothing to choose."""


class PromotionFilters(BaseModel):
    """Which promotion, and searchProducts' narrowing and paging without keywords."""

    name: str = Field(
        min_length=1,
        max_length=100,
        description="Promotion name from listPromotions, e.g. 'Hot Product', 'New Arrival', "
        "'Best Seller' or 'weeklydeals'.",
        examples=["weeklydeals"],
    )
    category_id: int | None = Field(
        default=None,
        ge=1,
        le=10**12,
        description="AliExpress category ID (see listCategories) to narrow the promotion to.",
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


class PromotionProductsParams(LocaleParams, PromotionFilters):
    """listPromotionProducts / promotion_products."""


async def list_promotions(
    client: AliExpressClient, settings: Settings, params: PromotionListParams
) -> PromotionList:
    return PromotionList(promotions=await client.get_featured_promotions())


async def promotion_products(
    client: AliExpressClient, settings: Settings, params: PromotionProductsParams
) -> ProductPage:
    """One page of a promotion's products; an unknown promotion is an empty page."""
    name = params.name.strip()
    if not name:
        raise InvalidParameter("name", "give a promotion name (see listPromotions).")
    query = PromotionProductQuery(
        name=name,
        category_id=params.category_id,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        locale=params.locale(settings),
    )
    return await hot_page(client, await client.query_promotion_products(query))
