"""CDN headers and the in-process cache; cached data never reaches a failed-auth caller."""

from __future__ import annotations

import json

import pytest

from devtools.fake_gateway import FakeGateway
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller, assert_error

pytestmark = pytest.mark.anyio
SEARCH = "/api/products/search?q=phone+case"


async def test_public_cdn_caching_without_an_api_key(call: Caller, configured: None) -> None:
    response = await call("products", SEARCH)
    assert response.headers["cache-control"] == (
        "public, max-age=0, s-maxage=300, stale-while-revalidate=600"
    )


async def test_errors_are_never_cached(call: Caller, configured: None) -> None:
    response = await call("products", "/api/products/search")
    assert response.status_code == 422
    assert response.headers["cache-control"] == "no-store"


async def test_private_answers_with_an_api_key(call: Caller, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    response = await call("products", SEARCH, headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"


async def test_cached_data_never_reaches_a_caller_who_failed_auth(
    call: Caller, env, gateway: FakeGateway
) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    good = {"Authorization": f"Bearer {API_KEY}"}
    warm = await call("products", SEARCH, headers=good)
    assert warm.status_code == 200
    title = warm.json()["products"][0]["title"]
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": API_KEY}):
        response = await call("products", SEARCH, headers=headers)
        assert_error(response, 401, "unauthorized")
        assert title not in response.text
        assert response.headers["cache-control"] == "no-store"
    assert (await call("products", SEARCH, headers=good)).json()["products"][0]["title"] == title
    assert len(gateway.calls) == 1  # the second authorised call was a cache hit


async def test_log_line_says_hit_or_miss(call: Caller, configured: None, capsys) -> None:
    capsys.readouterr()
    await call("categories", "/api/categories")
    await call("categories", "/api/categories?parent_id=509")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["cache"] for line in lines] == ["miss", "hit"]
    assert lines[1]["upstream_attempts"] == 0
