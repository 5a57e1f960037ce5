"""Counting requests and upstream calls across instances: fixed windows on Redis.

:class:`ClientRateLimit` allows each client (IP) ``per_minute`` requests per clock
minute. :class:`UpstreamBudget` allows the deployment ``per_second`` / ``per_day``
AliExpress calls (UTC days) and remembers an ``ApiCallLimit`` ban until it ends, so
no instance calls while AliExpress would refuse. Both answer "wait N seconds" or
None, and count in-process (per instance) whenever Redis is absent or degraded:
weaker, since each instance counts alone, but never an outage.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Callable

from lib.shared.redis_link import RedisLink, SharedStateUnavailable

NAMESPACE = "axp"
BAN_KEY = f"{NAMESPACE}:upstream:ban"
DAY = 86_400

# KEYS[1] window counter; ARGV[1] its lifetime (s). Returns the count.
_COUNT = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
return n
"""
# KEYS: ban, second window, day window. ARGV: per second, per day (0: off), ms to midnight.
# Returns {0, 0} to go ahead, else {reason, ms to wait}; refused calls are not counted.
_SPEND = """
local ban = redis.call('pttl', KEYS[1])
if ban > 0 then return {1, ban} end
local s = redis.call('incr', KEYS[2])
if s == 1 then redis.call('expire', KEYS[2], 2) end
if tonumber(ARGV[1]) > 0 and s > tonumber(ARGV[1]) then return {2, 1000} end
local d = redis.call('incr', KEYS[3])
if d == 1 then redis.call('expire', KEYS[3], 90000) end
if tonumber(ARGV[2]) > 0 and d > tonumber(ARGV[2]) then
  redis.call('decr', KEYS[3])
  return {3, tonumber(ARGV[3])}
end
return {0, 0}
"""


class LocalCounters:
    """Fixed-window counters and deadlines of one instance (the fallback)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._counts: dict[str, tuple[int, float]] = {}

    def count(self, key: str, lifetime: float) -> int:
        now = self.clock()
        if len(self._counts) > 4096:  # drop ended windows before growing further
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        count, ends = self._counts.get(key, (0, now + lifetime))
        if ends <= now:
            count, ends = 0, now + lifetime
        self._counts[key] = (count + 1, ends)
        return count + 1

    def uncount(self, key: str) -> None:
        if key in self._counts:
            count, ends = self._counts[key]
            self._counts[key] = (count - 1, ends)

    def set_until(self, key: str, seconds: float) -> None:
        self._counts[key] = (1, self.clock() + seconds)

    def left(self, key: str) -> float:
        _, ends = self._counts.get(key, (0, 0.0))
        return max(0.0, ends - self.clock())


def client_key(client: str) -> str:
    """Clients are counted under a hash: Redis never holds a shopper's IP."""
    return hashlib.sha256(client.encode()).hexdigest()[:24]


class ClientRateLimit:
    def __init__(
        self,
        per_minute: int,
        link: RedisLink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_minute = per_minute
        self.link = link
        self.clock = clock
        self.local = LocalCounters(clock)

    async def hit(self, client: str) -> int | None:
        """Count one request; the seconds to wait when it is over the limit, else None."""
        now = self.clock()
        window = int(now // 60)
        key = f"{NAMESPACE}:rate:{client_key(client)}:{window}"
        count: int | None = None
        if self.link is not None:
            try:
                count = int(await self.link.run(lambda r: r.eval(_COUNT, 1, key, 61)))
            except SharedStateUnavailable:
                count = None
        if count is None:
            count = self.local.count(key, 60 - now % 60)
        if count <= self.per_minute:
            return None
        return max(1, math.ceil((window + 1) * 60 - now))


class UpstreamBudget:
    def __init__(
        self,
        per_second: int | None = None,
        per_day: int | None = None,
        link: RedisLink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_second = per_second
        self.per_day = per_day
        self.link = link
        self.clock = clock
        self.local = LocalCounters(clock)

    async def spend(self) -> tuple[str, int] | None:
        """Count one upstream call, or refuse it: ``(why, seconds to wait)``.

        ``why`` is ``banned`` (AliExpress's ban is running), ``per_second`` or ``per_day``.
        """
        now = self.clock()
        second_key = f"{NAMESPACE}:upstream:s:{int(now)}"
        day_key = f"{NAMESPACE}:upstream:d:{int(now // DAY)}"
        to_midnight = (int(now // DAY) + 1) * DAY - now
        if self.link is not None:
            keys_and_args = (
                BAN_KEY, second_key, day_key,
                self.per_second or 0, self.per_day or 0, int(to_midnight * 1000),
            )  # fmt: skip
            try:
                reason, wait_ms = await self.link.run(lambda r: r.eval(_SPEND, 3, *keys_and_args))
            except SharedStateUnavailable:
                pass  # counted in-process below
            else:
                why = {1: "banned", 2: "per_second", 3: "per_day"}.get(int(reason))
                return None if why is None else (why, max(1, math.ceil(int(wait_ms) / 1000)))
        return self._spend_locally(second_key, day_key, to_midnight)

    def _spend_locally(
        self, second_key: str, day_key: str, to_midnight: float
    ) -> tuple[str, int] | None:
        if (ban := self.local.left(BAN_KEY)) > 0:
            return "banned", max(1, math.ceil(ban))
        if self.per_second and self.local.count(second_key, 1.0) > self.per_second:
            return "per_second", 1
        if self.per_day and self.local.count(day_key, to_midnight) > self.per_day:
            self.local.uncount(day_key)
            return "per_day", max(1, math.ceil(to_midnight))
        return None

    async def remember_ban(self, seconds: int) -> None:
        """AliExpress banned the app key: no instance calls for ``seconds``."""
        self.local.set_until(BAN_KEY, seconds)
        if self.link is not None:
            # If Redis fails, this instance still remembers it (the link logged the failure).
            with contextlib.suppress(SharedStateUnavailable):
                await self.link.run(lambda r: r.set(BAN_KEY, "ApiCallLimit", ex=seconds))
