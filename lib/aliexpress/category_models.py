"""The category tree (``category.get``), flat: what the categories function answers with."""

from collections.abc import Mapping

from pydantic import BaseModel

from lib.aliexpress.values import reader


class Category(BaseModel):
    id: str
    name: str | None
    parent_id: str | None


class CategoryList(BaseModel):
    categories: list[Category]


def to_category(record: Mapping[str, object]) -> Category | None:
    """A ``categories.category[]`` record -> :class:`Category`; ``None`` without an ID."""
    field = reader(record)
    category_id = field("category_id")
    if not category_id:
        return None
    return Category(
        id=category_id, name=field("category_name"), parent_id=field("parent_category_id")
    )
