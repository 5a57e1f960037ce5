"""The AliExpress category tree (``api/categories.py``); see ``lib.operations.categories``."""

from typing import Annotated

from fastapi import Query

from lib.aliexpress.category_models import CategoryList
from lib.data_api import ClientDep, SettingsDep, data_router
from lib.operations.categories import CategoryParams, list_categories

router = data_router()


@router.get(
    "/api/categories",
    operation_id="listCategories",
    summary="List AliExpress product categories",
    description="Top-level categories have parent_id null. Pass parent_id to list one "
    "category's children. Use an id as category_id in searchProducts.",
    response_model=CategoryList,
)
async def categories(
    client: ClientDep, settings: SettingsDep, params: Annotated[CategoryParams, Query()]
) -> CategoryList:
    return await list_categories(client, settings, params)
