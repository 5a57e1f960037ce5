"""A small in-process TTL cache with request coalescing (standard library only).

A warm serverless instance serves many requests; repeating an identical upstream
call within a few minutes buys nothing. Identical calls that arrive while one is
in flight wait for it instead of going upstream themselves (coalescing), so a
burst of the same search costs one AliExpress call. Only successes are stored:
an error is never served from cache. One cache belongs to one event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Literal, Protocol

Outcome = Literal["hit", "miss", "coalesced"]


class ResponseCache(Protocol):
    """What the AliExpress client needs of a cache: this one, or lib.shared's on Redis."""

    async def get_or_fetch(
        self, key: Hashable, ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, Outcome]: ...


class TTLCache:
    def __init__(
        self,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> tuple[bool, Any]:
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires_at, value = entry
        if expires_at <= self.clock():
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, value

    def put(self, key: Hashable, value: Any, ttl: float) -> None:
        self._entries[key] = (self.clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def get_or_fetch(
        self, key: Hashable, ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, Outcome]:
        found, value = self.get(key)
        if found:
            return value, "hit"
        while (pending := self._in_flight.get(key)) is not None:
            try:
                # shield: one waiter giving up must not cancel the call the others share.
                return await asyncio.shield(pending), "coalesced"
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # this waiter itself is being cancelled
                # The caller that owned the call was cancelled: fetch as the new owner.
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            value = await fetch()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._in_flight[key]
        future.set_result(value)
        self.put(key, value, ttl)
        return value, "miss"
