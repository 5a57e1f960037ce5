"""The official MCP client against the function as it is served: by `make dev`, and
loaded through Vercel's own runtime (``vercel_runtime.vc_init``) in a warm instance.
Always with a public Host header: the SDK's default Host check passes on 127.0.0.1
and answers 421 on Vercel (CONTRACT §5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.catalog import Catalog
from devtools.fake_gateway.server import serve_in_thread
from devtools.net import free_port, wait_for_port
from devtools.vercel_instance import InstanceTransport, WarmInstance
from devtools.vercel_probes import INITIALIZE, MCP_HEADERS, PUBLIC_HOST
from tests import leak_scan
from tests.leak_scan import API_KEYS
from tests.mcp_server.conftest import PUBLIC_URL, mcp_session, tool_error

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = [pytest.mark.slow, pytest.mark.anyio]
BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
KEY = API_KEYS[1]


def every_tool_call() -> dict[str, dict]:
    first = str(Catalog.load().products[0]["product_id"])
    url = f"https://www.aliexpress.com/item/{first}.html"
    return {
        "search_products": {"q": "phone case", "page_size": 2},
        "hot_products": {"page_size": 2},
        "get_products": {"ids": [first, url]},
        "affiliate_links": {"urls": [url]},
        "list_categories": {"parent_id": "509"},
        "list_promotions": {},
        "promotion_products": {"name": "weeklydeals", "page_size": 2},
        "similar_products": {"product_id": first},
        "get_shipping": {"product_id": first, "ship_to": "DE"},
        "get_variants": {"product_id": first},
    }


async def exercise(session) -> None:
    """List the tools, call every one, and one bad call."""
    tools = {tool.name for tool in (await session.list_tools()).tools}
    calls = every_tool_call()
    assert tools == set(calls)
    for name, arguments in calls.items():
        result = await session.call_tool(name, arguments)
        assert not result.is_error, (name, result)
        assert result.structured_content and result.content[0].text
    error = tool_error(await session.call_tool("search_products", {"page": 0}))
    assert error["code"] == "invalid_request" and "'page'" in error["message"]
    assert (await session.call_tool("no_such_tool", {})).is_error


# -- make dev ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIEXPRESS_", "PROXY_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process, timeout=20)
    except RuntimeError:
        process.kill()
        raise RuntimeError(process.stdout.read() if process.stdout else "no output") from None
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=10)
    if process.stdout:
        leak_scan.record("dev server output", process.stdout.read())


@pytest.mark.parametrize("path", ["/mcp", "/api/mcp", "/api/mcp_fn"])
async def test_make_dev_serves_mcp_in_demo_mode(dev_server, path: str) -> None:
    base, _ = dev_server
    async with mcp_session(base + path, headers={"host": PUBLIC_HOST}) as (session, init):
        assert init.server_info.name == "aliexpress-affiliate"
        await exercise(session)


def raw(base: str, path: str, method: str, body: bytes = b"", **headers: str):
    request = urllib.request.Request(
        base + path, data=body or None, method=method, headers={**MCP_HEADERS, **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_dev_answers_get_and_delete_with_405(dev_server) -> None:
    base, _ = dev_server
    for method in ("GET", "DELETE"):
        status, headers, body = raw(base, "/mcp", method)
        assert status == 405 and headers["x-request-id"]
        assert json.loads(body)["error"]["code"] == "method_not_allowed"


# -- Vercel's runtime -------------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    with serve_in_thread(FakeGateway()) as url:
        yield url


def runtime_env(gateway_url: str, **extra: str) -> dict[str, str]:
    return {
        **BASE_ENV,
        "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
        "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
        "ALIEXPRESS_TRACKING_ID": "runtime_test",
        "ALIEXPRESS_API_URL": gateway_url,
        **extra,
    }


@pytest.fixture(scope="module")
def instance(gateway_url: str) -> Iterator[WarmInstance]:
    with WarmInstance(ROOT, "mcp_fn", runtime_env(gateway_url)) as warm:
        yield warm
    leak_scan.record("mcp_fn instance log", "".join(warm.log))


@pytest.fixture(scope="module")
def keyed_instance(gateway_url: str) -> Iterator[WarmInstance]:
    env = runtime_env(gateway_url, PROXY_API_KEY=KEY, MCP_ALLOWED_ORIGINS="https://ok.example")
    with WarmInstance(ROOT, "mcp_fn", env) as warm:
        yield warm
    leak_scan.record("mcp_fn keyed instance log", "".join(warm.log))


async def test_the_sdk_client_through_vercel_runtime(instance: WarmInstance) -> None:
    async with mcp_session(PUBLIC_URL, InstanceTransport(instance)) as (session, init):
        assert init.instructions
        await exercise(session)
    lines = [json.loads(line) for line in instance.log if line.startswith("{")]
    called = [line.get("tool") for line in lines if line.get("jsonrpc_method") == "tools/call"]
    assert "search_products" in called and all(line["request_id"] for line in lines)


def test_the_runtime_serves_a_warm_instance_on_one_event_loop() -> None:
    """What lib/mcp_server/session_manager.py counts on to start one manager per instance
    (it stays correct on any loop; this is what makes it one)."""
    with WarmInstance(FIXTURES, "event_loop", BASE_ENV) as warm:
        answers = [warm.request({"method": "GET", "path": "/"}) for _ in range(3)]
    assert [answer["status"] for answer in answers] == [200] * 3
    assert len({json.loads(answer["body"])["loop"] for answer in answers}) == 1


def test_many_calls_on_one_warm_instance(gateway_url: str) -> None:
    """Invocations after the first reuse the running session manager; each still gets
    its own server session and log fields."""
    calls = {f"req-{n}": name for n, name in enumerate(every_tool_call())}
    arguments = every_tool_call()
    with WarmInstance(ROOT, "mcp_fn", runtime_env(gateway_url)) as warm:
        for request_id, name in calls.items():
            message = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": name, "arguments": arguments[name]},
            }
            result = warm.request(event("POST", message, **{"x-vercel-id": request_id}))
            assert result["status"] == 200, result
            assert not json.loads(result["body"])["result"].get("isError"), result["body"]
        lines = log_lines(warm, len(calls))
    leak_scan.record("mcp_fn warm instance log", "".join(warm.log))
    assert {line["request_id"]: line["tool"] for line in lines} == calls
    assert not [line for line in warm.log if not line.startswith("{")]  # no traceback


def log_lines(warm: WarmInstance, count: int) -> list[dict]:
    """The instance's JSON log lines, once ``count`` are there (a line follows its answer)."""
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in list(warm.log) if line.startswith("{")]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def event(method: str, body: object = None, path: str = "/mcp", **headers: str) -> dict:
    return {
        "method": method,
        "path": path,
        "headers": {**MCP_HEADERS, **headers},
        "body": "" if body is None else json.dumps(body),
    }


INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE}


@pytest.mark.parametrize(
    ("request_event", "status", "code"),
    [
        (event("GET"), 405, "method_not_allowed"),
        (event("DELETE"), 405, "method_not_allowed"),
        (event("POST", INIT, origin="https://evil.example"), 403, "forbidden"),
        (event("POST", INIT, path="/mcp/x"), 404, "not_found"),
    ],
)
def test_http_errors_through_vercel_runtime(instance, request_event, status, code) -> None:
    result = instance.request(request_event)
    assert result["status"] == status and result["headers"]["x-request-id"]
    assert json.loads(result["body"])["error"]["code"] == code


def test_malformed_json_rpc_through_vercel_runtime(instance) -> None:
    result = instance.request({**event("POST"), "body": "{oops"})
    assert result["status"] == 400
    assert json.loads(result["body"])["error"]["code"] == -32700


async def test_bearer_and_origin_through_vercel_runtime(keyed_instance: WarmInstance) -> None:
    refused = keyed_instance.request(event("POST", INIT))
    assert refused["status"] == 401 and refused["headers"]["www-authenticate"] == "Bearer"
    assert KEY not in refused["body"]
    allowed = keyed_instance.request(
        event("POST", INIT, authorization=f"Bearer {KEY}", origin="https://ok.example")
    )
    assert allowed["status"] == 200
    assert allowed["headers"]["access-control-allow-origin"] == "https://ok.example"
    headers = {"authorization": f"Bearer {KEY}"}
    async with mcp_session(PUBLIC_URL, InstanceTransport(keyed_instance), headers) as (s, _):
        assert (await s.call_tool("list_categories", {})).structured_content


def test_a_refused_bearer_names_no_oauth_metadata(keyed_instance: WarmInstance) -> None:
    """``resource_metadata`` in WWW-Authenticate would start OAuth discovery in Cursor and
    Claude Code, which then drop the configured Authorization header."""
    refused = keyed_instance.request(event("POST", INIT))
    assert refused["status"] == 401
    assert refused["headers"]["www-authenticate"] == "Bearer"
