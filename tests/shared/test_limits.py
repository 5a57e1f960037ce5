"""lib/shared/limits.py: fixed windows that end on time, in-process and on a real
redis-server, and a ban that outlives the instance that received it."""

from __future__ import annotations

import pytest

from devtools.redis_server import RedisServer
from lib.shared.limits import BAN_KEY, ClientRateLimit, UpstreamBudget
from lib.shared.redis_link import RedisLink

pytestmark = pytest.mark.anyio
MINUTE_START = 1_800_000_000 // 60 * 60  # a clock minute's first second


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["in-process", "redis"])
def link(request: pytest.FixtureRequest) -> RedisLink | None:
    if request.param == "in-process":
        return None
    server: RedisServer = request.getfixturevalue("redis")
    return RedisLink(server.url)


async def test_a_client_window_ends_with_the_clock_minute(link: RedisLink | None) -> None:
    clock = Clock(MINUTE_START + 45.5)
    limit = ClientRateLimit(2, link, clock)
    assert [await limit.hit("192.0.2.1") for _ in range(2)] == [None, None]
    assert await limit.hit("192.0.2.1") == 15  # Retry-After: what is left of the minute
    assert await limit.hit("192.0.2.2") is None  # clients are counted apart
    clock.now = MINUTE_START + 60
    assert await limit.hit("192.0.2.1") is None


async def test_the_second_budget_ends_with_the_second(link: RedisLink | None) -> None:
    clock = Clock(MINUTE_START + 0.2)
    budget = UpstreamBudget(per_second=2, link=link, clock=clock)
    assert [await budget.spend() for _ in range(3)] == [None, None, ("per_second", 1)]
    clock.now += 1
    assert await budget.spend() is None


async def test_the_day_budget_waits_until_utc_midnight(link: RedisLink | None) -> None:
    day_end = (MINUTE_START // 86_400 + 1) * 86_400
    clock = Clock(day_end - 3600)
    budget = UpstreamBudget(per_day=1, link=link, clock=clock)
    assert await budget.spend() is None
    assert await budget.spend() == ("per_day", 3600)
    assert await budget.spend() == ("per_day", 3600)  # refusals are not counted
    clock.now = day_end + 1
    assert await budget.spend() is None


async def test_a_ban_is_honoured_by_the_instance_that_received_it(link: RedisLink | None) -> None:
    clock = Clock(MINUTE_START)
    budget = UpstreamBudget(link=link, clock=clock)
    await budget.remember_ban(30)
    assert await budget.spend() == ("banned", 30)


async def test_a_ban_reaches_every_instance_through_redis(redis: RedisServer) -> None:
    await UpstreamBudget(link=RedisLink(redis.url)).remember_ban(30)
    why, wait = await UpstreamBudget(link=RedisLink(redis.url)).spend()
    assert why == "banned" and 29 <= wait <= 30
    assert 0 < redis.admin().ttl(BAN_KEY) <= 30


async def test_with_redis_down_the_budget_counts_in_process(redis: RedisServer) -> None:
    budget = UpstreamBudget(per_second=1, link=RedisLink(redis.url), clock=Clock(MINUTE_START))
    redis.kill()
    assert [await budget.spend(), await budget.spend()] == [None, ("per_second", 1)]
