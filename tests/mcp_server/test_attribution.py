"""Every MCP tool that hands out affiliate URLs gives them the mcp channel's tracking ID
(ALIEXPRESS_TRACKING_ID_MCP), on a cold call and from the cache (#25)."""

from __future__ import annotations

import pytest

from devtools.fake_gateway import FakeGateway
from tests.api.conftest import FULL_CONFIG
from tests.attribution import CHANNEL_ENV, CHANNEL_IDS, wrong_links
from tests.conftest import TRACKING_ID

pytestmark = pytest.mark.anyio

PHONE_CASE = "1005006107718769"
PRODUCT_URL = f"https://www.aliexpress.com/item/{PHONE_CASE}.html"
LINK_TOOLS = {
    "search_products": {"q": "phone"},
    "hot_products": {"page_size": 5},
    "get_products": {"ids": [PHONE_CASE]},
    "similar_products": {"product_id": PHONE_CASE},
    "promotion_products": {"name": "Best Seller"},
    "affiliate_links": {"urls": [PRODUCT_URL]},
}


@pytest.mark.parametrize("tool", LINK_TOOLS)
async def test_every_link_tool_carries_the_mcp_tracking_id(
    session_for, env, gateway: FakeGateway, tool: str
) -> None:
    env(**FULL_CONFIG, **CHANNEL_ENV)
    calls = []
    async with session_for() as (session, _):
        for attempt in ("cold", "cached"):
            result = await session.call_tool(tool, LINK_TOOLS[tool])
            assert not result.is_error, result
            answer = result.structured_content
            assert wrong_links(answer, CHANNEL_IDS["mcp"]) == [], attempt
            calls.append(len(gateway.calls))
    assert calls[0] >= 1 and calls[1] == calls[0]  # the second call was a cache hit


async def test_without_its_own_id_mcp_uses_the_default(session_for, env) -> None:
    env(**FULL_CONFIG)
    async with session_for() as (session, _):
        result = await session.call_tool("affiliate_links", {"urls": [PRODUCT_URL]})
    assert result.structured_content["tracking_id"] == TRACKING_ID
    assert wrong_links(result.structured_content, TRACKING_ID) == []
