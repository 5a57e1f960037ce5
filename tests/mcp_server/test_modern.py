"""MCP 2026-07-28 (no handshake, CONTRACT §7) end to end: in process, through Vercel's
runtime (``vercel_runtime.vc_init``, a warm instance) and against ``make dev``, always
with a public Host. The official Python client (``mcp.client.Client``) speaks it, and raw
requests check the wire: ``server/discover``, cache hints, ``-32022``, ``-32020``, missing
``_meta`` keys, notifications. Every tool the function registers is called, so a tool
added to the registry is covered without touching this file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.catalog import Catalog
from devtools.httpx_transport import gateway_transport
from devtools.mcp_wire import (
    CAPABILITIES_KEY,
    HANDSHAKE_VERSION,
    JSON_HEADERS,
    MODERN_VERSION,
    VERSION_KEY,
    example_arguments,
    modern_headers,
    modern_message,
)
from devtools.vercel_instance import InstanceTransport
from devtools.vercel_probes import PUBLIC_HOST
from lib import product_view
from lib.mcp_server.app import create_mcp_app
from lib.mcp_server.tools import TOOLS
from lib.mcp_server.views import product_view_extension, with_product_view
from lib.upstream import ClientProvider
from tests.mcp_server.conftest import PUBLIC_URL

# The served targets' fixtures (module scoped, started only when a test asks).
from tests.mcp_server.test_served import dev_server, gateway_url, instance  # noqa: F401

pytestmark = pytest.mark.anyio
TARGETS = ["in_process", pytest.param("vercel_runtime", marks=pytest.mark.slow)]
TARGETS.append(pytest.param("make_dev", marks=pytest.mark.slow))
FUNCTION_TOOLS = with_product_view(TOOLS)  # what api/mcp_fn/index.py registers


def first_product() -> str:
    return str(Catalog.load().products[0]["product_id"])


@pytest.fixture
def target(request: pytest.FixtureRequest, gateway: FakeGateway):
    """(url, httpx2 transport or None, extra headers) for one way of serving the function."""
    if request.param == "in_process":
        app = create_mcp_app(
            FUNCTION_TOOLS,
            extensions=[product_view_extension()],
            clients=ClientProvider(transport=gateway_transport(gateway)),
        )
        return PUBLIC_URL, httpx2.ASGITransport(app=app), {}
    if request.param == "vercel_runtime":
        return PUBLIC_URL, InstanceTransport(request.getfixturevalue("instance")), {}
    base, _ = request.getfixturevalue("dev_server")
    return base + "/mcp", None, {"host": PUBLIC_HOST}


@asynccontextmanager
async def http_client(target) -> AsyncIterator[httpx2.AsyncClient]:
    _, transport, headers = target
    async with httpx2.AsyncClient(transport=transport, headers=headers, timeout=30) as http:
        yield http


async def post(target, message: dict[str, Any], **headers: str) -> httpx2.Response:
    url = target[0]
    async with http_client(target) as http:
        sent = {**modern_headers(message), **headers}
        return await http.post(url, headers=sent, content=json.dumps(message))


def rpc_error(response: httpx2.Response) -> dict[str, Any]:
    return response.json()["error"]


# -- the official Python client -----------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS, indirect=True)
@pytest.mark.parametrize("mode", ["auto", MODERN_VERSION])
async def test_the_python_client_speaks_2026_07_28(target, configured, mode: str) -> None:
    """``auto`` probes ``server/discover`` first; a version pin skips the probe."""
    async with (
        http_client(target) as http,
        Client(streamable_http_client(target[0], http_client=http), mode=mode) as client,
    ):
        assert client.protocol_version == MODERN_VERSION
        listed = await client.list_tools()
        assert [tool.name for tool in listed.tools] == [tool.name for tool in FUNCTION_TOOLS]
        for tool in listed.tools:
            arguments = example_arguments(tool.input_schema, first_product())
            result = await client.call_tool(tool.name, arguments)
            assert not result.is_error, (tool.name, result.content)
            assert result.structured_content and result.content[0].text
        view = await client.read_resource(product_view.VIEW_URI)
        assert view.contents[0].mime_type == product_view.MIME_TYPE
        assert "<html" in view.contents[0].text.lower()
        bad = await client.call_tool("search_products", {"page": 0})
        assert bad.is_error and "invalid_request" in bad.content[0].text


# -- the wire -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_server_discover(target, configured) -> None:
    response = await post(target, modern_message("server/discover"))
    assert response.status_code == 200 and response.headers["x-request-id"]
    result = response.json()["result"]
    assert MODERN_VERSION in result["supportedVersions"]
    assert result["resultType"] == "complete"
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "aliexpress-affiliate"
    assert result["instructions"]
    assert "io.modelcontextprotocol/ui" in result["capabilities"]["extensions"]


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_every_tool_and_the_view_over_raw_requests(target, configured) -> None:
    listed = (await post(target, modern_message("tools/list"))).json()["result"]
    assert listed["resultType"] == "complete"
    for tool in listed["tools"]:
        arguments = example_arguments(tool["inputSchema"], first_product())
        call = {"name": tool["name"], "arguments": arguments}
        response = await post(target, modern_message("tools/call", call))
        assert response.status_code == 200, response.text
        result = response.json()["result"]
        assert result["resultType"] == "complete" and not result.get("isError"), result
    read = await post(target, modern_message("resources/read", {"uri": product_view.VIEW_URI}))
    contents = read.json()["result"]["contents"]
    assert contents[0]["mimeType"] == product_view.MIME_TYPE


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_an_unsupported_version_is_400_with_32022(target, configured) -> None:
    message = modern_message("tools/list")
    message["params"]["_meta"][VERSION_KEY] = "2099-01-01"
    response = await post(target, message)
    assert response.status_code == 400
    error = rpc_error(response)
    assert error["code"] == -32022
    assert MODERN_VERSION in error["data"]["supported"]
    assert error["data"]["requested"] == "2099-01-01"


@pytest.mark.parametrize("target", TARGETS, indirect=True)
@pytest.mark.parametrize(
    ("header", "value", "names"),
    [
        ("mcp-method", "tools/list", "mcp-method"),
        ("mcp-name", "hot_products", "mcp-name"),
        ("mcp-name", "", "mcp-name"),
    ],
)
async def test_a_header_that_disagrees_with_the_body_is_400_with_32020(
    target, configured, header: str, value: str, names: str
) -> None:
    message = modern_message("tools/call", {"name": "list_categories", "arguments": {}})
    response = await post(target, message, **{header: value})
    assert response.status_code == 400
    error = rpc_error(response)
    assert error["code"] == -32020
    assert names in error["message"]


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_a_body_version_that_disagrees_with_the_header_is_400_with_32020(
    target, configured
) -> None:
    """(The other way round, a handshake version in the header routes the request to the
    handshake path, which reads no envelope: the SDK routes on the header.)"""
    message = modern_message("tools/list")
    message["params"]["_meta"][VERSION_KEY] = HANDSHAKE_VERSION
    response = await post(target, message, **{"mcp-protocol-version": MODERN_VERSION})
    assert response.status_code == 400
    assert rpc_error(response)["code"] == -32020


@pytest.mark.parametrize("target", TARGETS, indirect=True)
@pytest.mark.parametrize("missing", [VERSION_KEY, CAPABILITIES_KEY])
async def test_a_missing_meta_key_is_400_with_invalid_params(
    target, configured, missing: str
) -> None:
    message = modern_message("tools/list")
    del message["params"]["_meta"][missing]
    headers = {"mcp-protocol-version": MODERN_VERSION, "mcp-method": "tools/list"}
    async with http_client(target) as http:
        response = await http.post(
            target[0], headers={**JSON_HEADERS, **headers}, content=json.dumps(message)
        )
    assert response.status_code == 400
    error = rpc_error(response)
    assert error["code"] == -32602
    assert missing in error["message"] or "_meta" in error["message"]


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_a_notification_is_202_with_no_body(target, configured) -> None:
    message = modern_message("notifications/cancelled", {"requestId": 5}, request_id=None)
    response = await post(target, message)
    assert response.status_code == 202
    assert response.content == b"" and response.headers["x-request-id"]


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_initialize_is_not_a_2026_method(target, configured) -> None:
    response = await post(target, modern_message("initialize"))
    assert rpc_error(response)["code"] == -32601


# -- honest capabilities and cache hints --------------------------------------------------

NO_NOTIFICATIONS = {
    "prompts": {"listChanged": False},
    "resources": {"listChanged": False, "subscribe": False},
    "tools": {"listChanged": False},
}


def assert_honest(capabilities: dict[str, Any]) -> None:
    """A stateless server never notifies: no subscriptions, no list-changed notifications."""
    assert {key: capabilities.get(key) for key in NO_NOTIFICATIONS} == NO_NOTIFICATIONS


@pytest.mark.parametrize("target", TARGETS, indirect=True)
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("server/discover", None),
        ("tools/list", None),
        ("resources/list", None),
        ("resources/read", {"uri": product_view.VIEW_URI}),
    ],
)
async def test_static_lists_say_how_long_to_cache_them(target, configured, method, params) -> None:
    result = (await post(target, modern_message(method, params))).json()["result"]
    assert result["ttlMs"] == 3_600_000 and result["cacheScope"] == "public"
    if method == "server/discover":
        assert_honest(result["capabilities"])


@pytest.mark.parametrize("target", TARGETS, indirect=True)
async def test_the_handshake_advertises_no_notifications_either(target, configured) -> None:
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": HANDSHAKE_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    async with http_client(target) as http:
        response = await http.post(target[0], headers=JSON_HEADERS, content=json.dumps(initialize))
    result = response.json()["result"]
    assert result["protocolVersion"] == HANDSHAKE_VERSION
    assert_honest(result["capabilities"])


# -- MCP Apps metadata --------------------------------------------------------------------


@pytest.mark.parametrize("target", ["in_process"], indirect=True)
async def test_product_tools_point_at_the_view_with_current_keys_only(target, configured) -> None:
    """``_meta.ui.resourceUri`` (ext-apps 2026-01-26); the flat ``ui/resourceUri`` key is
    deprecated and not sent; ChatGPT's ``openai/outputTemplate`` alias stays (see
    lib/product_view.py for the source of each key)."""
    tools = (await post(target, modern_message("tools/list"))).json()["result"]["tools"]
    linked = [tool for tool in tools if "ui" in (tool.get("_meta") or {})]
    assert linked, tools
    for tool in tools:
        meta = tool.get("_meta") or {}
        assert "ui/resourceUri" not in meta, tool["name"]
        if "ui" in meta:
            assert meta["ui"]["resourceUri"] == product_view.VIEW_URI
            assert meta["openai/outputTemplate"] == product_view.VIEW_URI
    resources = (await post(target, modern_message("resources/list"))).json()["result"]
    (view,) = resources["resources"]
    assert view["uri"] == product_view.VIEW_URI and "csp" in view["_meta"]["ui"]
    assert "ui/resourceUri" not in view["_meta"]
