"""Featured promotions (``api/promotions.py``); see ``lib.operations.promotions``."""

from typing import Annotated

from fastapi import Query, Response

from lib.aliexpress.models import ProductPage
from lib.aliexpress.promotion_models import PromotionList
from lib.data_api import ClientDep, SettingsDep, data_router
from lib.operations.promotions import (
    PromotionListParams,
    PromotionProductsParams,
    list_promotions,
    promotion_products,
)

router = data_router()

# The list changes rarely (four fixed promotions): an hour at the CDN, like the client cache.
PROMOTIONS_CACHE = "public, max-age=0, s-maxage=3600, stale-while-revalidate=3600"


@router.get(
    "/api/promotions",
    operation_id="listPromotions",
    summary="List AliExpress's featured deals (promotions)",
    description="Use for today's deals, what is on sale, best sellers or new arrivals: the "
    "featured promotions (Hot Product, New Arrival, Best Seller, weeklydeals...) with how many "
    "products each holds. Then call listPromotionProducts with a name.",
    response_model=PromotionList,
)
async def promotions(response: Response, client: ClientDep, settings: SettingsDep) -> PromotionList:
    answer = await list_promotions(client, settings, PromotionListParams())
    if not settings.proxy_api_key:  # with a key, data_router keeps answers private
        response.headers["Cache-Control"] = PROMOTIONS_CACHE
    return answer


@router.get(
    "/api/promotions/products",
    operation_id="listPromotionProducts",
    summary="Products on one featured deal list (promotion), with coupon codes",
    description="Use for deals, discounts, coupons, weekly deals, best sellers or new "
    "arrivals. Same answer as searchProducts; a product's promo_code is a coupon to use at "
    "checkout. name comes from listPromotions. An unknown name gives an empty page.",
    response_model=ProductPage,
)
async def products(
    client: ClientDep,
    settings: SettingsDep,
    params: Annotated[PromotionProductsParams, Query()],
) -> ProductPage:
    return await promotion_products(client, settings, params)
