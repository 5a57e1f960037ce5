"""The one connection to Redis an instance holds, and how its failures degrade.

Every operation runs under a short bound (``timeout``): a slow or unreachable Redis
costs a request at most that, after which callers fall back to in-process state.
After a failure the link stays *degraded* for ``cooldown`` seconds (no request pays
the timeout again meanwhile), writes one log line, and reports a reason that names
the kind of failure only: never the URL, the host or the password.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from lib.http.log import write_log_line

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")
OPERATION_TIMEOUT = 0.25  # seconds for one round trip on an open connection
# The first operation also connects (TCP + TLS to a Marketplace database in another
# region can take a few hundred ms): it gets longer, once per instance and loop.
CONNECT_TIMEOUT = 1.0
DEGRADED_COOLDOWN = 5.0  # seconds before a degraded link tries Redis again


class SharedStateUnavailable(Exception):
    """Redis could not serve this operation; ``reason`` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = OPERATION_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        cooldown: float = DEGRADED_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._connected = False  # an operation succeeded on the current client
        self.cooldown = cooldown
        self.clock = clock
        self.reason: str | None = None  # set while degraded
        self._retry_at = 0.0
        self._slot: tuple[asyncio.AbstractEventLoop, Redis] | None = None

    def __repr__(self) -> str:  # the URL carries the password
        return f"RedisLink(reason={self.reason!r})"

    @property
    def degraded(self) -> bool:
        return self.reason is not None

    async def run(self, operation: Callable[[Redis], Awaitable[T]]) -> T:
        """``operation(redis)`` within the bound, or :class:`SharedStateUnavailable`."""
        if self.reason is not None and self.clock() < self._retry_at:
            raise SharedStateUnavailable(self.reason)
        from redis.exceptions import RedisError

        client = self._client()
        bound = self.timeout if self._connected else self.connect_timeout
        try:
            async with asyncio.timeout(bound):
                result = await operation(client)
        except TimeoutError:
            self._degrade(f"timed out after {bound * 1000:.0f} ms")
        except RedisError as error:
            self._degrade(failure_reason(error))
        except OSError as error:  # below redis-py: the socket itself
            self._degrade(f"connection failed ({type(error).__name__})")
        else:
            self._connected = True
            if self.reason is not None:
                write_log_line({"event": "redis_recovered", "was": self.reason})
                self.reason = None
            return result
        assert self.reason is not None
        raise SharedStateUnavailable(self.reason)

    def _degrade(self, reason: str) -> None:
        if self.reason != reason:  # one line per change, not one per request
            write_log_line({"event": "redis_degraded", "reason": reason, "mode": "in-process"})
        self.reason = reason
        self._retry_at = self.clock() + self.cooldown

    def _client(self) -> Redis:
        loop = asyncio.get_running_loop()
        if self._slot is None or self._slot[0] is not loop:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            client = Redis.from_url(
                self._url,
                socket_timeout=self.connect_timeout,
                socket_connect_timeout=self.connect_timeout,
                retry=Retry(NoBackoff(), 0),  # no retries: the bound is the whole budget
                health_check_interval=0,
                decode_responses=False,
            )
            self._slot = (loop, client)
            self._connected = False
        return self._slot[1]

    async def aclose(self) -> None:
        if self._slot is not None:
            await self._slot[1].aclose()
            self._slot = None


def failure_reason(error: Exception) -> str:
    """What went wrong, by kind: Redis's own text can name hosts, never repeat it."""
    from redis import exceptions

    kinds: tuple[tuple[type[Exception], str], ...] = (
        (exceptions.AuthenticationError, "authentication failed (check REDIS_URL's password)"),
        (exceptions.AuthorizationError, "not authorised (check REDIS_URL's user)"),
        (exceptions.NoPermissionError, "not permitted (check the Redis user's ACL)"),
        (exceptions.OutOfMemoryError, "out of memory (maxmemory reached)"),
        (exceptions.TimeoutError, "timed out"),
        (exceptions.BusyLoadingError, "loading its data"),
        (exceptions.ReadOnlyError, "read-only replica"),
        (exceptions.ConnectionError, "connection failed"),
    )
    for kind, reason in kinds:
        if isinstance(error, kind):
            return reason
    text = str(error)
    if text.startswith(("NOAUTH", "WRONGPASS")):
        return "authentication failed (check REDIS_URL's password)"
    word = text.split(" ", 1)[0]
    return f"error reply {word}" if word.isupper() and word.isalpha() else "error reply"


def shared_link(settings: Any) -> RedisLink | None:
    """The instance's link for these settings (None without a usable ``REDIS_URL``)."""
    url = settings.shared_redis_url
    if url is None:
        return None
    global _link
    if _link is None or _link[0] != url:
        _link = (url, RedisLink(url))
    return _link[1]


_link: tuple[str, RedisLink] | None = None
