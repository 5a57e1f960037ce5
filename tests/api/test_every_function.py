"""What every function owes every caller: envelope, request id, auth, no-config 503."""

from __future__ import annotations

import json

import pytest

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.server import serve_in_thread
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller, assert_error
from tests.conftest import load_function, modules_after

pytestmark = pytest.mark.anyio

DATA_ROUTES = [
    ("products", "/api/products/search?q=phone"),
    ("products", "/api/products/hot"),
    ("products", "/api/products/1005006100000000"),
    ("products", "/api/products?ids=1005006100000000"),
    ("links", "/api/links?url=https://www.aliexpress.com/item/1005006123456789.html"),
    ("categories", "/api/categories"),
]
FUNCTIONS = ["health", "products", "links", "categories", "openapi_gpt", "orders"]


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
async def test_no_configuration_gives_503_naming_the_variables(
    call: Caller, env, function: str, path: str
) -> None:
    env()
    error = assert_error(await call(function, path), 503, "not_configured")
    assert "ALIEXPRESS_APP_KEY" in error["message"]
    assert "ALIEXPRESS_APP_SECRET" in error["message"]


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong-key",
        f"Basic {API_KEY}",
        f"bearer {API_KEY}x",
        f"Bearer {API_KEY} extra",
        f"Bearer {API_KEY[:-1]}",
    ],
)
async def test_data_routes_need_the_bearer_key_when_set(
    call: Caller, env, function: str, path: str, authorization: str | None
) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await call(function, path, headers=headers)
    error = assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert API_KEY not in json.dumps(error)


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
async def test_data_routes_pass_with_the_right_key(
    call: Caller, env, function: str, path: str
) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    response = await call(function, path, headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code in (200, 404), response.text  # 404: unknown product id


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
async def test_data_routes_are_open_without_a_key(
    call: Caller, configured: None, function: str, path: str
) -> None:
    response = await call(function, path)
    assert response.status_code in (200, 404), response.text


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("path", ["/", "/nope", "/api/other", "/api/products/search/extra"])
async def test_unknown_routes_are_404_in_the_envelope(
    call: Caller, configured: None, function: str, path: str
) -> None:
    assert_error(await call(function, path), 404, "not_found")


@pytest.mark.parametrize("function", FUNCTIONS)
async def test_vercel_request_id_is_used_when_present(
    call: Caller, configured: None, function: str
) -> None:
    vercel_id = "sin1::iad1::abcde-1700000000000-0123456789ab"
    response = await call(function, "/nope", headers={"x-vercel-id": vercel_id})
    assert response.headers["x-request-id"] == vercel_id
    assert response.json()["error"]["request_id"] == vercel_id


@pytest.mark.parametrize("function", FUNCTIONS)
async def test_hostile_vercel_id_is_replaced(call: Caller, configured: None, function: str) -> None:
    response = await call(function, "/nope", headers={"x-vercel-id": "x" * 300})
    assert len(response.headers["x-request-id"]) == 32


async def test_one_json_log_line_per_request(call: Caller, configured: None, capsys) -> None:
    capsys.readouterr()
    response = await call(
        "products", "/api/products/search?q=phone", headers={"x-vercel-id": "sin1::req-1"}
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["function"] == "products"
    assert line["route"] == "/api/products/search"
    assert line["status"] == response.status_code == 200
    assert line["request_id"] == "sin1::req-1"
    assert line["upstream_method"] == "aliexpress.affiliate.product.query"
    assert line["upstream_outcome"] == "ok"
    assert line["upstream_ms"] >= 0 and line["latency_ms"] >= line["upstream_ms"]


@pytest.mark.parametrize("function", FUNCTIONS)
async def test_other_methods_are_405_in_the_envelope(apps, configured: None, function: str) -> None:
    import httpx

    path = {
        "products": "/api/products/search",
        "links": "/api/links",
        "categories": "/api/categories",
        "health": "/api/health",
        "openapi_gpt": "/openapi-gpt.json",
        "orders": "/api/orders",
    }[function]
    transport = httpx.ASGITransport(app=apps[function])
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(path)
    error = assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] in ("GET", "GET, HEAD")
    assert error["message"].startswith("POST is not allowed here; use GET")


EVERY_ROUTE = [
    *DATA_ROUTES,
    ("products", "/api/products/1005006100402689"),
    ("health", "/api/health"),
    ("health", "/health"),
    ("openapi_gpt", "/api/openapi_gpt"),
    ("openapi_gpt", "/openapi-gpt.json"),
]


@pytest.mark.parametrize(("function", "path"), EVERY_ROUTE)
async def test_a_trailing_slash_answers_the_route_never_a_redirect(
    call: Caller, configured: None, function: str, path: str
) -> None:
    route, _, query = path.partition("?")
    plain = await call(function, path)
    for slashes in ("/", "//"):
        slashed = await call(function, f"{route}{slashes}?{query}")
        assert slashed.status_code == plain.status_code, slashed.text
        assert "location" not in slashed.headers
        assert slashed.json().keys() == plain.json().keys()


async def test_a_bug_is_a_500_envelope_never_a_traceback(configured: None, capsys) -> None:
    import httpx
    from fastapi import APIRouter

    from lib.data_api import create_data_app

    router = APIRouter()

    @router.get("/api/boom")
    async def boom() -> dict:
        raise RuntimeError("a bug with a secret-looking detail")

    app = create_data_app("boom", router, summary="test")
    capsys.readouterr()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret-looking" not in response.text
    assert response.headers["cache-control"] == "no-store"
    captured = capsys.readouterr()
    line = json.loads(captured.out.splitlines()[-1])
    assert (line["level"], line["status"], line["error"]) == ("error", 500, "RuntimeError")
    assert line["request_id"] == error["request_id"]
    assert "RuntimeError" in captured.err  # the traceback goes to the log, not the caller


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
async def test_bad_request_defaults_give_503_and_no_upstream_call(
    call: Caller, env, gateway, function: str, path: str
) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_CURRENCY="XXX")
    error = assert_error(await call(function, path), 503, "not_configured")
    assert "ALIEXPRESS_CURRENCY must be one of" in error["message"]
    assert gateway.calls == []


