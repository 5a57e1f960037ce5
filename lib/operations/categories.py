"""The AliExpress category tree."""

from pydantic import BaseModel, Field

from lib.aliexpress.category_models import CategoryList
from lib.aliexpress.client import AliExpressClient
from lib.config import Settings


class CategoryParams(BaseModel):
    """listCategories / list_categories."""

    parent_id: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,20}$",
        description="Only the children of this category ID.",
    )


async def list_categories(
    client: AliExpressClient, settings: Settings, params: CategoryParams
) -> CategoryList:
    categories = await client.get_categories()
    if params.parent_id is not None:
        categories = [c for c in categories if c.parent_id == params.parent_id]
    return CategoryList(categories=categories)
