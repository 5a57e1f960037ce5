"""MCP ``tools/call`` counts against the per-client rate limit: over it, a tool error
naming ``rate_limited`` (the REST envelope), never a protocol failure."""

from __future__ import annotations

import pytest

from tests.api.conftest import FULL_CONFIG
from tests.mcp_server.conftest import tool_error

pytestmark = pytest.mark.anyio


async def test_a_client_over_its_rate_gets_a_rate_limited_tool_error(session_for, env) -> None:
    env(**FULL_CONFIG, RATE_LIMIT_PER_MINUTE="2")
    async with session_for(headers={"x-forwarded-for": "192.0.2.44"}) as (session, _):
        first = await session.call_tool("list_promotions", {})
        second = await session.call_tool("list_categories", {})
        third = await session.call_tool("search_products", {"q": "lamp"})
    assert not first.is_error and not second.is_error
    error = tool_error(third)
    assert error["code"] == "rate_limited"
    assert "RATE_LIMIT_PER_MINUTE" in error["message"]
