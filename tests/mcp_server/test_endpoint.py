"""The MCP function over HTTP: envelope, auth, Origin, 405, request ids, log lines (§7)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devtools.vercel_probes import INITIALIZE, MCP_HEADERS, PUBLIC_HOST
from lib.mcp_server.endpoint import McpEndpoint
from tests.api.conftest import API_KEY, FULL_CONFIG, assert_error
from tests.mcp_server.conftest import PUBLIC_URL

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]


async def post(
    app: McpEndpoint,
    message: Any,
    headers: dict[str, str] | None = None,
    path: str = "/mcp",
    method: str = "POST",
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"https://{PUBLIC_HOST}") as client:
        content = message if isinstance(message, bytes) else json.dumps(message).encode()
        return await client.request(
            method, path, content=content, headers={**MCP_HEADERS, **(headers or {})}
        )


def rpc(method: str, params: dict | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": 7, "method": method}
    if params is not None:
        message["params"] = params
    return message


@pytest.mark.parametrize("path", ["/mcp", "/api/mcp", "/api/mcp_fn", "/mcp/"])
@pytest.mark.parametrize(
    "host", [PUBLIC_HOST, "shop.example.com", "my-app-git-main-me.vercel.app", "127.0.0.1:3000"]
)
async def test_any_host_and_every_alias_path_answer(mcp_app, path: str, host: str) -> None:
    response = await post(mcp_app, rpc("initialize", INITIALIZE), {"host": host}, path)
    assert response.status_code == 200, response.text
    assert response.json()["result"]["serverInfo"]["name"]
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "PATCH", "HEAD"])
async def test_other_methods_are_405_never_an_sse_stream(mcp_app, method: str) -> None:
    response = await post(mcp_app, b"", method=method)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST, OPTIONS"
    assert "text/event-stream" not in response.headers["content-type"]
    if method != "HEAD":
        assert_error(response, 405, "method_not_allowed")


async def test_unknown_paths_are_404(mcp_app) -> None:
    assert_error(await post(mcp_app, rpc("tools/list"), path="/mcp/tools"), 404, "not_found")


async def test_malformed_json_rpc_is_400_parse_error(mcp_app) -> None:
    response = await post(mcp_app, b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700
    assert response.headers["x-request-id"]


async def test_unknown_method_is_method_not_found(mcp_app) -> None:
    response = await post(mcp_app, rpc("prompts/fly"))
    assert response.json()["error"]["code"] == -32601


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {API_KEY}", f"Bearer {API_KEY}x"]
)
async def test_proxy_api_key_is_required_when_set(mcp_app, env, authorization) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    headers = {} if authorization is None else {"authorization": authorization}
    response = await post(mcp_app, rpc("tools/list"), headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert API_KEY not in response.text


async def test_the_right_key_gets_in(mcp_app, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    response = await post(mcp_app, rpc("tools/list"), {"authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200 and response.json()["result"]["tools"]


async def test_sdk_client_with_the_bearer_header(session_for, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    async with session_for({"authorization": f"Bearer {API_KEY}"}) as (session, _):
        assert (await session.call_tool("list_categories", {})).structured_content


async def test_sdk_client_without_the_key_is_refused(session_for, env, capsys) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    capsys.readouterr()
    with pytest.raises(ExceptionGroup):  # the SDK reports the 401 as a failed initialize
        async with session_for() as _:
            pass
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["status"] for line in lines] == [401]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:6274"])
async def test_an_origin_not_allowed_is_403(mcp_app, origin: str) -> None:
    response = await post(mcp_app, rpc("tools/list"), {"origin": origin})
    assert_error(response, 403, "forbidden")
    assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origin_gets_cors(mcp_app, env) -> None:
    env(**FULL_CONFIG, MCP_ALLOWED_ORIGINS="https://inspector.example, HTTP://Localhost:6274/")
    response = await post(mcp_app, rpc("tools/list"), {"origin": "http://localhost:6274"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:6274"
    preflight = await post(mcp_app, b"", {"origin": "https://inspector.example"}, method="OPTIONS")
    assert preflight.status_code == 204
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    assert preflight.headers["access-control-allow-methods"] == "POST"


async def test_origin_is_checked_before_the_key(mcp_app, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    response = await post(mcp_app, rpc("tools/list"), {"origin": "https://evil.example"})
    assert_error(response, 403, "forbidden")


async def test_one_log_line_names_the_method_and_tool(mcp_app, capsys) -> None:
    capsys.readouterr()
    call = rpc("tools/call", {"name": "search_products", "arguments": {"q": "case"}})
    response = await post(mcp_app, call, {"x-vercel-id": "sin1::abc123"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert (line["function"], line["status"], line["request_id"]) == ("mcp", 200, "sin1::abc123")
    assert (line["jsonrpc_method"], line["tool"]) == ("tools/call", "search_products")
    assert line["upstream_method"] == "aliexpress.affiliate.product.query"
    assert response.headers["x-request-id"] == "sin1::abc123"


async def test_a_tool_error_is_on_the_log_line(mcp_app, capsys) -> None:
    capsys.readouterr()
    await post(mcp_app, rpc("tools/call", {"name": "search_products", "arguments": {}}))
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["tool_error"] == "invalid_request"


async def test_every_answer_carries_a_request_id(mcp_app) -> None:
    for response in (
        await post(mcp_app, rpc("tools/list")),
        await post(mcp_app, b"nope"),
        await post(mcp_app, b"", method="GET"),
        await post(mcp_app, rpc("tools/list"), {"origin": "https://evil.example"}),
        await post(mcp_app, rpc("tools/list"), path="/elsewhere"),
    ):
        assert response.headers["x-request-id"]
        assert response.headers["cache-control"] == "no-store"


def test_public_url_is_not_localhost() -> None:
    # The SDK's default host check passes on 127.0.0.1 and fails on Vercel (CONTRACT §5).
    assert "127.0.0.1" not in PUBLIC_URL and "localhost" not in PUBLIC_URL
