"""lib/aliexpress/permissions.py: Advanced API methods without the grant are a clear
403 ``permission_required`` naming the permission and where to apply (CONTRACT §9)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import AliExpressAPIError
from lib.aliexpress.permissions import (
    ADVANCED_METHODS,
    PermissionRequiredError,
    advanced_api_access,
    is_permission_error,
)
from lib.aliexpress.queries import Locale

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AliExpressClient]
SHIPPING = "aliexpress.affiliate.product.shipping.get"


@pytest.mark.parametrize(
    ("code", "sub_code", "denied"),
    [
        ("11", "isv.permission-api-package-limit", True),
        ("InsufficientPermission", None, True),
        ("isv.permission-ip-whitelist-limit", None, True),
        ("InsufficientIsvPermissions", None, True),
        ("IncompleteSignature", None, False),
        ("ApiCallLimit", None, False),
        ("15", "isv.invalid-parameter", False),
    ],
)
def test_what_counts_as_a_permission_error(code: str, sub_code: str | None, denied: bool) -> None:
    assert is_permission_error(code, sub_code) is denied


async def test_shipping_without_the_grant_names_the_permission(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.INSUFFICIENT_PERMISSIONS, times=1, method=SHIPPING)
    client = make_client()
    with pytest.raises(PermissionRequiredError) as raised:
        await client.get_shipping("1005006159840274", None, Locale("DE"))
    error = raised.value
    assert (error.status, error.code, error.permission) == (403, "permission_required", "shipping")
    assert SHIPPING in error.message and "Advanced API" in error.message
    assert "https://openservice.aliexpress.com" in error.message
    assert "isv.permission-api-package-limit" in error.message  # the platform's words too
    assert len(gateway.calls) == 1  # not retried: only the owner can fix it


async def test_a_basic_method_without_permission_stays_an_upstream_error(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.INSUFFICIENT_PERMISSIONS, times=1)
    with pytest.raises(AliExpressAPIError) as raised:
        await make_client().get_categories()
    assert not isinstance(raised.value, PermissionRequiredError)
    assert raised.value.code == "upstream_error"


async def test_health_probe_asks_each_method_once_per_instance(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.INSUFFICIENT_PERMISSIONS, times=None, method=SHIPPING)
    client = make_client(api_url="https://probe-once.example/sync")  # its own memo entry
    first = await advanced_api_access(client)
    assert first == {
        "shipping": False,
        "sku_detail": True,
        "hot_products": True,
        "smartmatch": True,
    }
    asked = len(gateway.calls)
    assert asked == len(ADVANCED_METHODS)
    assert await advanced_api_access(client) == first
    assert len(gateway.calls) == asked  # remembered, not asked again


async def test_an_outage_is_unknown_and_asked_again(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.HTTP_503, times=None, method=SHIPPING)
    client = make_client(
        api_url="https://probe-outage.example/sync", deadline=0.5, attempt_timeout=0.2
    )
    assert (await advanced_api_access(client))["shipping"] is None
    gateway.faults.clear()
    assert (await advanced_api_access(client))["shipping"] is True
