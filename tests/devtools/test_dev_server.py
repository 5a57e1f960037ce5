"""`make dev` end to end: a real server process in demo mode, probed over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


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
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, process, timeout=20)
    except RuntimeError:
        process.kill()
        raise RuntimeError(process.stdout.read() if process.stdout else "no output") from None
    yield base, process
    process.terminate()
    process.wait(timeout=10)


def get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_demo_mode_is_announced(dev_server) -> None:
    base, _ = dev_server
    status, _, body = get(base, "/health")
    assert status == 200
    assert json.loads(body)["mode"] == "demo"


def test_search_returns_demo_products(dev_server) -> None:
    base, _ = dev_server
    status, headers, body = get(base, "/api/products/search?q=phone+case")
    assert status == 200
    assert headers["x-request-id"].startswith("dev1::")
    products = json.loads(body)["products"]
    assert products and all("phone case" in p["title"].lower() for p in products)


@pytest.mark.parametrize(
    ("path", "status", "key"),
    [
        ("/api/health", 200, "mode"),
        ("/api/products/hot", 200, "products"),
        ("/api/products?ids=https://www.aliexpress.com/item/1005006100402689.html,1", 422, "error"),
        ("/api/links?url=https://www.aliexpress.com/item/1005006100402689.html", 200, "links"),
        ("/api/categories", 200, "categories"),
        ("/api/products/1005000000000001", 404, "error"),
        ("/api/products?ids=https://a.aliexpress.com/_DemoCase", 200, "products"),
        ("/api/products?ids=https://a.aliexpress.com/_DemoAway", 502, "error"),
        ("/api/unknown", 404, "error"),
    ],
)
def test_every_route_answers(dev_server, path: str, status: int, key: str) -> None:
    base, _ = dev_server
    got, headers, body = get(base, path)
    assert got == status
    assert key in json.loads(body)
    assert "x-request-id" in {k.lower() for k in headers}


def test_product_by_id_and_by_url(dev_server) -> None:
    base, _ = dev_server
    _, _, body = get(base, "/api/products/hot?page_size=2")
    first, second = (p["id"] for p in json.loads(body)["products"])
    status, _, body = get(base, f"/api/products/{first}")
    assert status == 200 and json.loads(body)["id"] == first
    url = f"https://www.aliexpress.com/item/{second}.html"
    status, _, body = get(base, f"/api/products?ids={url},{first}")
    assert status == 200
    assert [p["id"] for p in json.loads(body)["products"]] == [second, first]


def test_a_pasted_app_link_works_in_demo_mode(dev_server) -> None:
    base, _ = dev_server
    links = "https://a.aliexpress.com/_DemoCase,https://s.click.aliexpress.com/e/_DemoDeal"
    status, _, body = get(base, f"/api/products?ids={links}")
    assert status == 200
    assert [p["id"] for p in json.loads(body)["products"]] == [
        "1005006100402689",
        "1005006106755911",
    ]


def test_public_pages_are_served(dev_server) -> None:
    base, _ = dev_server
    for path in ("/", "/privacy.html"):
        status, headers, body = get(base, path)
        assert status == 200
        assert headers["content-type"].startswith("text/html")
        assert b"<html" in body
