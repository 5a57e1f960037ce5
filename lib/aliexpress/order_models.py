"""Affiliate orders (``aliexpress.affiliate.order.list``): what the platform sends,
what the owner reads, what the owner asks for.

Apart from :mod:`lib.aliexpress.models` because only the owner's orders function
and its client method need them: every other function would otherwise build these
pydantic classes (and compile this module) on each cold start.
"""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from lib.aliexpress.money import Money
from lib.aliexpress.platform_time import platform_day_bounds, to_iso8601
from lib.aliexpress.values import percent_to_float, reader, to_int

# Amounts arrive as integer cents of ``settled_currency`` (the published SDK models
# type paid_amount and the commissions as int64; the platform's docs for the same
# records in ds.commissionorder.listbyindex say "unit cent"). They are turned into
# decimal strings with Decimal arithmetic only, never through float, and an amount
# that is not a whole number of cents is null rather than guessed at.

# The owner's names for the platform's order statuses (the values ``status`` takes).
ORDER_STATUSES: dict[str, str] = {
    "paid": "Payment Completed",
    "confirmed": "Buyer Confirmed Receipt",
    "settled": "Completed Settlement",
    "invalid": "Invalid",
}
_STATUS_NAMES = {platform: name for name, platform in ORDER_STATUSES.items()}
OrderStatus = Literal["paid", "confirmed", "settled", "invalid"]
_CENTS = re.compile(r"-?[0-9]{1,15}")  # ASCII digits only, as everywhere upstream


def cents_to_amount(value: object) -> str | None:
    """``1999`` or ``"1999"`` (cents) -> ``"19.99"``; anything else -> ``None``."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not _CENTS.fullmatch(text):
        return None
    return str(Decimal(text).scaleb(-2).quantize(Decimal("0.01")))


def order_status_name(platform_status: str | None) -> str | None:
    """The owner's name for a platform status; an unknown status is kept as sent."""
    if platform_status is None:
        return None
    return _STATUS_NAMES.get(platform_status, platform_status)


class OrderProduct(BaseModel):
    id: str | None
    title: str | None
    count: int | None


class Order(BaseModel):
    """One affiliate order line as the owner reads it. Times carry their offset."""

    order_id: str
    sub_order_id: str | None
    status: str | None = Field(description="paid, confirmed, settled or invalid.")
    created_at: str | None = Field(description="ISO 8601 with the platform's offset.")
    paid_at: str | None
    finished_at: str | None
    product: OrderProduct
    paid_amount: Money | None
    estimated_commission: Money | None = Field(
        description="Commission the platform estimated when the order was paid."
    )
    estimated_finished_commission: Money | None = Field(
        description="Commission the platform estimates once the order is finished."
    )
    commission_rate_percent: float | None
    tracking_id: str | None
    channels: list[str] = Field(
        default_factory=list,
        description="The channels (gpt, mcp, web, api) whose links carry this tracking ID; "
        "empty for a tracking ID this deployment does not hand out.",
    )


def to_order(record: Mapping[str, object]) -> Order | None:
    """An ``orders.order[]`` record -> :class:`Order`; ``None`` without an order number.

    IDs are often JSON numbers beyond 2**53: they are kept as the exact digits
    (JSON integers parse as ints, never floats)."""
    field = reader(record)
    order_id = field("order_id") or field("parent_order_number")
    if not order_id:
        return None
    currency = field("settled_currency")
    return Order(
        order_id=order_id,
        sub_order_id=field("sub_order_id"),
        status=order_status_name(field("order_status")),
        created_at=to_iso8601(field("created_time")),
        paid_at=to_iso8601(field("paid_time")),
        finished_at=to_iso8601(field("finished_time")),
        product=OrderProduct(
            id=field("product_id"),
            title=field("product_title"),
            count=to_int(field("product_count")),
        ),
        paid_amount=_order_money(field("paid_amount"), currency),
        estimated_commission=_order_money(field("estimated_paid_commission"), currency),
        estimated_finished_commission=_order_money(
            field("estimated_finished_commission"), currency
        ),
        commission_rate_percent=percent_to_float(field("commission_rate")),
        tracking_id=field("tracking_id"),
    )


def _order_money(cents: str | None, currency: str | None) -> Money | None:
    amount = cents_to_amount(cents)
    return Money(amount=amount, currency=currency) if amount is not None else None


class OrderQuery(NamedTuple):
    """Orders between two whole days of the platform's clock (both included); built
    from checked input (lib/orders.py), so a named tuple (as lib/aliexpress/queries.py)."""

    start: date
    end: date
    status: OrderStatus | None = None
    page: int = 1
    page_size: int = 20

    def to_params(self) -> dict[str, object]:
        start_time, end_time = platform_day_bounds(self.start, self.end)
        return {
            "start_time": start_time,
            "end_time": end_time,
            "status": ORDER_STATUSES[self.status] if self.status else None,
            "page_no": self.page,
            "page_size": self.page_size,
        }


class OrderPage(BaseModel):
    start: date
    end: date
    time_zone: str = Field(description="The clock the dates are read on.")
    page: int
    page_size: int
    total: int
    has_more: bool
    orders: list[Order]


class OrderTotals(BaseModel):
    """Orders of one status in one currency (or of all statuses, in ``totals``)."""

    status: str | None = None
    currency: str | None
    orders: int
    paid_amount: str = Field(description="Sum of paid amounts, a decimal string.")
    estimated_commission: str = Field(description="Sum of estimated commissions.")


class ChannelTotals(BaseModel):
    """Orders of one tracking ID in one currency, every status but invalid: which
    assistant earned what."""

    tracking_id: str | None
    channels: list[str] = Field(
        description="The channels whose links carry this tracking ID (gpt, mcp, web, api)."
    )
    known: bool = Field(
        description="False: a tracking ID this deployment does not hand out (another site, "
        "an old setting)."
    )
    currency: str | None
    orders: int
    paid_amount: str = Field(description="Sum of paid amounts, a decimal string.")
    estimated_commission: str = Field(description="Sum of estimated commissions.")


class OrderSummary(BaseModel):
    start: date
    end: date
    time_zone: str
    orders: int
    by_status: list[OrderTotals]
    totals: list[OrderTotals] = Field(
        description="Per currency, every status but invalid (never settled) together."
    )
    by_tracking_id: list[ChannelTotals] = Field(
        default_factory=list,
        description="Per tracking ID and currency, every status but invalid; each "
        "configured tracking ID is listed, with 0 orders when it earned nothing.",
    )
    complete: bool = Field(description="False when the summary stopped short of the range.")
    pages_fetched: int
    max_pages: int
    stopped_short: str | None = Field(description="Why the summary is incomplete, else null.")