COLD_PATH = """
import asyncio, json, os
os.environ.update(json.loads({env!r}))
{load}
async def first_answer():
    scope = {{"type": "http", "asgi": {{"version": "3.0"}}, "http_version": "1.1",
              "method": "GET", "scheme": "https", "path": {path!r}, "raw_path": {path!r}.encode(),
              "query_string": {query!r}.encode(), "root_path": "", "headers": [],
              "client": ("127.0.0.1", 1), "server": ("t", 443)}}
    sent = []
    async def receive():
        return {{"type": "http.request", "body": b"", "more_body": False}}
    async def send(message):
        sent.append(message)
    await module.app(scope, receive, send)
    assert sent[0]["status"] == 200, sent
asyncio.run(first_answer())
"""


@pytest.mark.parametrize(("function", "path"), DATA_ROUTES)
def test_a_data_function_answers_without_loading_httpx(function: str, path: str) -> None:
    """httpx costs ~85 ms of a cold start without bytecode (BENCHMARKS.md): the
    functions reach AliExpress through lib/aliexpress/transport.py instead."""
    gateway = FakeGateway()
    known_id = str(gateway.catalog.products[0]["product_id"])
    route, _, query = path.replace("1005006100000000", known_id).partition("?")
    with serve_in_thread(gateway) as url:
        code = COLD_PATH.format(
            env=json.dumps({**FULL_CONFIG, "ALIEXPRESS_API_URL": url}),
            load=load_function(function),
            path=route,
            query=query,
        )
        loaded = modules_after(code)
    assert {"lib.aliexpress.transport", "h11"} <= loaded  # it did go upstream, framed by h11
    assert [m for m in loaded if m.split(".")[0] in ("httpx", "httpcore")] == []
