"""Shared fixtures: the fake gateway and a real client wired to it in-process."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.httpx_transport import gateway_transport
from devtools.redis_server import RedisServer, redis_server, redis_server_missing
from lib.aliexpress.client import AliExpressClient, RetryPolicy
from tests import leak_scan

TRACKING_ID = "gpt_proxy_test"
ROOT = Path(__file__).resolve().parents[1]


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` in the project root
    (no ALIEXPRESS_* or other configuration in its environment)."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def load_function(name: str) -> str:
    """Code that loads api/<name>.py (or api/<name>/index.py) by file path, as Vercel's
    runtime does."""
    from devtools.vercel_routes import function_entrypoint, function_module

    return (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('{function_module(name)}', "
        f"'{function_entrypoint(name).as_posix()}')\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
    )


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
            "transport": gateway_transport(gateway),
            "deadline": 2.0,
            "attempt_timeout": 1.0,
            "retry": RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05),
        }
        options.update(overrides)
        return AliExpressClient(**options)  # type: ignore[arg-type]

    return make


# -- the secret scan over the whole run (tests/leak_scan.py) ---------------------------


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, text in report.sections:
        leak_scan.record_log(f"{report.nodeid} [{name}]", text)


@pytest.fixture(scope="session", autouse=True)
def _record_http_responses() -> Iterator[None]:
    """Record every response httpx receives in this process (observation only)."""
    import httpx2  # the MCP SDK's HTTP client

    def keep(response: httpx.Response | httpx2.Response) -> httpx.Response | httpx2.Response:
        try:
            body = response.text
        except (httpx.ResponseNotRead, httpx2.ResponseNotRead):  # streamed, never read
            body = ""
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        leak_scan.record(f"response {response.request.url.path}", headers + "\n" + body)
        if response.request.url.path.startswith("/api/orders") and response.is_success:
            leak_scan.record_order_amounts(json.loads(body))
        return response

    def recording(send):  # wraps httpx's and httpx2's send alike
        if inspect.iscoroutinefunction(send):

            async def recording_async_send(self, request, **kwargs):
                return keep(await send(self, request, **kwargs))

            return recording_async_send

        def recording_send(self, request, **kwargs):
            return keep(send(self, request, **kwargs))

        return recording_send

    from devtools.vercel_probes import LOG_OBSERVERS, OUTPUT_OBSERVERS

    OUTPUT_OBSERVERS.append(lambda text: leak_scan.record("function process output", text))
    LOG_OBSERVERS.append(lambda text: leak_scan.LOGS.append(("function process log", text)))
    with pytest.MonkeyPatch.context() as patch:
        for client in (httpx.AsyncClient, httpx.Client, httpx2.AsyncClient):
            patch.setattr(client, "send", recording(client.send))
        yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = leak_scan.find_leaks(leak_scan.RECORDED, leak_scan.secrets())
    leaks += [f"order amount in a log: {leak}" for leak in leak_scan.logged_amounts()]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"secret scan: {len(leak_scan.RECORDED)} outputs checked against "
            f"{len(leak_scan.secrets())} secrets and signatures, {len(leak_scan.LOGS)} logs "
            f"against {len(leak_scan.ORDER_AMOUNTS)} order amounts, {len(leaks)} leaks"
        )
        for leak in leaks[:20]:
            reporter.write_line(f"  LEAK {leak}", red=True)
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- a real Redis: Debian's redis-server on a free loopback port --------------------------
# Without /usr/bin/redis-server these fail when CI is set (.ci/run installs it) and skip
# otherwise, as the browser tests do with chromium.


def _require_redis_server() -> None:
    missing = redis_server_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"Redis tests cannot run in CI: {missing}")
        pytest.skip(missing)


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    _require_redis_server()
    with redis_server() as server:
        yield server


@pytest.fixture
def start_redis() -> Iterator[Callable[..., RedisServer]]:
    """Start servers with options (``requirepass=...``, ``maxmemory=...``)."""
    _require_redis_server()
    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(redis_server(**options))
