"""api/orders.py: the owner's orders and commissions, behind OWNER_API_KEY only."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import pytest

from devtools.fake_gateway.catalog import Catalog
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller, assert_error
from tests.leak_scan import OWNER_KEYS

pytestmark = pytest.mark.anyio

OWNER_KEY = OWNER_KEYS[0]
OWNER = {"Authorization": f"Bearer {OWNER_KEY}"}
LIST = "/api/orders?start=2026-09-01&end=2026-11-28"
SUMMARY = "/api/orders/summary?start=2026-09-01&end=2026-11-28"
PRIVATE = "private, no-store"
ARABIC_INDIC_DATE = "%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A1-%D9%A0%D9%A1"  # 2026-11-01, other digits
PLATFORM_STATUS = {
    "Payment Completed": "paid",
    "Buyer Confirmed Receipt": "confirmed",
    "Completed Settlement": "settled",
    "Invalid": "invalid",
}


@pytest.fixture
def owner_env(env) -> None:
    env(**FULL_CONFIG, OWNER_API_KEY=OWNER_KEY, PROXY_API_KEY=API_KEY)


def catalog_orders() -> list[dict]:
    return Catalog.load().orders


# -- who may ask ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST, SUMMARY])
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        f"Bearer {API_KEY}",  # the proxy key never opens the owner's routes
        "Bearer wrong-key",
        f"Basic {OWNER_KEY}",
        f"Bearer {OWNER_KEY[:-1]}",
        f"Bearer {OWNER_KEY}x",
        f"Bearer {OWNER_KEY} extra",
    ],
)
async def test_only_the_owner_key_opens_the_orders(
    call: Caller, owner_env: None, gateway, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await call("orders", path, headers=headers)
    error = assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["cache-control"] == PRIVATE
    assert OWNER_KEY not in json.dumps(error) and API_KEY not in json.dumps(error)
    assert gateway.calls == []


@pytest.mark.parametrize("path", [LIST, SUMMARY])
async def test_the_owner_key_opens_them(call: Caller, owner_env: None, path: str) -> None:
    response = await call("orders", path, headers=OWNER)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == PRIVATE


@pytest.mark.parametrize(
    "extra", [{}, {"PROXY_API_KEY": API_KEY}], ids=["no proxy key", "proxy key set"]
)
async def test_without_owner_key_configured_it_is_503_naming_it(
    call: Caller, env, gateway, extra: dict
) -> None:
    env(**FULL_CONFIG, **extra)
    for headers in ({}, {"Authorization": f"Bearer {API_KEY}"}, OWNER):
        response = await call("orders", LIST, headers=headers)
        error = assert_error(response, 503, "not_configured")
        assert "OWNER_API_KEY" in error["message"]
        assert response.headers["cache-control"] == PRIVATE
    assert gateway.calls == []


async def test_without_aliexpress_credentials_it_is_503_after_the_key(call: Caller, env) -> None:
    env(OWNER_API_KEY=OWNER_KEY)
    assert_error(await call("orders", LIST), 401, "unauthorized")
    error = assert_error(await call("orders", LIST, headers=OWNER), 503, "not_configured")
    assert "ALIEXPRESS_APP_KEY" in error["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/orders?start=2026-11-01", 422),
        ("/api/orders/nope", 404),
        ("/api/orders/summary/", 422),  # a trailing slash answers the route
    ],
)
async def test_every_answer_is_private(
    call: Caller, owner_env: None, path: str, status: int
) -> None:
    response = await call("orders", path, headers=OWNER)
    assert response.status_code == status
    assert response.headers["cache-control"] == PRIVATE


async def test_other_methods_are_405_and_private(apps, owner_env: None) -> None:
    import httpx

    transport = httpx.ASGITransport(app=apps["orders"])
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(LIST, headers=OWNER)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["cache-control"] == PRIVATE


# -- the list --------------------------------------------------------------------------


async def test_orders_are_listed_with_string_ids_money_and_offsets(
    call: Caller, owner_env: None
) -> None:
    response = await call("orders", LIST + "&page_size=50", headers=OWNER)
    body = response.json()
    expected = sorted(catalog_orders(), key=lambda o: o["paid_time"])
    assert body["total"] == len(expected) == len(body["orders"])
    assert body["time_zone"] == "America/Los_Angeles"
    assert (body["start"], body["end"], body["has_more"]) == ("2026-09-01", "2026-11-28", False)
    by_id = {order["order_id"]: order for order in body["orders"]}
    for raw in expected:
        order = by_id[str(raw["order_id"])]  # the exact digits, even beyond 2**53
        assert order["sub_order_id"] == str(raw["sub_order_id"])
        assert order["status"] == PLATFORM_STATUS[raw["order_status"]]
        assert order["product"]["id"] == str(raw["product_id"])
        assert order["paid_amount"] == {
            "amount": f"{Decimal(raw['paid_amount']) / 100:.2f}",
            "currency": "USD",
        }
        assert Decimal(order["estimated_commission"]["amount"]) * 100 == Decimal(
            raw["estimated_paid_commission"]
        )
    assert "9100234567890123" in by_id and "9007199254740993" in by_id


async def test_times_carry_the_pacific_offset_of_their_date(call: Caller, owner_env: None) -> None:
    body = (await call("orders", LIST + "&page_size=50", headers=OWNER)).json()
    offsets = {order["paid_at"][:10]: order["paid_at"][-6:] for order in body["orders"]}
    assert {o for d, o in offsets.items() if d < "2026-11-01"} == {"-07:00"}  # PDT
    assert {o for d, o in offsets.items() if d > "2026-11-01"} == {"-08:00"}  # PST


async def test_the_owners_days_are_sent_as_whole_platform_days(
    call: Caller, owner_env: None, gateway
) -> None:
    await call("orders", "/api/orders?start=2026-11-03&end=2026-11-03&status=PAID", headers=OWNER)
    sent = gateway.calls[-1]
    assert sent["method"] == "aliexpress.affiliate.order.list"
    assert (sent["start_time"], sent["end_time"]) == ("2026-11-03 00:00:00", "2026-11-03 23:59:59")
    assert sent["status"] == "Payment Completed"


async def test_paging_and_status(call: Caller, owner_env: None) -> None:
    paid = [o for o in catalog_orders() if o["order_status"] == "Payment Completed"]
    first = (await call("orders", LIST + "&status=paid&page_size=5", headers=OWNER)).json()
    assert (first["page"], first["page_size"], first["total"]) == (1, 5, len(paid))
    assert first["has_more"] is True and len(first["orders"]) == 5
    assert {o["status"] for o in first["orders"]} == {"paid"}
    last_page = -(-len(paid) // 5)
    last = (
        await call("orders", LIST + f"&status=paid&page_size=5&page={last_page}", headers=OWNER)
    ).json()
    assert last["has_more"] is False and len(last["orders"]) == len(paid) - 5 * (last_page - 1)


async def test_no_orders_is_an_empty_page(call: Caller, owner_env: None) -> None:
    body = (
        await call("orders", "/api/orders?start=2025-01-01&end=2025-01-31", headers=OWNER)
    ).json()
    assert (body["total"], body["orders"], body["has_more"]) == (0, [], False)


# -- what the owner may ask for -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("", "start", "YYYY-MM-DD"),
        ("start=2026-11-01", "end", "YYYY-MM-DD"),
        ("start=&end=2026-11-01", "start", "YYYY-MM-DD"),
        ("start=2026-11-1&end=2026-11-02", "start", "not a date"),
        ("start=2026-02-30&end=2026-03-02", "start", "not a date"),
        ("start=yesterday&end=2026-03-02", "start", "not a date"),
        ("start=2026-11-01T00:00&end=2026-11-02", "start", "not a date"),
        ("start=2026-11-01&end=20261102", "end", "not a date"),
        ("start=2026-W45-1&end=2026-11-12", "start", "not a date"),
        ("start=20261101xx&end=2026-11-12", "start", "not a date"),
        ("start=" + ARABIC_INDIC_DATE + "&end=2026-11-12", "start", "not a date"),
        ("start=2026-11-01%00&end=2026-11-12", "start", "not a date"),
        ("start=" + "9" * 5000 + "&end=2026-11-12", "start", "not a date"),
        ("start=0000-01-01&end=2026-11-12", "start", "not a date"),
        ("start=2026-11-01&end=2026-11-12&status=%00", "status", "paid, confirmed"),
        ("start=2026-11-01&end=2026-11-12&page_size=1e309", "page_size", "valid integer"),
        ("start=2026-11-02&end=2026-11-01", "end", "before start"),
        ("start=2026-01-01&end=2026-06-30", "end", "181 days"),
        ("start=2020-01-01&end=2026-11-28", "end", "at most 180 days"),
        ("start=2026-11-01&end=2026-11-02&status=shipped", "status", "paid, confirmed"),
        ("start=2026-11-01&end=2026-11-02&page_size=51", "page_size", "less than or equal"),
        ("start=2026-11-01&end=2026-11-02&page=0", "page", "greater than or equal"),
    ],
)
async def test_bad_parameters_are_422_naming_them(
    call: Caller, owner_env: None, gateway, query: str, parameter: str, fragment: str
) -> None:
    response = await call("orders", f"/api/orders?{query}", headers=OWNER)
    error = assert_error(response, 422, "invalid_request")
    assert f"parameter '{parameter}'" in error["message"]
    assert fragment in error["message"]
    assert gateway.calls == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-01-01", "2026-06-29"), ("2024-02-29", "2024-02-29"), ("2026-11-28", "2026-11-28")],
    ids=["180 days", "leap day", "one day"],
)
async def test_edge_ranges_are_accepted(
    call: Caller, owner_env: None, start: str, end: str
) -> None:
    for path in ("/api/orders", "/api/orders/summary"):
        response = await call("orders", f"{path}?start={start}&end={end}", headers=OWNER)
        assert response.status_code == 200, response.text


async def test_summary_validates_dates_the_same_way(call: Caller, owner_env: None) -> None:
    response = await call(
        "orders", "/api/orders/summary?start=2026-11-02&end=2026-11-01", headers=OWNER
    )
    assert "parameter 'end'" in assert_error(response, 422, "invalid_request")["message"]


# -- the summary -------------------------------------------------------------------------


async def test_summary_totals_every_status_and_currency_exactly(
    call: Caller, owner_env: None, gateway
) -> None:
    body = (await call("orders", SUMMARY, headers=OWNER)).json()
    expected: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for raw in catalog_orders():
        row = expected[PLATFORM_STATUS[raw["order_status"]]]
        row[0] += 1
        row[1] += Decimal(raw["paid_amount"]) / 100
        row[2] += Decimal(raw["estimated_paid_commission"]) / 100
    assert {
        t["status"]: [
            Decimal(t["orders"]),
            Decimal(t["paid_amount"]),
            Decimal(t["estimated_commission"]),
        ]
        for t in body["by_status"]
    } == expected
    assert [t["status"] for t in body["by_status"]] == ["paid", "confirmed", "settled", "invalid"]
    (total,) = body["totals"]
    assert body["orders"] == len(catalog_orders())
    counted = [row for status, row in expected.items() if status != "invalid"]  # never settled
    assert total["currency"] == "USD" and total["orders"] == sum(r[0] for r in counted)
    assert Decimal(total["paid_amount"]) == sum(r[1] for r in counted)
    assert Decimal(total["estimated_commission"]) == sum(r[2] for r in counted)
    assert all(
        "." in t["paid_amount"] and len(t["paid_amount"].split(".")[1]) == 2
        for t in body["by_status"]
    )
    assert (body["complete"], body["stopped_short"], body["pages_fetched"]) == (True, None, 4)
    statuses = [c["status"] for c in gateway.calls]
    assert statuses == [
        "Payment Completed",
        "Buyer Confirmed Receipt",
        "Completed Settlement",
        "Invalid",
    ]


async def test_summary_of_nothing_is_zero_and_complete(call: Caller, owner_env: None) -> None:
    body = (
        await call("orders", "/api/orders/summary?start=2025-01-01&end=2025-01-31", headers=OWNER)
    ).json()
    assert (body["orders"], body["by_status"], body["totals"], body["complete"]) == (
        0,
        [],
        [],
        True,
    )


async def test_an_upstream_failure_is_never_a_zero_summary(
    call: Caller, owner_env: None, gateway
) -> None:
    from devtools.fake_gateway import Fault

    gateway.faults.inject(Fault.BUSINESS_ERROR, times=None)
    assert_error(await call("orders", SUMMARY, headers=OWNER), 502, "upstream_error")


# -- logs ---------------------------------------------------------------------------------


async def test_log_lines_carry_no_amounts(call: Caller, owner_env: None, capsys) -> None:
    capsys.readouterr()
    answers = [
        (await call("orders", path, headers=OWNER)).json()
        for path in (LIST + "&page_size=50", SUMMARY)
    ]
    amounts = {
        value
        for answer in answers
        for value in _strings_under(answer, ("amount", "paid_amount", "estimated_commission"))
    }
    assert len(amounts) > 50
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["route"] for line in lines] == ["/api/orders", "/api/orders/summary"]
    for line in lines:
        assert not {"amount", "paid_amount", "estimated_commission"} & set(line)
        for name, value in line.items():
            if name in ("ts", "latency_ms", "upstream_ms"):
                continue  # timings, not money
            assert str(value) not in amounts, (name, value)
        text = json.dumps(line)
        assert not [a for a in amounts if f'"{a}"' in text]


def _strings_under(document: object, keys: tuple[str, ...]) -> list[str]:
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key in keys and isinstance(value, str):
                found.append(value)
            found += _strings_under(value, keys)
    elif isinstance(document, list):
        for item in document:
            found += _strings_under(item, keys)
    return found
