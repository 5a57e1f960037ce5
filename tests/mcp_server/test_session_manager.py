"""One SDK session manager per event loop, started without ASGI lifespan; requests stay
apart (lib/mcp_server/session_manager.py). Under Vercel's runtime: test_served.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from devtools.vercel_probes import MCP_HEADERS, PUBLIC_HOST
from lib.http.context import current_request_id
from lib.mcp_server.endpoint import McpEndpoint

pytestmark = pytest.mark.usefixtures("configured")
HOLDER = "mcp-session-manager"


def holders() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == HOLDER]


async def call_tool(app: McpEndpoint, name: str, arguments: dict, **headers: str) -> dict:
    message = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"https://{PUBLIC_HOST}") as client:
        response = await client.post("/mcp", json=message, headers={**MCP_HEADERS, **headers})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert not result.get("isError"), result
    return result


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.anyio
async def test_requests_on_one_loop_share_one_running_manager(mcp_app: McpEndpoint) -> None:
    assert holders() == []  # nothing starts before the first request: no lifespan needed
    await call_tool(mcp_app, "list_categories", {})
    [holder] = holders()
    for _ in range(3):
        await call_tool(mcp_app, "list_promotions", {})
    assert holders() == [holder] and not holder.done()


@pytest.mark.anyio
async def test_concurrent_first_requests_start_one_manager(mcp_app: McpEndpoint) -> None:
    calls = [call_tool(mcp_app, "search_products", {"q": "case", "page": n}) for n in (1, 2, 3)]
    results = await asyncio.gather(*calls)
    assert [result["structuredContent"]["page"] for result in results] == [1, 2, 3]
    assert len(holders()) == 1


@pytest.mark.anyio
async def test_requests_sharing_a_manager_keep_their_own_log_fields(
    mcp_app: McpEndpoint, capsys: pytest.CaptureFixture[str]
) -> None:
    await call_tool(mcp_app, "list_categories", {})  # the manager is running
    capsys.readouterr()
    tools = {"req-a": "hot_products", "req-b": "list_promotions", "req-c": "list_categories"}
    await asyncio.gather(
        *(call_tool(mcp_app, tool, {}, **{"x-vercel-id": rid}) for rid, tool in tools.items())
    )
    lines = log_lines(capsys)
    assert {line["request_id"]: line["tool"] for line in lines} == tools
    assert all(line["upstream_method"] and line["status"] == 200 for line in lines)
    [holder] = holders()
    # The manager's own task carries no request's id (it outlives them all).
    assert holder.get_context().run(current_request_id) == "-"


def test_each_event_loop_gets_its_own_manager(mcp_app: McpEndpoint) -> None:
    async def served_by() -> asyncio.Task[Any]:
        await call_tool(mcp_app, "list_categories", {})
        [holder] = holders()
        return holder

    first = asyncio.run(served_by())
    assert first.cancelled()  # asyncio.run ends leftover tasks, the holder with them
    second = asyncio.run(served_by())
    assert second is not first


def test_a_replaced_loop_is_told_to_stop_its_manager(mcp_app: McpEndpoint) -> None:
    async def served_by() -> asyncio.Task[Any]:
        await call_tool(mcp_app, "list_categories", {})
        [holder] = holders()
        return holder

    old_loop = asyncio.new_event_loop()  # a host that keeps its loop between calls
    try:
        old = old_loop.run_until_complete(served_by())
        new = asyncio.run(served_by())  # another loop takes over
        assert new is not old and not old.done()
        old_loop.run_until_complete(asyncio.wait_for(old, timeout=5))
        assert old.done() and not old.cancelled() and old.exception() is None
    finally:
        old_loop.close()


@pytest.mark.anyio
async def test_a_dead_manager_is_replaced(mcp_app: McpEndpoint) -> None:
    await call_tool(mcp_app, "list_categories", {})
    [dead] = holders()
    dead.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dead
    await call_tool(mcp_app, "list_categories", {})
    [fresh] = holders()
    assert fresh is not dead and not fresh.done()
