"""Which assistant earned what: the owner's orders name each tracking ID's channels, and
the summary totals them per tracking ID (#25). The fake gateway's orders carry the dev
server's demo tracking IDs, and one ID this deployment does not hand out."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from devtools.fake_gateway.catalog import Catalog
from tests.api.conftest import FULL_CONFIG, Caller
from tests.leak_scan import OWNER_KEYS

pytestmark = pytest.mark.anyio

OWNER = {"Authorization": f"Bearer {OWNER_KEYS[0]}"}
RANGE = "start=2026-09-01&end=2026-11-28"
# As `make dev` configures them (devtools/server.py); demo_retired_id is set nowhere.
DEMO_IDS = {
    "ALIEXPRESS_TRACKING_ID": "demo_tracking_id",
    "ALIEXPRESS_TRACKING_ID_GPT": "demo_gpt",
    "ALIEXPRESS_TRACKING_ID_MCP": "demo_mcp",
    "ALIEXPRESS_TRACKING_ID_WEB": "demo_web",
}
CHANNELS = {
    "demo_gpt": ["gpt"],
    "demo_mcp": ["mcp"],
    "demo_web": ["web"],
    "demo_tracking_id": ["api"],
    "demo_retired_id": [],
}


@pytest.fixture
def owner(env) -> None:
    env(**{**FULL_CONFIG, **DEMO_IDS}, OWNER_API_KEY=OWNER_KEYS[0])


def expected_by_tracking_id() -> dict[str, list[Decimal]]:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for raw in Catalog.load().orders:
        if raw["order_status"] == "Invalid":  # never settled: not earned
            continue
        row = totals[raw["tracking_id"]]
        row[0] += 1
        row[1] += Decimal(raw["paid_amount"]) / 100
        row[2] += Decimal(raw["estimated_paid_commission"]) / 100
    return dict(totals)


async def test_the_summary_totals_each_tracking_id_and_names_its_channels(
    call: Caller, owner: None
) -> None:
    body = (await call("orders", f"/api/orders/summary?{RANGE}", headers=OWNER)).json()
    rows = body["by_tracking_id"]
    assert {
        r["tracking_id"]: [
            Decimal(r["orders"]),
            Decimal(r["paid_amount"]),
            Decimal(r["estimated_commission"]),
        ]
        for r in rows
    } == expected_by_tracking_id()
    assert {r["tracking_id"]: r["channels"] for r in rows} == CHANNELS
    assert {r["tracking_id"]: r["known"] for r in rows} == {t: bool(c) for t, c in CHANNELS.items()}
    # Configured IDs in the channels' order, then the unknown one.
    assert [r["tracking_id"] for r in rows] == [
        "demo_gpt",
        "demo_mcp",
        "demo_web",
        "demo_tracking_id",
        "demo_retired_id",
    ]
    # Per tracking ID adds up to the per-currency totals.
    (total,) = body["totals"]
    assert sum(r["orders"] for r in rows) == total["orders"]
    assert sum(Decimal(r["estimated_commission"]) for r in rows) == Decimal(
        total["estimated_commission"]
    )


async def test_a_channel_sharing_the_default_is_named_with_it(call: Caller, env) -> None:
    env(
        **{**FULL_CONFIG, "ALIEXPRESS_TRACKING_ID": "demo_tracking_id"}, OWNER_API_KEY=OWNER_KEYS[0]
    )
    body = (await call("orders", f"/api/orders/summary?{RANGE}", headers=OWNER)).json()
    channels = {r["tracking_id"]: r["channels"] for r in body["by_tracking_id"]}
    assert channels["demo_tracking_id"] == ["gpt", "mcp", "web", "api"]
    assert channels["demo_gpt"] == []  # not set here: reported, as unknown


async def test_a_configured_id_without_orders_is_listed_at_zero(call: Caller, env) -> None:
    env(
        **{**FULL_CONFIG, **DEMO_IDS},
        ALIEXPRESS_TRACKING_ID_API="new_id",
        OWNER_API_KEY=OWNER_KEYS[0],
    )
    body = (await call("orders", f"/api/orders/summary?{RANGE}", headers=OWNER)).json()
    (row,) = [r for r in body["by_tracking_id"] if r["tracking_id"] == "new_id"]
    assert (row["channels"], row["known"], row["orders"], row["estimated_commission"]) == (
        ["api"],
        True,
        0,
        "0.00",
    )
    # demo_tracking_id is no channel's now (api has its own): an unknown ID.
    (old,) = [r for r in body["by_tracking_id"] if r["tracking_id"] == "demo_tracking_id"]
    assert (old["channels"], old["known"]) == ([], False)


async def test_each_listed_order_names_its_channels(call: Caller, owner: None) -> None:
    body = (await call("orders", f"/api/orders?{RANGE}&page_size=50", headers=OWNER)).json()
    assert body["orders"]
    for order in body["orders"]:
        assert order["channels"] == CHANNELS[order["tracking_id"]]
