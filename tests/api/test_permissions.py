"""Advanced API permissions through REST and health (issue #23, CONTRACT §9): an app
without the grant gets 403 ``permission_required`` naming it, nothing of it is cached,
and ``/health?deep=1`` lists what the app may call."""

from __future__ import annotations

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.fake_gateway.server import serve_in_thread
from tests.api.conftest import FULL_CONFIG, Caller, assert_error

pytestmark = pytest.mark.anyio
TRACKER = "1005006159840274"


@pytest.mark.parametrize(
    ("path", "method", "permission"),
    [
        (f"/api/products/{TRACKER}/shipping?ship_to=DE", "product.shipping.get", "shipping"),
        (f"/api/products/{TRACKER}/variants?ship_to=DE", "product.sku.detail.get", "sku_detail"),
        ("/api/products/hot", "hotproduct.query", "hot_products"),
        (f"/api/products/{TRACKER}/similar", "product.smartmatch", "smartmatch"),
    ],
)
@pytest.mark.usefixtures("configured")
async def test_without_the_grant_a_403_names_the_permission(
    call: Caller, gateway: FakeGateway, path: str, method: str, permission: str
) -> None:
    gateway.faults.inject(
        Fault.INSUFFICIENT_PERMISSIONS, times=1, method=f"aliexpress.affiliate.{method}"
    )
    error = assert_error(await call("products", path), 403, "permission_required")
    assert f"aliexpress.affiliate.{method} ({permission})" in error["message"]
    assert "Advanced API" in error["message"]
    assert "https://openservice.aliexpress.com" in error["message"]
    # Not cached: once AliExpress grants it, the very next request answers.
    assert (await call("products", path)).status_code == 200


@pytest.mark.usefixtures("configured")
async def test_a_basic_method_without_permission_is_still_a_502(
    call: Caller, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.INSUFFICIENT_PERMISSIONS, times=1)
    assert_error(await call("products", f"/api/products/{TRACKER}"), 502, "upstream_error")


async def test_deep_health_lists_the_advanced_api(call: Caller, env, gateway: FakeGateway) -> None:
    gateway.faults.inject(
        Fault.INSUFFICIENT_PERMISSIONS,
        times=None,
        method="aliexpress.affiliate.product.sku.detail.get",
    )
    with serve_in_thread(gateway) as url:
        env(**FULL_CONFIG, ALIEXPRESS_API_URL=url)
        body = (await call("health", "/api/health?deep=1")).json()
        asked = len(gateway.calls)
        again = (await call("health", "/api/health?deep=1")).json()
    assert body["upstream"]["ok"] is True
    assert body["upstream"]["advanced_api"] == {
        "shipping": True,
        "sku_detail": False,
        "hot_products": True,
        "smartmatch": True,
    }
    assert body["status"] == "ok"  # a permission not granted is no outage
    assert again["upstream"]["advanced_api"] == body["upstream"]["advanced_api"]
    assert len(gateway.calls) == asked + 1  # the second deep check probes nothing again
