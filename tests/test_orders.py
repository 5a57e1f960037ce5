"""lib/orders.py: what the owner may ask for, and the paged summary over a range."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.catalog import Catalog
from devtools.httpx_transport import gateway_transport
from lib.aliexpress.errors import UpstreamTimeoutError
from lib.aliexpress.money import Money
from lib.aliexpress.order_models import Order, OrderProduct
from lib.http.errors import InvalidRequest
from lib.orders import (
    MAX_RANGE_DAYS,
    SUMMARY_PAGE_SIZE,
    SummaryProgress,
    collect_summary,
    order_range,
    summarise,
)

FIRST, LAST = date(2026, 9, 1), date(2026, 11, 28)


def test_the_range_is_inclusive_and_bounded() -> None:
    assert order_range("2026-11-01", "2026-11-01") == (date(2026, 11, 1), date(2026, 11, 1))
    start = date(2026, 1, 1)
    last_allowed = date.fromordinal(start.toordinal() + MAX_RANGE_DAYS - 1)
    assert order_range(start.isoformat(), last_allowed.isoformat())[1] == last_allowed
    with pytest.raises(InvalidRequest, match=f"{MAX_RANGE_DAYS + 1} days"):
        order_range(start.isoformat(), date.fromordinal(last_allowed.toordinal() + 1).isoformat())


def order(amount: str | None, commission: str | None, status: str = "paid", n: int = 1) -> Order:
    def money(value: str | None) -> Money | None:
        return Money(amount=value, currency="EUR") if value is not None else None

    return Order(
        order_id=str(n),
        sub_order_id=None,
        status=status,
        created_at=None,
        paid_at=None,
        finished_at=None,
        product=OrderProduct(id=None, title=None, count=None),
        paid_amount=money(amount),
        estimated_commission=money(commission),
        estimated_finished_commission=None,
        commission_rate_percent=None,
        tracking_id=None,
    )


def test_totals_are_decimal_exact() -> None:
    # 0.1 + 0.2 in float is 0.30000000000000004; ten thousand cents must stay exact.
    orders = [order("0.10", "0.01", n=1), order("0.20", "0.02", n=2)]
    orders += [order("0.01", None, status="invalid", n=3 + i) for i in range(10_000)]
    summary = summarise(FIRST, LAST, orders, SummaryProgress(pages=1), 40)
    paid, invalid = summary.by_status
    assert (paid.paid_amount, paid.estimated_commission, paid.orders) == ("0.30", "0.03", 2)
    assert (invalid.paid_amount, invalid.estimated_commission) == ("100.00", "0.00")
    # Invalid orders will never be settled: they are in by_status, not in the totals.
    assert summary.totals[0].paid_amount == "0.30" and summary.totals[0].currency == "EUR"


def many_orders_gateway(count: int) -> FakeGateway:
    """A gateway whose catalog holds ``count`` paid orders in November."""
    catalog = Catalog.load()
    template = next(o for o in catalog.orders if o["order_status"] == "Payment Completed")
    orders = []
    for i in range(count):
        record = copy.deepcopy(template)
        record["order_id"] = record["parent_order_number"] = 3050000000000000 + i
        record["sub_order_id"] = 3060000000000000 + i
        record["paid_time"] = f"2026-11-{1 + i % 28:02d} 12:00:00"
        record["paid_amount"] = 1000 + i
        orders.append(record)
    orders.sort(key=lambda o: o["paid_time"])
    return FakeGateway(
        catalog=Catalog(catalog.products, catalog.categories, catalog.usd_rates, orders)
    )


@pytest.mark.anyio
async def test_the_summary_reads_every_page(make_client) -> None:
    gateway = many_orders_gateway(3 * SUMMARY_PAGE_SIZE + 7)
    client = make_client(transport=gateway_transport(gateway))
    summary = await collect_summary(client, FIRST, LAST)
    assert summary.complete and summary.stopped_short is None
    assert summary.orders == 3 * SUMMARY_PAGE_SIZE + 7
    assert summary.pages_fetched == 4 + 3  # 4 pages of paid orders, one page per other status
    expected = sum(Decimal(1000 + i) for i in range(summary.orders)) / 100
    assert Decimal(summary.totals[0].paid_amount) == expected


@pytest.mark.anyio
async def test_the_summary_stops_at_its_page_bound_and_says_so(make_client) -> None:
    gateway = many_orders_gateway(3 * SUMMARY_PAGE_SIZE)
    client = make_client(transport=gateway_transport(gateway))
    summary = await collect_summary(client, FIRST, LAST, max_pages=2)
    assert summary.complete is False
    assert (summary.pages_fetched, summary.max_pages, summary.orders) == (
        2,
        2,
        2 * SUMMARY_PAGE_SIZE,
    )
    assert "Stopped after 2 pages" in (summary.stopped_short or "")
    assert len(gateway.calls) == 2


@pytest.mark.anyio
async def test_the_summary_stops_when_its_time_is_up(make_client) -> None:
    gateway = many_orders_gateway(3 * SUMMARY_PAGE_SIZE)
    gateway.latency = 0.15
    client = make_client(transport=gateway_transport(gateway), deadline=2.0)
    summary = await collect_summary(client, FIRST, LAST, budget=0.5)
    assert summary.complete is False and 1 <= summary.pages_fetched < 4
    assert "narrow the date range" in (summary.stopped_short or "")


@pytest.mark.anyio
async def test_a_first_page_timeout_is_an_error_not_an_empty_summary(make_client) -> None:
    from devtools.fake_gateway import Fault

    gateway = FakeGateway(slow_seconds=5)
    gateway.faults.inject(Fault.SLOW, times=None)
    client = make_client(transport=gateway_transport(gateway))
    with pytest.raises(UpstreamTimeoutError):
        await collect_summary(client, FIRST, LAST, budget=0.3)


@pytest.mark.anyio
async def test_an_order_seen_twice_while_pages_shift_counts_once(make_client) -> None:
    gateway = many_orders_gateway(SUMMARY_PAGE_SIZE + 1)
    # The platform answering page 2 with a record already on page 1 (a new order arrived).
    gateway.catalog.orders.insert(SUMMARY_PAGE_SIZE, dict(gateway.catalog.orders[0]))
    client = make_client(transport=gateway_transport(gateway))
    summary = await collect_summary(client, FIRST, LAST)
    assert summary.orders == SUMMARY_PAGE_SIZE + 1
