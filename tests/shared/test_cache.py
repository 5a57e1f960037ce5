"""lib/shared/cache.py on a real redis-server: hits shared between instances, one upstream
call per cold key, versioned values, private methods kept local, and every fault of
Redis degrading to the in-process cache (the answer is always served)."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest

from devtools.redis_server import RedisServer
from lib.shared.cache import SharedCache, redis_key
from lib.shared.redis_link import RedisLink

pytestmark = pytest.mark.anyio
KEY = ("aliexpress.affiliate.product.query", (("keywords", "lamp"),))


class Upstream:
    """Counts calls; answers after ``delay`` seconds."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay

    async def __call__(self) -> dict[str, object]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return {"products": [{"id": "1005006123456789"}], "call": self.calls}


def instance(server: RedisServer, **options: float) -> SharedCache:
    """What one serverless instance holds: its own link and local cache."""
    return SharedCache(RedisLink(server.url), **options)


async def test_an_answer_cached_by_one_instance_is_a_hit_for_another(redis: RedisServer) -> None:
    upstream = Upstream()
    first, second = instance(redis), instance(redis)
    assert await first.get_or_fetch(KEY, 300, upstream) == (
        {"products": [{"id": "1005006123456789"}], "call": 1},
        "miss",
    )
    value, outcome = await second.get_or_fetch(KEY, 300, upstream)
    assert (value["call"], outcome, upstream.calls) == (1, "hit", 1)
    # The local front serves the next one without a round trip.
    assert (await second.get_or_fetch(KEY, 300, upstream))[1] == "hit"


async def test_the_ttl_is_the_same_in_redis(redis: RedisServer) -> None:
    await instance(redis).get_or_fetch(KEY, 300, Upstream())
    assert 299_000 < redis.admin().pttl(redis_key(KEY)) <= 300_000


async def test_many_instances_asking_one_cold_key_make_one_upstream_call(
    redis: RedisServer,
) -> None:
    upstream = Upstream(delay=0.2)
    caches = [instance(redis) for _ in range(8)]
    answers = await asyncio.gather(*(cache.get_or_fetch(KEY, 300, upstream) for cache in caches))
    assert upstream.calls == 1
    assert sorted(outcome for _, outcome in answers) == ["coalesced"] * 7 + ["miss"]


async def test_a_waiter_calls_upstream_itself_when_the_lock_holder_died(
    redis: RedisServer,
) -> None:
    # A holder that took the lock and died: the lock stays until it expires.
    redis.admin().set(redis_key(KEY) + ":lock", "dead-holder", px=60_000)
    upstream = Upstream()
    cache = instance(redis, lock_wait=0.3)
    started = asyncio.get_running_loop().time()
    _value, outcome = await cache.get_or_fetch(KEY, 300, upstream)
    assert (outcome, upstream.calls) == ("miss", 1)
    assert asyncio.get_running_loop().time() - started < 1.0  # bounded wait


async def test_a_failed_call_releases_the_lock_and_caches_nothing(redis: RedisServer) -> None:
    async def failing() -> dict[str, object]:
        raise RuntimeError("upstream failed")

    cache = instance(redis)
    with pytest.raises(RuntimeError):
        await cache.get_or_fetch(KEY, 300, failing)
    assert redis.admin().keys("*") == []


async def test_values_of_another_cache_format_are_never_read(redis: RedisServer) -> None:
    old = {"v": 0, "expires": 4e9, "value": {"products": "an older shape"}}
    redis.admin().set(redis_key(KEY), json.dumps(old))
    value, outcome = await instance(redis).get_or_fetch(KEY, 300, Upstream())
    assert outcome == "miss"
    assert value["call"] == 1
    assert json.loads(redis.admin().get(redis_key(KEY)))["v"] == 1


def test_the_format_is_part_of_the_key() -> None:
    assert redis_key(KEY).startswith("axp:cache:v1:aliexpress.affiliate.product.query:")


async def test_private_methods_never_reach_redis(redis: RedisServer) -> None:
    key = ("aliexpress.affiliate.order.list", (("start_time", "2026-01-01"),))
    cache = SharedCache(RedisLink(redis.url), private=frozenset({key[0]}))
    await cache.get_or_fetch(key, 60, Upstream())
    assert redis.admin().keys("*") == []


