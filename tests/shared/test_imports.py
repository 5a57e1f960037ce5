"""No function imports ``redis`` unless ``REDIS_URL`` is set: not at load, not while it
serves a request that builds the AliExpress client (cold starts stay as they were)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.vercel_routes import function_names
from tests.conftest import load_function

ROOT = Path(__file__).resolve().parents[2]
PATHS = {
    "products": "/api/products/search?q=lamp",
    "links": "/api/links?url=https://www.aliexpress.com/item/1005006123456789.html",
    "categories": "/api/categories",
    "promotions": "/api/promotions",
    "orders": "/api/orders?start=2026-01-01&end=2026-01-02",
    "health": "/api/health?deep=1",
    "openapi_gpt": "/api/openapi_gpt",
}
SERVE = r"""
import asyncio, json, sys
async def serve(path, body=b""):
    target, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST" if body else "GET", "scheme": "https", "path": target,
             "raw_path": target.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"example.vercel.app"), (b"authorization", b"Bearer owner"),
                         (b"content-type", b"application/json"),
                         (b"accept", b"application/json, text/event-stream")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 443)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}
    status = []
    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])
    await module.app(scope, receive, send)
    return status[0]
print("STATUS", asyncio.run(serve(sys.argv[1], sys.argv[2].encode())))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "redis")))
"""
MCP_CALL = json.dumps(
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
     "params": {"name": "search_products", "arguments": {"q": "lamp"}}}
)  # fmt: skip


def redis_modules_after_a_request(name: str, **env: str) -> list[str]:
    path, body = ("/mcp", MCP_CALL) if name.startswith("mcp") else (PATHS[name], "")
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ALIEXPRESS_APP_KEY": "key",
        "ALIEXPRESS_APP_SECRET": "secret",
        "ALIEXPRESS_TRACKING_ID": "tracking",
        "OWNER_API_KEY": "owner",
        "ALIEXPRESS_API_URL": "http://127.0.0.1:9/sync",  # refused at once: a quick 502
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", load_function(name) + SERVE, path, body],
        cwd=ROOT, capture_output=True, text=True, check=False, env=environ, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("STATUS") for line in lines), result.stdout[-2000:]
    return json.loads(lines[-1])


@pytest.mark.parametrize("name", function_names())
def test_no_function_imports_redis_without_redis_url(name: str) -> None:
    assert redis_modules_after_a_request(name) == []


def test_products_imports_redis_once_redis_url_is_set() -> None:
    # Proves the check above can fail: the same request with REDIS_URL loads redis.
    loaded = redis_modules_after_a_request("products", REDIS_URL="redis://127.0.0.1:9/0")
    assert "redis.asyncio" in loaded
