"""Every api/*.py loads and serves under Vercel's own runtime (vercel_runtime.vc_init).

Each function runs in a fresh Python 3.12 process with the entrypoint variables
the Vercel build writes, and is called through ``vc_handler`` - with full
configuration (fake gateway on loopback behind it), with an empty environment,
and with PROXY_API_KEY set. Fixtures show the harness catches broken functions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.catalog import Catalog
from devtools.fake_gateway.server import serve_in_thread
from devtools.fake_gateway.short_links import asked_in
from devtools.vercel_probes import (
    OUTPUT_OBSERVERS,
    SHORT_LINK_DOUBLE,
    Probe,
    auth_probes,
    configured_probes,
    owner_probes,
    run_probes,
    short_link_probes,
    source_invoker,
    unconfigured_probes,
)
from devtools.vercel_routes import function_names
from lib.aliexpress.shortlinks import HOP_HOSTS
from tests.leak_scan import API_KEYS, OWNER_KEYS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.slow

# Only what a process needs to run; no ALIEXPRESS_* or PROXY_* from the caller.
BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    with serve_in_thread(FakeGateway()) as url:
        yield url


def full_env(gateway_url: str, **extra: str) -> dict[str, str]:
    return {
        **BASE_ENV,
        "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
        "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
        "ALIEXPRESS_TRACKING_ID": "runtime_test",
        "ALIEXPRESS_API_URL": gateway_url,
        **extra,
    }


def product_id() -> str:
    return str(Catalog.load().products[0]["product_id"])


def test_every_api_file_is_probed() -> None:
    probed = {p.function for p in configured_probes("1") + unconfigured_probes()}
    assert set(function_names()) == probed


def test_every_function_serves_with_full_configuration(gateway_url: str) -> None:
    invoke = source_invoker(ROOT, full_env(gateway_url))
    assert run_probes(invoke, configured_probes(product_id())) == []


def test_pasted_short_links_under_the_runtime(gateway_url: str) -> None:
    """The resolver's network is the fake short-link hosts, set up in the function's
    process before it loads (no environment variable); it logs every URL it is asked."""
    outputs: list[str] = []
    OUTPUT_OBSERVERS.append(outputs.append)
    try:
        invoke = source_invoker(ROOT, full_env(gateway_url), setup=SHORT_LINK_DOUBLE)
        assert run_probes(invoke, short_link_probes()) == []
    finally:
        OUTPUT_OBSERVERS.remove(outputs.append)
    asked = [url for output in outputs for url in asked_in(output)]
    assert "https://a.aliexpress.com/_DemoCase" in asked
    assert "https://s.click.aliexpress.com/e/_DemoDeal2" in asked  # a second, checked hop
    assert {urlsplit(url).hostname for url in asked} <= HOP_HOSTS
    assert not any("example.com" in url or url.startswith("http:") for url in asked)


def test_every_function_loads_with_an_empty_environment() -> None:
    assert run_probes(source_invoker(ROOT, BASE_ENV), unconfigured_probes()) == []


def test_bearer_auth_under_the_runtime(gateway_url: str) -> None:
    env = full_env(gateway_url, PROXY_API_KEY=API_KEYS[1])
    assert run_probes(source_invoker(ROOT, env), auth_probes(API_KEYS[1])) == []


def test_owner_routes_under_the_runtime(gateway_url: str) -> None:
    """Orders against the fake gateway: only the owner key opens them, the proxy key never."""
    env = full_env(gateway_url, PROXY_API_KEY=API_KEYS[1], OWNER_API_KEY=OWNER_KEYS[1])
    assert run_probes(source_invoker(ROOT, env), owner_probes(OWNER_KEYS[1], API_KEYS[1])) == []


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("raises_on_import", 'could not import "api/raises_on_import.py"'),
        ("handler_only", 'missing variable "app"'),
        ("no_app", 'missing variable "app"'),
    ],
)
def test_the_harness_reports_broken_functions(fixture: str, reason: str) -> None:
    env = {**BASE_ENV, "PYTHONPATH": str(ROOT)}
    failures = run_probes(source_invoker(FIXTURES, env), [Probe(fixture, "/", 200)])
    assert len(failures) == 1
    assert failures[0].startswith(f"{fixture}: exit 1")
    assert reason in failures[0]


def test_the_harness_reports_a_wrong_answer(gateway_url: str) -> None:
    probe = Probe("health", "/health", 200, expect={"mode": "live"})
    failures = run_probes(source_invoker(ROOT, BASE_ENV), [probe])
    assert failures == ["health GET /health: mode='unconfigured', expected 'live'"]
