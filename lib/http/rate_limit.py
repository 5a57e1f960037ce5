"""The per-client rate limit of shopper-facing routes and MCP tool calls.

Off unless ``RATE_LIMIT_PER_MINUTE`` is set; then each client IP (lib/http/client_ip.py)
gets that many requests per clock minute, counted in Redis across instances when
``REDIS_URL`` is set, else in this instance. Owner routes (orders, health) never call
this. Nothing is imported unless a limit is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.config import Settings
from lib.http.context import current_client_ip
from lib.http.errors import RateLimited

if TYPE_CHECKING:
    from lib.shared.limits import ClientRateLimit

_limit: tuple[tuple[int, str | None], ClientRateLimit] | None = None


async def enforce_client_rate_limit(settings: Settings) -> None:
    """Count this request; :class:`RateLimited` (429, ``Retry-After``) when over."""
    per_minute = settings.limit("rate_limit_per_minute")
    if per_minute is None:
        return
    retry_after = await client_rate_limit(per_minute, settings).hit(current_client_ip())
    if retry_after is not None:
        raise RateLimited(
            f"Too many requests from this client: at most {per_minute} a minute "
            f"(RATE_LIMIT_PER_MINUTE). Retry in {retry_after} s.",
            retry_after,
        )


def client_rate_limit(per_minute: int, settings: Settings) -> ClientRateLimit:
    """This instance's limiter for these settings (its in-process counts persist)."""
    from lib.shared.limits import ClientRateLimit
    from lib.shared.redis_link import shared_link

    global _limit
    wanted = (per_minute, settings.shared_redis_url)
    if _limit is None or _limit[0] != wanted:
        _limit = (wanted, ClientRateLimit(per_minute, shared_link(settings)))
    return _limit[1]
