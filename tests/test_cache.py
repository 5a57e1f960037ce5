"""lib/cache.py: TTL, LRU bound, coalescing; errors are never cached."""

from __future__ import annotations

import asyncio

import pytest

from lib.cache import TTLCache

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_hit_within_ttl_miss_after() -> None:
    clock = Clock()
    cache = TTLCache(clock=clock)
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await cache.get_or_fetch("k", 10, fetch) == (1, "miss")
    clock.now += 9.9
    assert await cache.get_or_fetch("k", 10, fetch) == (1, "hit")
    clock.now += 0.2
    assert await cache.get_or_fetch("k", 10, fetch) == (2, "miss")


async def test_least_recently_used_entries_are_evicted() -> None:
    cache = TTLCache(max_entries=2)
    cache.put("a", 1, 60)
    cache.put("b", 2, 60)
    cache.get("a")
    cache.put("c", 3, 60)
    assert cache.get("b") == (False, None)
    assert cache.get("a") == (True, 1)
    assert len(cache) == 2


async def test_identical_concurrent_calls_are_made_once() -> None:
    cache = TTLCache()
    calls = 0

    async def slow_fetch() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return "value"

    results = await asyncio.gather(*(cache.get_or_fetch("k", 60, slow_fetch) for _ in range(20)))
    assert calls == 1
    assert [value for value, _ in results] == ["value"] * 20
    assert sorted(outcome for _, outcome in results) == ["coalesced"] * 19 + ["miss"]


async def test_errors_reach_every_waiter_and_are_not_cached() -> None:
    cache = TTLCache()
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.02)
        raise RuntimeError("upstream down")

    results = await asyncio.gather(
        *(cache.get_or_fetch("k", 60, failing) for _ in range(5)), return_exceptions=True
    )
    assert calls == 1
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError):
        await cache.get_or_fetch("k", 60, failing)
    assert calls == 2


async def test_a_waiter_giving_up_does_not_cancel_the_shared_call() -> None:
    cache = TTLCache()

    async def slow() -> str:
        await asyncio.sleep(0.1)
        return "done"

    owner = asyncio.create_task(cache.get_or_fetch("k", 60, slow))
    await asyncio.sleep(0.01)
    impatient = asyncio.create_task(cache.get_or_fetch("k", 60, slow))
    await asyncio.sleep(0.01)
    impatient.cancel()
    assert await owner == ("done", "miss")


async def test_waiters_fetch_again_when_the_owner_is_cancelled() -> None:
    cache = TTLCache()
    calls = 0

    async def slow() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return calls

    owner = asyncio.create_task(cache.get_or_fetch("k", 60, slow))
    await asyncio.sleep(0.01)
    waiters = [asyncio.create_task(cache.get_or_fetch("k", 60, slow)) for _ in range(3)]
    await asyncio.sleep(0.01)
    owner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await owner
    results = await asyncio.gather(*waiters)
    assert calls == 2  # one new owner among the waiters, the others coalesce on it
    assert sorted(outcome for _, outcome in results) == ["coalesced", "coalesced", "miss"]
    assert {value for value, _ in results} == {2}
