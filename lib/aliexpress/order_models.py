"""Affiliate orders (``aliexpress.affiliate.order.list``): what the platform sends,
what the owner reads, what the owner asks for.

Apart from :mod:`lib.aliexpress.models` because only the owner's orders function
and its client method need them: every other function would otherwise build these
pydantic classes (and compile this module) on each cold start.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lib.aliexpress.models import Money, Text, percent_to_float, to_int
from lib.aliexpress.platform_time import platform_day_bounds, to_iso8601

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


class RawOrder(BaseModel):
    """One record of ``orders.order[]``. IDs are often JSON numbers beyond 2**53:
    they are kept as the exact digits (JSON integers parse as ints, never floats)."""

    model_config = ConfigDict(extra="ignore")

    order_id: Text = None
    parent_order_number: Text = None
    sub_order_id: Text = None
    order_status: Text = None
    created_time: Text = None
    paid_time: Text = None
    finished_time: Text = None
    paid_amount: Text = None
    estimated_paid_commission: Text = None
    estimated_finished_commission: Text = None
    commission_rate: Text = None
    settled_currency: Text = None
    product_id: Text = None
    product_title: Text = None
    product_count: Text = None
    tracking_id: Text = None


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


def to_order(raw: RawOrder) -> Order | None:
    order_id = raw.order_id or raw.parent_order_number
    if not order_id:
        return None
    return Order(
        order_id=order_id,
        sub_order_id=raw.sub_order_id,
        status=order_status_name(raw.order_status),
        created_at=to_iso8601(raw.created_time),
        paid_at=to_iso8601(raw.paid_time),
        finished_at=to_iso8601(raw.finished_time),
        product=OrderProduct(
            id=raw.product_id, title=raw.product_title, count=to_int(raw.product_count)
        ),
        paid_amount=_order_money(raw.paid_amount, raw.settled_currency),
        estimated_commission=_order_money(raw.estimated_paid_commission, raw.settled_currency),
        estimated_finished_commission=_order_money(
            raw.estimated_finished_commission, raw.settled_currency
        ),
        commission_rate_percent=percent_to_float(raw.commission_rate),
        tracking_id=raw.tracking_id,
    )


def _order_money(cents: str | None, currency: str | None) -> Money | None:
    amount = cents_to_amount(cents)
    return Money(amount=amount, currency=currency) if amount is not None else None


class OrderQuery(BaseModel):
    """Orders between two whole days of the platform's clock (both included)."""

    model_config = ConfigDict(frozen=True)

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


class OrderSummary(BaseModel):
    start: date
    end: date
    time_zone: str
    orders: int
    by_status: list[OrderTotals]
    totals: list[OrderTotals] = Field(
        description="Per currency, every status but invalid (never settled) together."
    )
    complete: bool = Field(description="False when the summary stopped short of the range.")
    pages_fetched: int
    max_pages: int
    stopped_short: str | None = Field(description="Why the summary is incomplete, else null.")
