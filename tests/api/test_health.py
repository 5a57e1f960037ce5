"""api/health.py: mode, version, config presence, deep check; always loads, always 200."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.fake_gateway.server import serve_in_thread
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller, assert_error
from tests.conftest import load_function, modules_after

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/api/health", "/health", "/health/"])
async def test_health_answers_on_canonical_and_alias_paths(call: Caller, env, path: str) -> None:
    env(**FULL_CONFIG, VERCEL_GIT_COMMIT_SHA="abc123", VERCEL_REGION="sin1")
    response = await call("health", path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["mode"] == "live"
    assert (body["version"], body["region"]) == ("abc123", "sin1")
    assert body["config"]["ALIEXPRESS_APP_SECRET"] is True
    assert response.headers["cache-control"] == "no-store"


async def test_unconfigured_health_reports_missing_names_only(call: Caller, env) -> None:
    env()
    response = await call("health", "/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "unconfigured"
    assert body["version"] == "dev"
    assert body["missing"] == ["ALIEXPRESS_APP_KEY", "ALIEXPRESS_APP_SECRET"]
    assert set(body["config"].values()) == {False}


async def test_demo_mode_when_the_dev_server_serves_the_fake(call: Caller, env) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_DEMO_GATEWAY="1")
    assert (await call("health", "/health")).json()["mode"] == "demo"


async def test_bad_sign_method_is_reported_not_crashed(call: Caller, env) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_SIGN_METHOD="sha1")
    body = (await call("health", "/health")).json()
    assert body["mode"] == "unconfigured"
    assert body["problems"] == ["ALIEXPRESS_SIGN_METHOD must be sha256 or md5."]


async def test_deep_check_signs_a_real_call(call: Caller, env, gateway: FakeGateway) -> None:
    with serve_in_thread(gateway) as url:
        env(**FULL_CONFIG, ALIEXPRESS_API_URL=url, ALIEXPRESS_SIGN_METHOD="md5")
        body = (await call("health", "/api/health?deep=1")).json()
    assert body["status"] == "ok"
    assert body["upstream"]["ok"] is True
    assert body["upstream"]["latency_ms"] > 0
    assert gateway.calls[-1]["sign_method"] == "md5"


async def test_deep_check_reports_a_wrong_secret(call: Caller, env, gateway: FakeGateway) -> None:
    with serve_in_thread(gateway) as url:
        env(**{**FULL_CONFIG, "ALIEXPRESS_APP_SECRET": "wrong"}, ALIEXPRESS_API_URL=url)
        body = (await call("health", "/api/health?deep=1")).json()
    assert body["status"] == "degraded"
    assert body["upstream"]["ok"] is False
    assert "IncompleteSignature" in body["upstream"]["error"]["message"]
    assert "wrong" not in str(body)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault.PUBLISHER_NOT_REGISTERED, "portals.aliexpress.com"),
        (Fault.INVALID_APP_KEY, "check ALIEXPRESS_APP_KEY"),
        (Fault.INCOMPLETE_SIGNATURE, "ALIEXPRESS_SIGN_METHOD (sha256, the default, or md5)"),
    ],
)
async def test_deep_check_gives_the_owner_the_same_diagnosis(
    call: Caller, env, gateway: FakeGateway, fault: Fault, says: str
) -> None:
    gateway.faults.inject(fault, times=None)
    with serve_in_thread(gateway) as url:
        env(**FULL_CONFIG, ALIEXPRESS_API_URL=url)
        body = (await call("health", "/api/health?deep=1")).json()
    assert body["status"] == "degraded"
    assert body["upstream"]["error"]["code"] == "upstream_error"
    assert says in body["upstream"]["error"]["message"]


async def test_deep_check_unconfigured(call: Caller, env) -> None:
    env()
    body = (await call("health", "/health?deep=1")).json()
    assert body["upstream"]["error"]["code"] == "not_configured"
    assert "ALIEXPRESS_APP_KEY, ALIEXPRESS_APP_SECRET" in body["upstream"]["error"]["message"]


async def test_deep_check_names_the_problems_when_credentials_are_set(call: Caller, env) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_SIGN_METHOD="sha1", ALIEXPRESS_API_URL="ftp://gateway")
    body = (await call("health", "/health?deep=1")).json()
    assert body["mode"] == "unconfigured"
    error = body["upstream"]["error"]
    assert error["code"] == "not_configured"
    assert "Credentials" not in error["message"]  # they are set: the problems are the news
    for problem in body["problems"]:
        assert problem in error["message"]
    assert len(body["problems"]) == 2


async def test_partial_credentials_are_reported_not_replaced(call: Caller, env) -> None:
    env(ALIEXPRESS_APP_KEY=FULL_CONFIG["ALIEXPRESS_APP_KEY"])
    body = (await call("health", "/health")).json()
    assert body["mode"] == "unconfigured"
    assert body["missing"] == ["ALIEXPRESS_APP_SECRET"]
    assert body["config"]["ALIEXPRESS_APP_KEY"] is True


async def test_http_public_base_url_is_a_problem_data_routes_keep_working(
    call: Caller, env
) -> None:
    env(**FULL_CONFIG, PUBLIC_BASE_URL="http://proxy.example.com")
    body = (await call("health", "/health")).json()
    assert body["mode"] == "live"
    assert [p.split(" ")[0] for p in body["problems"]] == ["PUBLIC_BASE_URL"]
    assert "https" in body["problems"][0]
    assert (await call("products", "/api/products/search?q=case")).status_code == 200


async def test_missing_tracking_id_is_a_warning_naming_what_stops(call: Caller, env) -> None:
    env(**{k: v for k, v in FULL_CONFIG.items() if k != "ALIEXPRESS_TRACKING_ID"})
    body = (await call("health", "/health")).json()
    assert (body["status"], body["mode"], body["problems"]) == ("ok", "live", [])
    (warning,) = body["warnings"]
    assert "ALIEXPRESS_TRACKING_ID" in warning and "/api/links" in warning
    assert_error(
        await call("links", "/api/links?url=https://www.aliexpress.com/item/1.html"),
        503,
        "not_configured",
    )


async def test_complete_configuration_has_no_warnings(call: Caller, env) -> None:
    env(**FULL_CONFIG)
    body = (await call("health", "/health")).json()
    assert (body["missing"], body["problems"], body["warnings"]) == ([], [], [])


async def test_deep_check_needs_the_key_basic_health_does_not(call: Caller, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    assert (await call("health", "/health")).status_code == 200
    assert_error(await call("health", "/health?deep=1"), 401, "unauthorized")


async def test_health_rejects_other_methods(apps) -> None:
    import httpx

    transport = httpx.ASGITransport(app=apps["health"])
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/api/health")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, HEAD"


def test_health_imports_no_fastapi_httpx_or_pydantic() -> None:
    heavy = {"fastapi", "httpx", "pydantic", "starlette"}
    assert heavy & modules_after(load_function("health")) == set()


async def test_bad_request_defaults_are_reported_by_name(call: Caller, env) -> None:
    env(
        **FULL_CONFIG,
        ALIEXPRESS_CURRENCY="XXX",
        ALIEXPRESS_LANGUAGE="klingon",
        ALIEXPRESS_SHIP_TO="usa",
    )
    body = (await call("health", "/health")).json()
    assert body["mode"] == "unconfigured"
    assert [p.split(" ")[0] for p in body["problems"]] == [
        "ALIEXPRESS_CURRENCY",
        "ALIEXPRESS_LANGUAGE",
        "ALIEXPRESS_SHIP_TO",
    ]
    assert "XXX" not in str(body["problems"])  # names, never values
