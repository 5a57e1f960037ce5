"""Featured promotions (``featuredpromo.get``): the shapes the promotions function answers with."""

from collections.abc import Mapping

from pydantic import BaseModel, Field

from lib.aliexpress.values import reader, to_int


class Promotion(BaseModel):
    name: str = Field(description="Pass it as `name` to list the promotion's products.")
    description: str | None
    product_count: int | None


class PromotionList(BaseModel):
    promotions: list[Promotion]


def to_promotion(record: Mapping[str, object]) -> Promotion | None:
    """A ``promos.promo[]`` record -> :class:`Promotion`; ``None`` without a name."""
    field = reader(record)
    name = field("promo_name")
    if not name:
        return None
    return Promotion(
        name=name, description=field("promo_desc"), product_count=to_int(field("product_num"))
    )
