"""The owner's orders: what a request may ask for, and the summary over a range.

Plain functions, free of FastAPI, so the REST route (``lib/routes/orders.py``) stays
thin and any other front end can share them. Bad input raises
:class:`~lib.http.errors.InvalidRequest` naming the parameter.

Platform facts (``aliexpress.affiliate.order.list``):

- ``start_time``/``end_time`` are ``yyyy-MM-dd HH:mm:ss`` on the US Pacific clock
  (see :mod:`lib.aliexpress.platform_time`); the owner's dates are whole days on that
  clock, sent as ``<start> 00:00:00`` to ``<end> 23:59:59``.
- Range: at most :data:`MAX_RANGE_DAYS` days. No AliExpress page found states the
  limit; the one public client that names one keeps its queries "safely under the
  180-day API limit", and the platform's own status docs count 180 days from payment
  before an unsettled order turns Invalid. Confidence: low - if the live platform
  allows less, its error reaches the owner as a 502 naming it.
- ``page_size`` is 1-50 ("record count of each page, 1 - 50" in the SDK docs).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import UpstreamTimeoutError
from lib.aliexpress.order_models import (
    ORDER_STATUSES,
    ChannelTotals,
    Order,
    OrderPage,
    OrderQuery,
    OrderSummary,
    OrderTotals,
)
from lib.aliexpress.platform_time import PLATFORM_TIME_ZONE
from lib.http.errors import InvalidRequest

MAX_RANGE_DAYS = 180
MAX_PAGE_SIZE = 50
SUMMARY_PAGE_SIZE = 50
# The summary reads at most this many pages (all statuses together): 2,000 orders,
# about 40 upstream calls, which fits the 20 s upstream budget on a healthy gateway.
SUMMARY_MAX_PAGES = 40
# A page is not started with less of the budget left than this (it could only time out).
MIN_PAGE_SECONDS = 1.0
_ZERO = Decimal("0.00")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(name: str, value: str | None) -> date:
    """A ``YYYY-MM-DD`` query parameter as a date."""
    if value is None or not value.strip():
        raise InvalidRequest(f"Invalid query parameter '{name}': give a date as YYYY-MM-DD.")
    text = value.strip()
    try:
        # fromisoformat alone also takes 2026-W45-1, 20261101 and even 20261101xx.
        if not _DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"Invalid query parameter '{name}': {text[:40]!r} is not a date as YYYY-MM-DD."
        ) from None


def order_range(start: str | None, end: str | None) -> tuple[date, date]:
    """The owner's inclusive date range, checked against the platform's limit."""
    first, last = parse_day("start", start), parse_day("end", end)
    if last < first:
        raise InvalidRequest("Invalid query parameter 'end': must not be before start.")
    days = (last - first).days + 1
    if days > MAX_RANGE_DAYS:
        raise InvalidRequest(
            f"Invalid query parameter 'end': the range is {days} days; AliExpress lists "
            f"orders for at most {MAX_RANGE_DAYS} days at once."
        )
    return first, last


def parse_status(value: str | None) -> str | None:
    if value is None:
        return None
    name = value.strip().lower()
    if name not in ORDER_STATUSES:
        raise InvalidRequest(
            "Invalid query parameter 'status': must be one of " + ", ".join(ORDER_STATUSES) + "."
        )
    return name


def order_query(
    start: str | None, end: str | None, status: str | None, page: int, page_size: int
) -> OrderQuery:
    first, last = order_range(start, end)
    return OrderQuery(
        start=first, end=last, status=parse_status(status), page=page, page_size=page_size
    )  # type: ignore[arg-type] - parse_status returns a known name


# -- the summary -------------------------------------------------------------------------


# Plain classes, not dataclasses: a dataclass compiles its generated methods at
# import, cold-start time for every first answer of the orders function.
class _Bucket:
    __slots__ = ("estimated_commission", "orders", "paid_amount")

    def __init__(self) -> None:
        self.orders = 0
        self.paid_amount = _ZERO
        self.estimated_commission = _ZERO

    def add(self, order: Order) -> None:
        self.orders += 1
        if order.paid_amount is not None:
            self.paid_amount += Decimal(order.paid_amount.amount)
        if order.estimated_commission is not None:
            self.estimated_commission += Decimal(order.estimated_commission.amount)

    def by_channel(
        self, tracking_id: str | None, channels: tuple[str, ...], currency: str | None
    ) -> ChannelTotals:
        return ChannelTotals(
            tracking_id=tracking_id,
            channels=list(channels),
            known=bool(channels),
            currency=currency,
            orders=self.orders,
            paid_amount=str(self.paid_amount),
            estimated_commission=str(self.estimated_commission),
        )

    def totals(self, status: str | None, currency: str | None) -> OrderTotals:
        return OrderTotals(
            status=status,
            currency=currency,
            orders=self.orders,
            paid_amount=str(self.paid_amount),
            estimated_commission=str(self.estimated_commission),
        )


class SummaryProgress:
    """What the pager saw: distinct orders, pages read, why it stopped early (if so)."""

    __slots__ = ("orders", "pages", "stopped_short")

    def __init__(self, *, pages: int = 0) -> None:
        self.orders: dict[tuple[str, str | None], Order] = {}
        self.pages = pages
        self.stopped_short: str | None = None


# Tracking ID -> the channels whose links carry it (Settings.channels_by_tracking_id).
Attribution = Mapping[str, tuple[str, ...]]


def with_channels(page: OrderPage, attribution: Attribution) -> OrderPage:
    """Each order of ``page`` names the channels its tracking ID belongs to."""
    orders = [
        order.model_copy(update={"channels": list(attribution.get(order.tracking_id or "", ()))})
        for order in page.orders
    ]
    return page.model_copy(update={"orders": orders})


def summarise(
    first: date,
    last: date,
    orders: Iterable[Order],
    progress: SummaryProgress,
    max_pages: int,
    attribution: Attribution | None = None,
) -> OrderSummary:
    """Counts and totals per (status, currency), and per currency and per tracking ID
    over the orders that still count (not ``invalid``: those will never be settled), in
    Decimal. Every tracking ID of ``attribution`` is listed, earning or not."""
    attribution = attribution or {}
    by_status: dict[tuple[str | None, str | None], _Bucket] = {}
    by_currency: dict[str | None, _Bucket] = {}
    by_tracking: dict[tuple[str | None, str | None], _Bucket] = {}
    count = 0
    for order in orders:
        count += 1
        currency = _currency(order)
        by_status.setdefault((order.status, currency), _Bucket()).add(order)
        if order.status != "invalid":
            by_currency.setdefault(currency, _Bucket()).add(order)
            by_tracking.setdefault((order.tracking_id, currency), _Bucket()).add(order)
    earning = {tracking_id for tracking_id, _ in by_tracking}
    configured = {tracking_id: rank for rank, tracking_id in enumerate(attribution)}
    for tracking_id in attribution:
        if tracking_id not in earning:
            by_tracking[(tracking_id, None)] = _Bucket()
    return OrderSummary(
        start=first,
        end=last,
        time_zone=PLATFORM_TIME_ZONE,
        orders=count,
        by_status=[
            bucket.totals(status, currency)
            for (status, currency), bucket in sorted(by_status.items(), key=_sort_key)
        ],
        totals=[
            bucket.totals(None, currency)
            for currency, bucket in sorted(by_currency.items(), key=lambda i: i[0] or "")
        ],
        by_tracking_id=[
            bucket.by_channel(tracking_id, attribution.get(tracking_id or "", ()), currency)
            for (tracking_id, currency), bucket in sorted(
                by_tracking.items(), key=lambda item: _tracking_key(item[0], configured)
            )
        ],
        complete=progress.stopped_short is None,
        pages_fetched=progress.pages,
        max_pages=max_pages,
        stopped_short=progress.stopped_short,
    )


async def collect_summary(
    client: AliExpressClient,
    first: date,
    last: date,
    *,
    max_pages: int = SUMMARY_MAX_PAGES,
    budget: float | None = None,
    attribution: Attribution | None = None,
) -> OrderSummary:
    """Read every page of every status (the platform filters by one status at a time)
    until done, ``max_pages`` pages or the time ``budget`` (default: the client's
    deadline for one call) runs out; the answer says when it stopped short.
    ``attribution`` names each tracking ID's channels.

    An upstream failure is raised, never summarised as zero.
    """
    loop = asyncio.get_running_loop()
    budget = client.deadline if budget is None else budget
    ends_at = loop.time() + budget
    min_page_time = min(MIN_PAGE_SECONDS, budget / 10)
    progress = SummaryProgress()
    for status in ORDER_STATUSES:
        page = 1
        while True:
            remaining = ends_at - loop.time()
            if progress.pages >= max_pages:
                progress.stopped_short = (
                    f"Stopped after {max_pages} pages ({len(progress.orders)} orders read): "
                    "narrow the date range for complete totals."
                )
            elif progress.pages and remaining < min_page_time:
                progress.stopped_short = (
                    f"Stopped after {progress.pages} pages: AliExpress took too long for "
                    "the whole range; narrow the date range for complete totals."
                )
            if progress.stopped_short:
                return summarise(
                    first, last, progress.orders.values(), progress, max_pages, attribution
                )
            query = OrderQuery(
                start=first,
                end=last,
                status=status,  # type: ignore[arg-type] - a key of ORDER_STATUSES
                page=page,
                page_size=SUMMARY_PAGE_SIZE,
            )
            try:
                result = await client.list_orders(query, deadline=max(remaining, 0.0))
            except UpstreamTimeoutError:
                if not progress.pages:
                    raise  # nothing read: the owner gets the 504, not an empty summary
                progress.stopped_short = (
                    f"Stopped after {progress.pages} pages: AliExpress did not answer the "
                    "next page in time; narrow the date range for complete totals."
                )
                continue
            progress.pages += 1
            for order in result.orders:
                # Pages can shift while new orders arrive: count each order line once.
                progress.orders.setdefault((order.order_id, order.sub_order_id), order)
            if not result.has_more or not result.orders:
                break
            page += 1
    return summarise(first, last, progress.orders.values(), progress, max_pages, attribution)


def _currency(order: Order) -> str | None:
    for money in (order.paid_amount, order.estimated_commission):
        if money is not None and money.currency:
            return money.currency
    return None


def _tracking_key(
    key: tuple[str | None, str | None], configured: Mapping[str, int]
) -> tuple[int, str, str]:
    """Configured tracking IDs first, in the channels' order, then unknown ones by name."""
    tracking_id, currency = key
    rank = configured.get(tracking_id or "", len(configured))
    return rank, tracking_id or "", currency or ""


def _sort_key(item: tuple[tuple[str | None, str | None], _Bucket]) -> tuple[int, str, str]:
    (status, currency), _ = item
    known = list(ORDER_STATUSES)
    rank = known.index(status) if status in known else len(known)
    return rank, status or "", currency or ""
