"""Fixtures for the functions: environment, the function apps, a caller."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.short_links import FakeShortLinks
from devtools.httpx_transport import gateway_transport
from lib.aliexpress.shortlinks import ShortLinkResolver
from lib.config import get_settings
from lib.data_api import get_client_provider, get_link_resolver
from lib.upstream import ClientProvider
from tests.conftest import TRACKING_ID
from tests.leak_scan import API_KEYS

FUNCTIONS = ("health", "products", "links", "categories", "openapi_gpt", "promotions", "orders")
CONFIG_VARS = (
    "ALIEXPRESS_APP_KEY",
    "ALIEXPRESS_APP_SECRET",
    "ALIEXPRESS_TRACKING_ID",
    "ALIEXPRESS_API_URL",
    "ALIEXPRESS_SIGN_METHOD",
    "ALIEXPRESS_CURRENCY",
    "ALIEXPRESS_LANGUAGE",
    "ALIEXPRESS_SHIP_TO",
    "PROXY_API_KEY",
    "OWNER_API_KEY",
    "PUBLIC_BASE_URL",
    "ALIEXPRESS_DEMO_GATEWAY",
    "VERCEL_GIT_COMMIT_SHA",
    "VERCEL_REGION",
    "VERCEL_PROJECT_PRODUCTION_URL",
    "MCP_ALLOWED_ORIGINS",
    "REDIS_URL",
    "RATE_LIMIT_PER_MINUTE",
    "UPSTREAM_CALLS_PER_SECOND",
    "UPSTREAM_CALLS_PER_DAY",
    "ALIEXPRESS_TRACKING_ID_GPT",
    "ALIEXPRESS_TRACKING_ID_MCP",
    "ALIEXPRESS_TRACKING_ID_WEB",
    "ALIEXPRESS_TRACKING_ID_API",
)
API_KEY = API_KEYS[0]
FULL_CONFIG = {
    "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
    "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
    "ALIEXPRESS_TRACKING_ID": TRACKING_ID,
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Replace the whole configuration with exactly these variables."""

    def apply(**values: str) -> None:
        for name in CONFIG_VARS:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    apply()
    yield apply
    get_settings.cache_clear()


@pytest.fixture
def configured(env: Callable[..., None]) -> None:
    env(**FULL_CONFIG)


@pytest.fixture
def client_options() -> dict[str, Any]:
    """Options for the functions' AliExpress client; a test may override this fixture."""
    return {}


@pytest.fixture
def short_links() -> FakeShortLinks:
    """AliExpress's short-link hosts, faked: the demo links; records every URL asked."""
    return FakeShortLinks.demo()


@pytest.fixture
def apps(
    gateway: FakeGateway, short_links: FakeShortLinks, client_options: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """Each function's ``app``; data functions reach the fake gateway in-process and
    resolve short links through the fake short-link hosts."""
    loaded = {name: importlib.import_module(f"api.{name}").app for name in FUNCTIONS}
    provider = ClientProvider(transport=gateway_transport(gateway), **client_options)
    resolver = ShortLinkResolver(short_links)
    for app in loaded.values():
        if hasattr(app, "dependency_overrides"):
            app.dependency_overrides[get_client_provider] = lambda: provider
            app.dependency_overrides[get_link_resolver] = lambda: resolver
    yield loaded
    for app in loaded.values():
        if hasattr(app, "dependency_overrides"):
            app.dependency_overrides.clear()


Caller = Callable[..., Any]


@pytest.fixture
def call(apps: dict[str, Any]) -> Caller:
    """``await call("products", "/api/products/search?q=x", headers=...)``."""

    async def request(function: str, path: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=apps[function])
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path, **kwargs)

    return request


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "request_id"}
    assert error["code"] == code
    assert error["request_id"] == response.headers["x-request-id"]
    return error
