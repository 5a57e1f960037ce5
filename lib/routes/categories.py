"""The AliExpress category tree (``api/categories.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lib.aliexpress.models import CategoryList
from lib.data_api import ClientDep, data_router

router = data_router()


@router.get(
    "/api/categories",
    operation_id="listCategories",
    summary="List AliExpress product categories",
    description="Top-level categories have parent_id null. Pass parent_id to list one "
    "category's children. Use an id as category_id in searchProducts.",
    response_model=CategoryList,
)
async def list_categories(
    client: ClientDep,
    parent_id: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,20}$", description="Only the children of this category ID."),
    ] = None,
) -> CategoryList:
    categories = await client.get_categories()
    if parent_id is not None:
        categories = [c for c in categories if c.parent_id == parent_id]
    return CategoryList(categories=categories)
