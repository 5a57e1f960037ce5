"""Health reports the shared-state mode; ``?deep=1`` pings Redis: ok, or degraded with
the kind of failure (never the URL or the password)."""

from __future__ import annotations

import pytest

from devtools.redis_server import RedisServer
from tests.api.conftest import FULL_CONFIG, Caller

pytestmark = pytest.mark.anyio


async def test_health_says_in_process_without_redis_url(call: Caller, env) -> None:
    env(**FULL_CONFIG)
    body = (await call("health", "/health")).json()
    assert body["shared_state"] == "in-process"
    assert "redis" not in (await call("health", "/health?deep=1")).json()


async def test_deep_health_pings_redis(call: Caller, env, redis: RedisServer) -> None:
    env(**FULL_CONFIG, REDIS_URL=redis.url)
    body = (await call("health", "/health?deep=1")).json()
    assert (body["shared_state"], body["redis"]) == ("redis", "ok")


async def test_deep_health_reports_a_wrong_password_without_it(
    call: Caller, env, start_redis
) -> None:
    server = start_redis(requirepass="right-password")
    env(**FULL_CONFIG, REDIS_URL=f"redis://:wrong-password@127.0.0.1:{server.port}/0")
    response = await call("health", "/health?deep=1")
    body = response.json()
    assert response.status_code == 200
    assert body["redis"] == "degraded"
    assert body["redis_reason"] == "authentication failed (check REDIS_URL's password)"
    assert "wrong-password" not in response.text and str(server.port) not in response.text


async def test_deep_health_reports_a_redis_that_is_down(call: Caller, env, redis) -> None:
    redis.kill()
    env(**FULL_CONFIG, REDIS_URL=redis.url)
    body = (await call("health", "/health?deep=1")).json()
    assert (body["redis"], body["redis_reason"]) == ("degraded", "connection failed")


async def test_a_bad_redis_url_is_reported_not_crashed(call: Caller, env) -> None:
    env(**FULL_CONFIG, REDIS_URL="localhost:6379")
    body = (await call("health", "/health?deep=1")).json()
    assert body["shared_state"] == "in-process"
    assert body["problems"][0].startswith("REDIS_URL must start with redis://")
    assert "localhost:6379" not in str(body)
