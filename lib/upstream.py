"""The AliExpress client a deployment's settings describe (config -> protocol).

Kept apart from ``lib.config`` so that reading settings never imports the client
(pydantic models and all): health imports this only for its deep check. No web
framework here either: the REST functions and the MCP function share it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lib.aliexpress.client import AliExpressClient, UpstreamCall
from lib.aliexpress.errors import NotConfiguredError
from lib.aliexpress.shortlinks import ShortLinkResolver
from lib.aliexpress.transport import Transport
from lib.cache import ResponseCache, TTLCache
from lib.config import DEFAULT_CHANNEL, Settings
from lib.http.context import annotate, logged

if TYPE_CHECKING:
    from lib.shared.limits import UpstreamBudget


def client_from_settings(settings: Settings, **options: Any) -> AliExpressClient:
    """A client for these settings; ``NotConfiguredError`` naming what is missing."""
    if not settings.configured:
        raise NotConfiguredError(settings.missing, settings.upstream_problems)
    assert settings.app_key is not None and settings.app_secret is not None
    return AliExpressClient(
        app_key=settings.app_key,
        app_secret=settings.app_secret,
        api_url=settings.api_url,
        sign_method=settings.sign_method,  # type: ignore[arg-type] - checked by .configured
        tracking_id=settings.default_tracking_id,
        **options,
    )


def log_upstream_call(call: UpstreamCall) -> None:
    """Put what one upstream call cost on the current request's log line. A request's
    later calls (hot-product links after a page, an owner's order pages) add their time
    and attempts to it, so ``latency_ms - upstream_ms`` stays the function's own time;
    method and cache stay the first call's, the outcome is the last failure if any."""
    calls = logged("upstream_calls") or (1 if logged("upstream_method") else 0)
    if calls:
        outcome = logged("upstream_outcome")
        annotate(
            upstream_ms=round(logged("upstream_ms") + call.elapsed_ms, 1),
            upstream_attempts=logged("upstream_attempts") + call.attempts,
            upstream_outcome=call.outcome if call.outcome != "ok" else outcome,
            upstream_calls=calls + 1,
        )
        return
    annotate(
        upstream_method=call.method,
        upstream_ms=call.elapsed_ms,
        upstream_attempts=call.attempts,
        upstream_outcome=call.outcome,
        cache=call.cache,
    )


# The owner's answers: cached in this instance only, never in a store others read.
PRIVATE_METHODS = frozenset({"aliexpress.affiliate.order.list"})


def response_cache(settings: Settings) -> ResponseCache:
    """In-process, or shared through Redis when ``REDIS_URL`` is set (imported only then)."""
    if settings.shared_redis_url is None:
        return TTLCache()
    from lib.shared.cache import SharedCache
    from lib.shared.redis_link import shared_link

    link = shared_link(settings)
    assert link is not None
    return SharedCache(link, private=PRIVATE_METHODS)


def upstream_budget(settings: Settings) -> UpstreamBudget:
    """A call budget for these settings, shared through Redis when configured. Always
    made, so an ``ApiCallLimit`` ban is honoured even with no budget configured."""
    from lib.shared.limits import UpstreamBudget
    from lib.shared.redis_link import shared_link

    return UpstreamBudget(
        settings.limit("upstream_calls_per_second"),
        settings.limit("upstream_calls_per_day"),
        shared_link(settings),
    )


class ClientProvider:
    """One pooled client per instance, made on first use, and a view of it per
    channel's tracking ID (same connections, cache and budget).

    Pools belong to an event loop: if the loop changes (tests start one per
    client), a new client is made rather than reusing sockets of a dead loop.
    """

    def __init__(self, transport: Transport | None = None, **client_options: Any) -> None:
        self.transport = transport  # None: the network; tests pass the fake gateway
        self.client_options = client_options  # deadline, attempt_timeout, retry
        self._slot: tuple[asyncio.AbstractEventLoop, Settings, AliExpressClient] | None = None
        # The instance's budget outlives a client remade for a new loop: bans persist.
        self._budget: tuple[Settings, UpstreamBudget] | None = None
        self._views: dict[str | None, AliExpressClient] = {}  # by tracking ID, of _slot's

    def get(self, settings: Settings, channel: str = DEFAULT_CHANNEL) -> AliExpressClient:
        """The client whose links carry ``channel``'s tracking ID."""
        base = self._base(settings)
        tracking_id = settings.tracking_id_for(channel)
        view = self._views.get(tracking_id)
        if view is None:
            view = self._views[tracking_id] = base.with_tracking_id(tracking_id)
        return view

    def _base(self, settings: Settings) -> AliExpressClient:
        loop = asyncio.get_running_loop()
        if self._slot is not None and self._slot[0] is loop and self._slot[1] == settings:
            return self._slot[2]
        client = client_from_settings(
            settings,
            on_call=log_upstream_call,
            transport=self.transport,
            cache=response_cache(settings),
            budget=self._budget_for(settings),
            **self.client_options,
        )
        self._slot = (loop, settings, client)
        self._views = {}
        return client

    def _budget_for(self, settings: Settings) -> UpstreamBudget:
        if self._budget is None or self._budget[0] != settings:
            self._budget = (settings, upstream_budget(settings))
        return self._budget[1]


class ResolverProvider:
    """One short-link resolver per event loop: its cache coalesces on that loop."""

    def __init__(self) -> None:
        self._slot: tuple[asyncio.AbstractEventLoop, ShortLinkResolver] | None = None

    def get(self) -> ShortLinkResolver:
        loop = asyncio.get_running_loop()
        if self._slot is None or self._slot[0] is not loop:
            self._slot = (loop, ShortLinkResolver())  # the network, or install_probe's
        return self._slot[1]


# The resolver every caller shares unless it passes its own (tests, REST dependency).
link_resolvers = ResolverProvider()
