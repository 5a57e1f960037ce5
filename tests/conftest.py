"""Shared fixtures: the fake gateway and a real client wired to it in-process."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from lib.aliexpress.client import AliExpressClient, RetryPolicy

TRACKING_ID = "gpt_proxy_test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def make_client(gateway: FakeGateway) -> Callable[..., AliExpressClient]:
    """A real client whose transport is the fake gateway (no network)."""

    def make(**overrides: object) -> AliExpressClient:
        options: dict[str, object] = {
            "app_key": DEMO_APP_KEY,
            "app_secret": DEMO_APP_SECRET,
            "api_url": "https://api-sg.aliexpress.com/sync",
            "tracking_id": TRACKING_ID,
            "transport": httpx.ASGITransport(app=gateway),
            "deadline": 2.0,
            "attempt_timeout": 1.0,
            "retry": RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05),
        }
        options.update(overrides)
        return AliExpressClient(**options)  # type: ignore[arg-type]

    return make
