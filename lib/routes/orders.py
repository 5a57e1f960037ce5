"""The owner's orders and commissions (``api/orders.py``), behind ``OWNER_API_KEY``.

Thin: parameters are read here and checked by :mod:`lib.orders`; every answer of the
function is ``private, no-store`` (:class:`lib.http.private.PrivateAnswers`). Not
part of the GPT spec (``devtools/gpt_spec.py`` lists the functions it reads).
"""

from typing import Annotated

from fastapi import Depends, Query, Request

from lib.aliexpress.order_models import OrderPage, OrderSummary
from lib.data_api import ClientDep, SettingsDep, data_router
from lib.http.auth import check_owner_key
from lib.http.context import annotate
from lib.orders import (
    MAX_PAGE_SIZE,
    MAX_RANGE_DAYS,
    collect_summary,
    order_query,
    order_range,
    with_channels,
)


async def require_owner_key(request: Request, settings: SettingsDep) -> None:
    check_owner_key(request.headers.get("authorization"), settings.owner_api_key)


router = data_router(Depends(require_owner_key))

_DAY = f"YYYY-MM-DD, a day on AliExpress's clock (US Pacific); at most {MAX_RANGE_DAYS} days."
Start = Annotated[str | None, Query(description="First day, " + _DAY)]
End = Annotated[str | None, Query(description="Last day (included), " + _DAY)]


@router.get("/api/orders", response_model=OrderPage)
async def list_orders(
    client: ClientDep,
    settings: SettingsDep,
    start: Start = None,
    end: End = None,
    status: Annotated[
        str | None, Query(description="paid, confirmed, settled or invalid; default all.")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> OrderPage:
    page_of_orders = await client.list_orders(order_query(start, end, status, page, page_size))
    return with_channels(page_of_orders, settings.channels_by_tracking_id())


@router.get("/api/orders/summary", response_model=OrderSummary)
async def summarise_orders(
    client: ClientDep, settings: SettingsDep, start: Start = None, end: End = None
) -> OrderSummary:
    """Totals by status, currency and tracking ID: which channel (assistant) earned what."""
    first, last = order_range(start, end)
    attribution = settings.channels_by_tracking_id()
    summary = await collect_summary(client, first, last, attribution=attribution)
    annotate(summary_pages=summary.pages_fetched, summary_complete=summary.complete)  # no amounts
    return summary
