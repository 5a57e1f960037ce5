"""Per-client rate limit and the upstream call budget, through the functions: in-process
and on a real redis-server. 429 ``rate_limited`` with ``Retry-After`` in the envelope;
never for the owner's routes."""

from __future__ import annotations

import uuid

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.redis_server import RedisServer
from lib.shared.limits import BAN_KEY
from tests.api.conftest import FULL_CONFIG, Caller, assert_error

pytestmark = pytest.mark.anyio
SEARCH = "/api/products/search?q=lamp"


def shopper() -> dict[str, str]:
    """A client IP of its own (Vercel's x-forwarded-for), so counts never mix."""
    return {"x-forwarded-for": f"203.0.113.{uuid.uuid4().int % 250}, 10.0.0.1", "x-real-ip": "x"}


ORDINARY_PRODUCTS = ("1005006100402689", "1005006108357583", "1005006109182901")


@pytest.fixture(params=["in-process", "redis"])
def shared(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "in-process":
        return {}
    server: RedisServer = request.getfixturevalue("redis")
    return {"REDIS_URL": server.url}


async def test_a_client_over_its_rate_gets_429_with_retry_after(
    call: Caller, env, shared: dict[str, str]
) -> None:
    env(**FULL_CONFIG, **shared, RATE_LIMIT_PER_MINUTE="3")
    headers = {"x-forwarded-for": f"198.51.100.{uuid.uuid4().int % 250}"}
    statuses = [(await call("products", SEARCH, headers=headers)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = await call("categories", "/api/categories", headers=headers)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert "RATE_LIMIT_PER_MINUTE" in response.json()["error"]["message"]
    # Another client is not affected.
    assert (await call("products", SEARCH, headers=shopper())).status_code == 200


async def test_owner_routes_are_never_rate_limited(call: Caller, env) -> None:
    env(**FULL_CONFIG, OWNER_API_KEY="owner-key", RATE_LIMIT_PER_MINUTE="1")
    headers = {**shopper(), "authorization": "Bearer owner-key"}
    orders = "/api/orders?start=2026-01-01&end=2026-01-02"
    for _ in range(3):
        assert (await call("orders", orders, headers=headers)).status_code == 200
        assert (await call("health", "/health", headers=headers)).status_code == 200


async def test_no_limit_without_rate_limit_per_minute(call: Caller, env) -> None:
    env(**FULL_CONFIG)
    headers = shopper()
    for _ in range(5):
        assert (await call("products", SEARCH, headers=headers)).status_code == 200


async def test_the_rate_is_shared_by_instances_through_redis(
    call: Caller, env, redis: RedisServer
) -> None:
    from lib.shared.limits import ClientRateLimit
    from lib.shared.redis_link import RedisLink

    first = ClientRateLimit(2, RedisLink(redis.url))
    second = ClientRateLimit(2, RedisLink(redis.url))
    assert [await first.hit("198.51.100.7"), await second.hit("198.51.100.7")] == [None, None]
    assert await second.hit("198.51.100.7") is not None
    assert "198.51.100.7" not in str(redis.admin().keys("*"))  # hashed, never the IP


async def test_the_day_budget_answers_429_before_aliexpress_would(
    call: Caller, env, gateway: FakeGateway, shared: dict[str, str]
) -> None:
    env(**FULL_CONFIG, **shared, UPSTREAM_CALLS_PER_DAY="2")
    # Products that are not hot: one upstream call each (a hot one adds its link's call).
    first, second, third = ORDINARY_PRODUCTS
    for product_id in (first, second):
        assert (await call("products", f"/api/products/{product_id}")).status_code == 200
    before = len(gateway.calls)
    response = await call("products", f"/api/products/{third}")
    assert_error(response, 429, "rate_limited")
    assert "UPSTREAM_CALLS_PER_DAY" in response.json()["error"]["message"]
    assert int(response.headers["retry-after"]) >= 1
    assert len(gateway.calls) == before  # not called
    # A cached answer is still served: the budget counts upstream calls only.
    assert (await call("products", f"/api/products/{first}")).status_code == 200


async def test_the_second_budget_refuses_a_burst(
    call: Caller, env, gateway: FakeGateway, shared: dict[str, str]
) -> None:
    env(**FULL_CONFIG, **shared, UPSTREAM_CALLS_PER_SECOND="1")
    statuses = [
        (await call("products", f"/api/products/search?q=burst{n}")).status_code for n in range(4)
    ]
    assert 429 in statuses and statuses[0] == 200
    assert len(gateway.calls) < 4


async def test_an_aliexpress_ban_stops_every_instance_until_it_ends(
    call: Caller, env, gateway: FakeGateway, redis: RedisServer
) -> None:
    env(**FULL_CONFIG, REDIS_URL=redis.url)
    gateway.faults.inject(Fault.HUGE_BAN, times=1)  # "ban will last 999... seconds": a day
    response = await call("products", "/api/products/search?q=ban")
    assert_error(response, 429, "rate_limited")
    assert 0 < redis.admin().ttl(BAN_KEY) <= 86_400
    # Another instance (a fresh budget, same Redis) does not call AliExpress.
    from lib.shared.limits import UpstreamBudget
    from lib.shared.redis_link import RedisLink

    why, wait = await UpstreamBudget(link=RedisLink(redis.url)).spend()
    assert why == "banned" and wait > 80_000
    before = len(gateway.calls)
    response = await call("categories", "/api/categories")
    assert_error(response, 429, "rate_limited")
    assert "ApiCallLimit" in response.json()["error"]["message"]
    assert len(gateway.calls) == before
    redis.admin().delete(BAN_KEY)  # the ban ends
    assert await UpstreamBudget(link=RedisLink(redis.url)).spend() is None


async def test_a_short_ban_is_waited_out_and_retried(
    call: Caller, env, gateway: FakeGateway, shared: dict[str, str]
) -> None:
    env(**FULL_CONFIG, **shared)
    gateway.faults.inject(Fault.API_CALL_LIMIT, times=1)  # "ban will last 1 seconds"
    assert (await call("products", "/api/products/search?q=retry")).status_code == 200
