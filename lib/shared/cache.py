"""The response cache shared by every instance: ``lib.cache.TTLCache``'s interface on Redis.

Same keys and TTLs as the in-process cache, which stays in front of Redis (a warm
instance answers a repeated call without a round trip). A miss goes to Redis; a miss
there takes a short lock so that N instances asking for the same cold key make about
one upstream call: the others poll for the holder's answer, for at most ``lock_wait``,
and call upstream themselves when the holder dies (the lock expires) or is too slow.

Values are stamped with :data:`CACHE_FORMAT`, in the key and in the value: a deploy
that changes what is cached bumps it and never reads an older deploy's entries.
Methods in ``private`` (the owner's orders) never leave the instance. When Redis is
down, slow or full, every step falls back to the in-process cache (see RedisLink).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from lib.cache import Outcome, TTLCache
from lib.shared.redis_link import RedisLink, SharedStateUnavailable

# Bump when the cached values change shape (e.g. links rewritten before caching).
CACHE_FORMAT = 1
NAMESPACE = "axp"
LOCK_TTL = 8.0  # seconds a lock outlives a holder that died without releasing it
LOCK_WAIT = 4.0  # seconds a waiter polls before calling upstream itself
POLL_INTERVAL = 0.02
_MISSING = object()
# Delete the lock only if it is still ours (it may have expired and been retaken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def redis_key(key: Hashable) -> str:
    """The Redis key for a cache key ``(method, ((param, value), ...))``."""
    digest = hashlib.sha256(json.dumps(key, separators=(",", ":")).encode()).hexdigest()
    method = key[0] if isinstance(key, tuple) and key and isinstance(key[0], str) else "call"
    return f"{NAMESPACE}:cache:v{CACHE_FORMAT}:{method}:{digest[:40]}"


def encode(value: Any, ttl: float) -> bytes:
    document = {"v": CACHE_FORMAT, "expires": time.time() + ttl, "value": value}
    return json.dumps(document, separators=(",", ":")).encode()


def decode(raw: bytes | None) -> tuple[Any, float]:
    """``(value, seconds left)``, or ``(_MISSING, 0)`` for absent, stale or other-format."""
    if raw is None:
        return _MISSING, 0.0
    try:
        document = json.loads(raw)
    except ValueError:
        return _MISSING, 0.0
    if not isinstance(document, dict) or document.get("v") != CACHE_FORMAT:
        return _MISSING, 0.0
    left = float(document.get("expires", 0)) - time.time()
    return (document.get("value"), left) if left > 0 else (_MISSING, 0.0)


class SharedCache:
    def __init__(
        self,
        link: RedisLink,
        *,
        local: TTLCache | None = None,
        private: frozenset[str] = frozenset(),
        lock_ttl: float = LOCK_TTL,
        lock_wait: float = LOCK_WAIT,
    ) -> None:
        self.link = link
        self.local = local if local is not None else TTLCache()
        self.private = private
        self.lock_ttl = lock_ttl
        self.lock_wait = lock_wait

    def __len__(self) -> int:
        return len(self.local)

    async def get_or_fetch(
        self, key: Hashable, ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, Outcome]:
        if isinstance(key, tuple) and key and key[0] in self.private:
            return await self.local.get_or_fetch(key, ttl, fetch)
        shared: tuple[Outcome, float] = ("miss", ttl)

        async def from_shared() -> Any:
            nonlocal shared
            value, outcome, left = await self._shared_get_or_fetch(key, ttl, fetch)
            shared = (outcome, left)
            return value

        value, outcome = await self.local.get_or_fetch(key, ttl, from_shared)
        if outcome == "miss":
            outcome, left = shared
            if left < ttl:  # found in Redis: expire here when it expires there
                self.local.put(key, value, left)
        return value, outcome

    async def _shared_get_or_fetch(
        self, key: Hashable, ttl: float, fetch: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, Outcome, float]:
        name = redis_key(key)
        lock = f"{name}:lock"
        token = secrets.token_hex(8)
        try:
            value, left = decode(await self.link.run(lambda r: r.get(name)))
            if value is not _MISSING:
                return value, "hit", left
            taken = await self.link.run(
                lambda r: r.set(lock, token, nx=True, px=int(self.lock_ttl * 1000))
            )
        except SharedStateUnavailable:
            return await fetch(), "miss", ttl
        if not taken:
            value, left = await self._wait_for_holder(name, lock)
            if value is not _MISSING:
                return value, "coalesced", left
            token = ""  # the holder died or is slow: call upstream without the lock
        try:
            value = await fetch()
        finally:
            if token:
                await self._quietly(lambda r: r.eval(_RELEASE, 1, lock, token))
        await self._quietly(lambda r: r.set(name, encode(value, ttl), px=int(ttl * 1000)))
        return value, "miss", ttl

    async def _wait_for_holder(self, name: str, lock: str) -> tuple[Any, float]:
        """Poll until the holder's answer appears, its lock goes, or ``lock_wait`` ends."""
        ends_at = time.monotonic() + self.lock_wait
        while time.monotonic() < ends_at:
            await asyncio.sleep(POLL_INTERVAL)
            try:
                # Lock first: the holder stores the answer before it releases the lock.
                held, raw = await self.link.run(
                    lambda r: r.pipeline(transaction=False).exists(lock).get(name).execute()
                )
            except SharedStateUnavailable:
                break
            value, left = decode(raw)
            if value is not _MISSING or not held:
                return value, left
        return _MISSING, 0.0

    async def _quietly(self, operation: Callable[[Any], Awaitable[Any]]) -> None:
        # Logged by the link; the answer is served all the same.
        with contextlib.suppress(SharedStateUnavailable):
            await self.link.run(operation)
