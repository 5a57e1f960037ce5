"""`make dev` end to end: a real server process in demo mode, probed over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devtools.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
SETTING_PREFIXES = ("ALIEXPRESS_", "PROXY_", "PUBLIC_BASE_URL")


@contextmanager
def serve(**settings: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``make dev`` with exactly these settings (none from the caller's environment)."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)},
        **settings,
        "PYTHONUNBUFFERED": "1",
    }
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
    try:
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def banner(process: subprocess.Popen[str]) -> list[str]:
    """The lines the server printed before it started serving."""
    assert process.stdout is not None
    lines = []
    while not (line := process.stdout.readline()).startswith("Serving functions"):
        assert line, "the server stopped before serving:\n" + "".join(lines)
        lines.append(line.rstrip("\n"))
    return lines


@pytest.fixture(scope="module")
def dev_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    with serve() as started:
        yield started


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx is an answer to check, not to follow


_OPENER = urllib.request.build_opener(_NoRedirects)


def get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _OPENER.open(base + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_demo_mode_is_announced(dev_server) -> None:
    base, process = dev_server
    assert banner(process)[0].startswith("DEMO MODE")
    status, _, body = get(base, "/health")
    assert status == 200
    assert json.loads(body)["mode"] == "demo"


@pytest.mark.parametrize(
    ("settings", "reported"),
    [
        # Half a credential pair: reported, never swapped for the demo pair.
        ({"ALIEXPRESS_APP_KEY": "my-key"}, ["ALIEXPRESS_APP_SECRET is not set."]),
        (
            {
                "ALIEXPRESS_APP_KEY": "my-key",
                "ALIEXPRESS_APP_SECRET": "my-secret",
                "ALIEXPRESS_SIGN_METHOD": "sha1",
                "ALIEXPRESS_API_URL": "ftp://gateway.example",
            },
            [
                "ALIEXPRESS_SIGN_METHOD must be sha256 or md5.",
                "ALIEXPRESS_API_URL must be an http(s) URL.",
            ],
        ),
    ],
    ids=["partial credentials", "bad settings"],
)
def test_the_banner_and_health_tell_the_same_story(
    settings: dict[str, str], reported: list[str]
) -> None:
    with serve(ALIEXPRESS_TRACKING_ID="t", **settings) as (base, process):
        lines = banner(process)
        _, _, body = get(base, "/health")
        _, _, deep = get(base, "/health?deep=1")
    health = json.loads(body)
    assert not any(line.startswith(("LIVE MODE", "DEMO MODE")) for line in lines), lines
    assert lines[0].startswith("NOT CONFIGURED")
    assert [line.removeprefix("  - ") for line in lines if line.startswith("  - ")] == reported
    assert health["mode"] == "unconfigured"
    assert health["missing"] + health["problems"] == [
        r.removesuffix(" is not set.") if r.endswith(" is not set.") else r for r in reported
    ]
    assert health["config"]["ALIEXPRESS_APP_KEY"] is True
    assert health["config"]["ALIEXPRESS_API_URL"] is ("ALIEXPRESS_API_URL" in settings)
    message = json.loads(deep)["upstream"]["error"]["message"]
    assert all(r.removesuffix(" is not set.") in message for r in reported), message


def test_warnings_and_spec_problems_are_in_the_banner() -> None:
    with serve(
        ALIEXPRESS_APP_KEY="my-key",
        ALIEXPRESS_APP_SECRET="my-secret",
        PUBLIC_BASE_URL="http://proxy.example.com",
    ) as (base, process):
        lines = banner(process)
        health = json.loads(get(base, "/health")[2])
    assert lines[0].startswith("LIVE MODE: calling the AliExpress gateway at api-sg.aliexpress.com")
    assert [f"PROBLEM: {p}" for p in health["problems"]] == lines[1:2]
    assert [f"WARNING: {w}" for w in health["warnings"]] == lines[2:3]
    assert "my-secret" not in "".join(lines)


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
        ("/api/products/1005006107718769/similar", 200, "has_more"),
        ("/api/promotions", 200, "promotions"),
        ("/api/promotions/products?name=weeklydeals", 200, "products"),
        ("/api/promotions/products", 422, "error"),
        ("/api/products?ids=https://a.aliexpress.com/_DemoCase", 200, "products"),
        ("/api/products?ids=https://a.aliexpress.com/_DemoAway", 502, "error"),
        ("/api/unknown", 404, "error"),
        # A trailing slash answers the route, never a redirect.
        ("/api/products/search/?q=phone+case", 200, "products"),
        ("/api/products/hot/", 200, "products"),
        ("/api/products/1005006100402689/", 200, "id"),
        ("/api/products/?ids=1005006100402689", 200, "products"),
        ("/api/links/?url=https://www.aliexpress.com/item/1005006100402689.html", 200, "links"),
        ("/api/categories/", 200, "categories"),
        ("/health/", 200, "mode"),
        ("/api/health/", 200, "mode"),
        ("/api/openapi_gpt/", 200, "paths"),
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


def test_demo_mode_shows_deals_with_promo_codes(dev_server) -> None:
    base, _ = dev_server
    _, _, body = get(base, "/api/promotions/products?name=Best+Seller&page_size=50")
    products = json.loads(body)["products"]
    assert any(p["promo_code"] and p["promo_code"]["code"] for p in products)
