"""Every data route x every upstream fault -> the contract's status and code.

Runs each function's real ``app`` in process with the fake gateway behind it
(and a closed loopback port for "connection refused"). Faults in the HTTP framing
itself (``WireFault``) are served from a raw loopback socket (wire.py) through the
client's real transport; after each, three requests for other products on the same
client must each get their own product (no answer left over for the next one).
The client deadline is
scaled down (``DEADLINE`` s) so the matrix runs in seconds; the production
deadline is checked separately against maxDuration and the GPT's 45 s.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway, Fault
from devtools.fake_gateway.wire import WireFault, WireGateway
from devtools.httpx_transport import gateway_transport
from devtools.net import free_port
from lib.aliexpress.client import RetryPolicy
from lib.config import get_settings
from lib.data_api import get_client_provider
from lib.upstream import ClientProvider

DEADLINE = 1.0
CLIENT_OPTIONS: dict[str, Any] = {
    "deadline": DEADLINE,
    "attempt_timeout": 0.4,
    "retry": RetryPolicy(max_attempts=3, base_delay=0.02, max_delay=0.1),
}
CONNECTION_REFUSED = "connection_refused"
FAULTS = [f.value for f in Fault] + [f.value for f in WireFault] + [CONNECTION_REFUSED]
FOLLOW_UPS = 3  # requests checked for their own answers after a wire fault
ROUTES = {
    "search": ("products", "/api/products/search?q=phone"),
    "hot": ("products", "/api/products/hot"),
    "product": ("products", "/api/products/{id}"),
    "products": ("products", "/api/products?ids={id}"),
    "links": ("links", "/api/links?url=https://www.aliexpress.com/item/{id}.html"),
    "categories": ("categories", "/api/categories"),
    "promotions": ("promotions", "/api/promotions"),
    "promotion_products": ("promotions", "/api/promotions/products?name=Hot+Product"),
    "similar": ("products", "/api/products/{id}/similar"),
    "shipping": ("products", "/api/products/{id}/shipping?ship_to=DE"),
    "variants": ("products", "/api/products/{id}/variants?ship_to=DE"),
    "orders": ("orders", "/api/orders?start=2026-11-01&end=2026-11-28"),
    "orders_summary": ("orders", "/api/orders/summary?start=2026-09-01&end=2026-11-28"),
}
# Sent with every request: it opens the owner's routes and the others ignore it.
OWNER_KEY = "fault-matrix-owner-key"
EXPECTED: dict[str, tuple[int, str | None]] = {
    Fault.SLOW: (504, "upstream_timeout"),
    Fault.HTTP_500: (502, "upstream_error"),
    Fault.HTTP_503: (502, "upstream_error"),
    Fault.HTML_PAGE: (502, "upstream_error"),
    Fault.MALFORMED_JSON: (502, "upstream_error"),
    Fault.WRONG_ENVELOPE: (502, "upstream_error"),
    Fault.INCOMPLETE_SIGNATURE: (502, "upstream_error"),
    Fault.API_CALL_LIMIT: (429, "rate_limited"),
    Fault.BUSINESS_ERROR: (502, "upstream_error"),
    Fault.ISV_ERROR: (502, "upstream_error"),
    Fault.DEEP_JSON: (502, "upstream_error"),
    Fault.HUGE_BAN: (429, "rate_limited"),
    Fault.ABSURD_NUMBERS: (200, None),  # the absurd values are null, the rest is served
    WireFault.EARLY_HINTS: (200, None),  # interim answers are read past
    WireFault.TRAILING_ANSWER: (200, None),  # the glued second answer is dropped
    WireFault.CONFLICTING_LENGTH: (502, "upstream_error"),
    WireFault.LENGTH_AND_CHUNKED: (502, "upstream_error"),
    WireFault.NON_ASCII_LENGTH: (502, "upstream_error"),
    WireFault.NEGATIVE_CHUNK: (502, "upstream_error"),
    WireFault.CUT_SHORT: (502, "upstream_error"),
    WireFault.HEAD_TOO_LONG: (502, "upstream_error"),
    Fault.PUBLISHER_NOT_REGISTERED: (502, "upstream_error"),
    Fault.INSUFFICIENT_PERMISSIONS: (502, "upstream_error"),
    Fault.INVALID_APP_KEY: (502, "upstream_error"),
    CONNECTION_REFUSED: (502, "upstream_error"),
}
# An Advanced API method the app is not granted is the owner's to fix, not an outage.
PERMISSION_EXPECTED = {
    route: (403, "permission_required") for route in ("hot", "similar", "shipping", "variants")
}
# "No result" is not an error: empty lists, except where one product was asked about.
EMPTY_EXPECTED = {route: (200, None) for route in ROUTES} | {
    route: (404, "not_found") for route in ("product", "shipping", "variants")
}


@dataclass(frozen=True)
class Cell:
    route: str
    fault: str
    status: int
    code: str | None
    retry_after: str | None
    elapsed_ms: float
    expected: tuple[int, str | None]
    follow_ups_own: bool = True  # after a wire fault: the next requests got their own answers

    @property
    def ok(self) -> bool:
        rate_limit_ok = self.status != 429 or self.retry_after is not None
        within = self.elapsed_ms < (DEADLINE + 0.5) * 1000
        expected = (self.status, self.code) == self.expected
        return expected and rate_limit_ok and within and self.follow_ups_own

    def label(self) -> str:
        mark = "ok" if self.ok else "WRONG"
        if not self.follow_ups_own:
            mark += " (next answers desynced)"
        return f"{self.status} {self.code or ''}".strip() + f" {mark}"


@contextmanager
def configured_env(api_url: str | None = None) -> Iterator[None]:
    values = {
        "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
        "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
        "ALIEXPRESS_TRACKING_ID": "fault_matrix",
        "OWNER_API_KEY": OWNER_KEY,
    }
    if api_url:
        values["ALIEXPRESS_API_URL"] = api_url
    saved = {
        name: os.environ.get(name) for name in {*values, "ALIEXPRESS_API_URL", "PROXY_API_KEY"}
    }
    os.environ.pop("PROXY_API_KEY", None)
    os.environ.pop("ALIEXPRESS_API_URL", None)
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/sync"  # nothing listens there


async def _request(
    provider: ClientProvider, function: str, path: str
) -> tuple[httpx.Response, float]:
    app = importlib.import_module(f"api.{function}").app
    app.dependency_overrides[get_client_provider] = lambda: provider
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://matrix") as client:
            started = time.perf_counter()
            response = await client.get(path, headers={"authorization": f"Bearer {OWNER_KEY}"})
            return response, (time.perf_counter() - started) * 1000
    finally:
        app.dependency_overrides.clear()


async def run_fault_matrix() -> list[Cell]:
    cells = []
    for fault in FAULTS:
        for route, (function, template) in ROUTES.items():
            gateway = FakeGateway(slow_seconds=30)
            path = template.format(id=gateway.catalog.products[0]["product_id"])
            if fault in WireFault.__members__.values():
                cells.append(await _wire_cell(gateway, WireFault(fault), route, function, path))
                continue
            if fault == CONNECTION_REFUSED:
                provider = ClientProvider(**CLIENT_OPTIONS)
                env = configured_env(closed_port_url())
            else:
                gateway.faults.inject(fault, times=None)
                provider = ClientProvider(gateway_transport(gateway), **CLIENT_OPTIONS)
                env = configured_env()
            with env:
                response, elapsed = await _request(provider, function, path)
            cells.append(_cell(route, fault, response, elapsed))
    return cells


async def _wire_cell(
    gateway: FakeGateway, fault: WireFault, route: str, function: str, path: str
) -> Cell:
    """The fault on every attempt of one request, then clean requests on the same client."""
    wire = WireGateway(gateway)
    provider = ClientProvider(**CLIENT_OPTIONS)  # the real transport, over loopback
    async with wire.serve() as url:
        with configured_env(url):
            wire.faults.inject(fault, times=None)
            response, elapsed = await _request(provider, function, path)
            wire.faults.clear()
            own = True
            for product in gateway.catalog.products[1 : 1 + FOLLOW_UPS]:
                wanted = str(product["product_id"])
                answer, _ = await _request(provider, "products", f"/api/products/{wanted}")
                own = own and answer.status_code == 200 and answer.json()["id"] == wanted
    return _cell(route, fault, response, elapsed, follow_ups_own=own)


def _cell(
    route: str, fault: str, response: httpx.Response, elapsed: float, follow_ups_own: bool = True
) -> Cell:
    body = json.loads(response.text)
    code = body["error"]["code"] if isinstance(body, dict) and "error" in body else None
    if fault == Fault.EMPTY:
        expected = EMPTY_EXPECTED[route]
    elif fault == Fault.INSUFFICIENT_PERMISSIONS:
        expected = PERMISSION_EXPECTED.get(route, EXPECTED[fault])
    else:
        expected = EXPECTED[fault]
    return Cell(
        route,
        fault,
        response.status_code,
        code,
        response.headers.get("retry-after"),
        round(elapsed, 1),
        expected,
        follow_ups_own,
    )


def render_matrix(cells: list[Cell]) -> str:
    routes = list(ROUTES)
    lines = ["| fault | " + " | ".join(routes) + " |", "|---" * (len(routes) + 1) + "|"]
    for fault in FAULTS:
        row = {c.route: c for c in cells if c.fault == fault}
        lines.append(f"| {fault} | " + " | ".join(row[r].label() for r in routes) + " |")
    slowest = max(cells, key=lambda c: c.elapsed_ms)
    lines.append("")
    lines.append(
        f"{len(cells)} cells, {sum(not c.ok for c in cells)} wrong, no 500: "
        f"{all(c.status != 500 for c in cells)}; slowest answer {slowest.elapsed_ms:.0f} ms "
        f"({slowest.fault} on {slowest.route}) with a {DEADLINE:.1f} s client deadline."
    )
    return "\n".join(lines)