# -- faults: every one serves the answer, in-process, within one request ------------------


async def test_a_redis_killed_mid_run_degrades_to_in_process(redis: RedisServer, capsys) -> None:
    upstream = Upstream()
    cache = instance(redis)
    await cache.get_or_fetch(KEY, 300, upstream)
    redis.kill()
    other = ("aliexpress.affiliate.product.query", (("keywords", "desk"),))
    _value, outcome = await cache.get_or_fetch(other, 300, upstream)
    assert (outcome, upstream.calls) == ("miss", 2)
    assert cache.link.reason == "connection failed"
    assert (await cache.get_or_fetch(other, 300, upstream))[1] == "hit"  # in-process
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in lines] == ["redis_degraded"]  # one line


async def test_a_slow_redis_costs_at_most_the_bound(redis: RedisServer) -> None:
    cache = instance(redis)
    await cache.link.run(lambda r: r.ping())  # connected: now each operation gets 250 ms
    redis.admin().client_pause(2000)  # every command waits 2 s
    started = asyncio.get_running_loop().time()
    _, outcome = await cache.get_or_fetch(KEY, 300, Upstream())
    elapsed = asyncio.get_running_loop().time() - started
    assert outcome == "miss"
    assert elapsed < 0.6
    assert cache.link.reason == "timed out after 250 ms"


async def test_a_wrong_password_degrades_and_never_shows_it(start_redis) -> None:
    server = start_redis(requirepass="right-password")
    wrong = RedisServer(server.port, server.process, "wrong-password")
    cache = SharedCache(RedisLink(wrong.url))
    _value, outcome = await cache.get_or_fetch(KEY, 300, Upstream())
    assert outcome == "miss"
    reason = cache.link.reason or ""
    assert reason.startswith("authentication failed")
    assert "password@" not in reason and "wrong-password" not in reason
    assert "wrong-password" not in repr(cache.link)


async def test_evicted_keys_are_fetched_again(redis: RedisServer) -> None:
    upstream = Upstream()
    await instance(redis).get_or_fetch(KEY, 300, upstream)
    redis.admin().flushall()  # what eviction does to our keys
    _, outcome = await instance(redis).get_or_fetch(KEY, 300, upstream)
    assert (outcome, upstream.calls) == ("miss", 2)


async def test_a_full_redis_still_serves_the_answer(start_redis) -> None:
    server = start_redis(maxmemory="1", **{"maxmemory-policy": "noeviction"})
    upstream = Upstream()
    cache = instance(server)
    _value, outcome = await cache.get_or_fetch(KEY, 300, upstream)
    assert (outcome, upstream.calls) == ("miss", 1)
    assert cache.link.reason == "out of memory (maxmemory reached)"


async def test_a_degraded_link_tries_redis_again_after_the_cooldown(redis: RedisServer) -> None:
    now = [0.0]
    link = RedisLink(redis.url, clock=lambda: now[0])
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        cache = SharedCache(link)
        await cache.get_or_fetch(KEY, 300, Upstream())  # a stopped server: connecting times out
        assert link.reason == "timed out after 1000 ms"
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
    now[0] += 10
    await link.run(lambda r: r.ping())
    assert not link.degraded


async def test_keys_evicted_under_maxmemory_are_fetched_again(start_redis) -> None:
    server = start_redis(maxmemory="4mb", **{"maxmemory-policy": "allkeys-lru"})
    upstream = Upstream()
    await instance(server).get_or_fetch(KEY, 300, upstream)
    admin = server.admin()
    for n in range(40):  # 40 x 256 KB: far over maxmemory, so Redis evicts
        admin.set(f"filler:{n}", b"x" * 262_144)
    assert admin.get(redis_key(KEY)) is None
    _, outcome = await instance(server).get_or_fetch(KEY, 300, upstream)
    assert (outcome, upstream.calls) == ("miss", 2)


async def test_connecting_gets_longer_than_an_operation(redis: RedisServer) -> None:
    link = RedisLink(redis.url)
    redis.admin().client_pause(600)  # longer than an operation's bound, not a connect's
    await link.run(lambda r: r.ping())
    assert not link.degraded
