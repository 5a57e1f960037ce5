"""MCP tools without AliExpress's Advanced API grant: a tool error naming
``permission_required`` and the permission, as REST answers 403 (issue #23)."""

from __future__ import annotations

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from tests.mcp_server.conftest import tool_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]


@pytest.mark.parametrize(
    ("tool", "arguments", "method"),
    [
        ("get_shipping", {"product_id": "1005006159840274", "ship_to": "DE"}, "shipping.get"),
        ("get_variants", {"product_id": "1005006159840274"}, "sku.detail.get"),
        ("similar_products", {"product_id": "1005006159840274"}, "smartmatch"),
    ],
)
async def test_permission_required_is_a_tool_error(
    session_for, gateway: FakeGateway, tool: str, arguments: dict, method: str
) -> None:
    gateway.faults.inject(
        Fault.INSUFFICIENT_PERMISSIONS, times=1, method=f"aliexpress.affiliate.product.{method}"
    )
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool(tool, arguments))
        assert error["code"] == "permission_required"
        assert (
            "Advanced API" in error["message"] and "openservice.aliexpress.com" in error["message"]
        )
        again = await session.call_tool(tool, arguments)
    assert not again.is_error  # nothing of the refusal was cached
