"""api/openapi_gpt.py: the spec a GPT editor imports, patched per deployment."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate

from devtools.gpt_action_lint import lint
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller
from tests.conftest import load_function, modules_after

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
GPT_OPERATIONS = {
    "searchProducts",
    "listHotProducts",
    "getProduct",
    "getProducts",
    "createAffiliateLinks",
    "listCategories",
    "listPromotions",
    "listPromotionProducts",
    "listSimilarProducts",
    "getShipping",
    "getVariants",
}


def operation_ids(spec: dict) -> set[str]:
    return {op["operationId"] for item in spec["paths"].values() for op in item.values()}


@pytest.mark.parametrize("path", ["/openapi-gpt.json", "/api/openapi_gpt"])
async def test_spec_on_both_paths(call: Caller, env, path: str) -> None:
    env(**FULL_CONFIG, PUBLIC_BASE_URL="https://shop-helper.example.com/")
    response = await call("openapi_gpt", path)
    assert response.status_code == 200
    assert "s-maxage" in response.headers["cache-control"]
    spec = response.json()
    # The GPT channel's entrance: a GPT's links carry ALIEXPRESS_TRACKING_ID_GPT.
    assert spec["servers"] == [{"url": "https://shop-helper.example.com/gpt"}]
    assert operation_ids(spec) == GPT_OPERATIONS


@pytest.mark.parametrize("api_key", [None, API_KEY])
async def test_served_spec_passes_the_gpt_rules_and_the_validator(
    call: Caller, env, api_key: str | None
) -> None:
    extra = {"PROXY_API_KEY": api_key} if api_key else {}
    env(**FULL_CONFIG, VERCEL_PROJECT_PRODUCTION_URL="aliexpress-gpt.vercel.app", **extra)
    spec = (await call("openapi_gpt", "/openapi-gpt.json")).json()
    assert spec["servers"] == [{"url": "https://aliexpress-gpt.vercel.app/gpt"}]
    assert lint(spec) == []
    validate(spec)
    schemes = spec["components"].get("securitySchemes", {})
    operations = [op for item in spec["paths"].values() for op in item.values()]
    if api_key:
        assert schemes == {
            "ProxyApiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": schemes["ProxyApiKey"]["description"],
            }
        }
        assert all(op["security"] == [{"ProxyApiKey": []}] for op in operations)
    else:
        assert schemes == {}
        assert all("security" not in op for op in operations)
    assert API_KEY not in str(spec)


async def test_server_falls_back_to_the_forwarded_host(call: Caller, env) -> None:
    env(**FULL_CONFIG)
    response = await call(
        "openapi_gpt",
        "/openapi-gpt.json",
        headers={"x-forwarded-host": "preview-abc.vercel.app", "x-forwarded-proto": "https"},
    )
    assert response.json()["servers"] == [{"url": "https://preview-abc.vercel.app/gpt"}]


async def test_hostile_host_header_is_not_echoed(call: Caller, env) -> None:
    env(**FULL_CONFIG)
    response = await call(
        "openapi_gpt", "/openapi-gpt.json", headers={"x-forwarded-host": 'evil.example/"><script>'}
    )
    assert response.json()["servers"] == [{"url": "https://localhost/gpt"}]


async def test_spec_is_served_even_unconfigured(call: Caller, env) -> None:
    env()
    assert (await call("openapi_gpt", "/openapi-gpt.json")).status_code == 200


def test_spec_function_imports_no_fastapi() -> None:
    heavy = {"fastapi", "httpx", "pydantic", "starlette", "api.products"}
    assert heavy & modules_after(load_function("openapi_gpt")) == set()
