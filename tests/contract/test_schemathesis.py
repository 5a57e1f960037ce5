"""Contract fuzzing: schemathesis, driven by the served GPT spec, against every data
function (routed as on Vercel by the dev server's router, in-process), with the fake
gateway behind them. Every response must conform to the spec; none may be a 5xx.

Schemathesis's pytest plugin does not run under pytest 9, so each operation's
Hypothesis strategy is driven here directly; the checks are schemathesis's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.server import serve_in_thread
from devtools.gpt_spec import SPEC_FILE
from devtools.server import DevServer
from lib.config import get_settings

pytestmark = pytest.mark.slow
MAX_EXAMPLES = 40  # per operation and generation mode
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
OPERATIONS = [
    (path, method.upper(), mode)
    for path, item in json.loads(SPEC_FILE.read_text())["paths"].items()
    for method, operation in item.items()
    for mode in schemathesis.GenerationMode
    # An operation without parameters (listPromotions) has no invalid request to generate.
    if operation.get("parameters") or mode is not schemathesis.GenerationMode.NEGATIVE
]
CHECKED: dict[str, int] = {}


@pytest.fixture(scope="module")
def api_schema() -> Iterator[schemathesis.schemas.BaseSchema]:
    with pytest.MonkeyPatch.context() as patch, serve_in_thread(FakeGateway()) as url:
        for name, value in {
            "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
            "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
            "ALIEXPRESS_TRACKING_ID": "fuzz",
            "ALIEXPRESS_API_URL": url,
            "PUBLIC_BASE_URL": "http://testserver",
        }.items():
            patch.setenv(name, value)
        patch.delenv("PROXY_API_KEY", raising=False)
        get_settings.cache_clear()
        yield schemathesis.openapi.from_asgi("/openapi-gpt.json", DevServer())
    get_settings.cache_clear()
    print(f"\nschemathesis: {sum(CHECKED.values())} generated requests checked: {CHECKED}")


@pytest.mark.parametrize(
    ("path", "method", "mode"), OPERATIONS, ids=[f"{p}-{m}-{g}" for p, m, g in OPERATIONS]
)
def test_every_response_conforms_and_none_is_a_5xx(
    api_schema: schemathesis.schemas.BaseSchema,
    path: str,
    method: str,
    mode: schemathesis.GenerationMode,
) -> None:
    operation = api_schema[path][method]
    label = f"{method} {path} ({mode.value})"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: schemathesis.Case) -> None:
        CHECKED[label] = CHECKED.get(label, 0) + 1
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        assert response.headers.get("x-request-id")

    run()
    assert CHECKED[label] > 0
