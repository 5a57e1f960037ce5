"""Health (``api/health.py``): standard library only at load, so it stays the
lightest function and answers even when nothing else can.

``GET /api/health`` (alias ``/health``) reports mode, version, region, which
configuration is present (as booleans), what is missing, which values are unusable
(``problems``) and which leave a feature off (``warnings``), and for each channel whether
its links carry its own tracking ID, the default one or none (``tracking_ids``).
``?deep=1`` - behind the API key when one is set - makes one cheap signed upstream call and reports
whether credentials and signing work, and how long it took; then, when that call
worked, ``advanced_api`` says which Advanced API methods (shipping, SKU detail, hot
products, smartmatch) the app may call - each probed at most once per instance
(lib/aliexpress/permissions.py).
"""

from __future__ import annotations

import time
from typing import Any

from lib.config import Settings, get_settings
from lib.http.auth import check_api_key
from lib.http.plain import Request, Response, json_response

DEEP_CHECK_METHOD = "aliexpress.affiliate.category.get"
DEEP_CHECK_DEADLINE = 10.0


async def health(request: Request) -> Response:
    settings = get_settings()
    document: dict[str, Any] = {
        "status": "ok",
        "mode": settings.mode,
        "version": settings.version,
        "region": settings.region,
        "config": settings.presence(),
        "missing": list(settings.missing),
        "problems": list(settings.problems),
        "warnings": list(settings.warnings),
        "shared_state": settings.shared_state,
        "tracking_ids": settings.attribution_sources(),
    }
    if request.param("deep") in ("1", "true", "yes"):
        check_api_key(request.headers.get("authorization"), settings.proxy_api_key)
        upstream = await deep_check(settings)
        document["upstream"] = upstream
        if not upstream["ok"]:
            document["status"] = "degraded"
        if settings.shared_redis_url is not None:
            document.update(await redis_check(settings.shared_redis_url))
    return json_response(200, document, {"cache-control": "no-store"})


async def deep_check(settings: Settings) -> dict[str, Any]:
    """One signed ``category.get`` call: proves key, secret, signing and the route."""
    # Imported here so a plain health check never pays for the client and pydantic.
    from lib.aliexpress.errors import AliExpressError
    from lib.upstream import client_from_settings

    try:
        # Unconfigured: the same message a data route answers, naming what is wrong.
        client = client_from_settings(settings, deadline=DEEP_CHECK_DEADLINE)
    except AliExpressError as error:
        return _failure(error.code, error.message, None)
    from lib.aliexpress.permissions import advanced_api_access

    started = time.perf_counter()
    try:
        await client.call(DEEP_CHECK_METHOD, {})
        latency_ms = _elapsed_ms(started)
        advanced = await advanced_api_access(client)
    except AliExpressError as error:
        return _failure(error.code, error.message, _elapsed_ms(started))
    finally:
        await client.aclose()
    return {
        "ok": True,
        "method": DEEP_CHECK_METHOD,
        "latency_ms": latency_ms,
        "advanced_api": advanced,
    }


async def redis_check(url: str) -> dict[str, Any]:
    """One PING on a fresh connection: ``redis: ok`` or ``degraded`` with the reason
    (its kind only: never the URL or password). Degraded still serves, in-process."""
    from lib.shared.redis_link import RedisLink, SharedStateUnavailable

    link = RedisLink(url)
    try:
        await link.run(lambda redis: redis.ping())
    except SharedStateUnavailable as failure:
        return {"redis": "degraded", "redis_reason": failure.reason}
    finally:
        await link.aclose()
    return {"redis": "ok"}


def _failure(code: str, message: str, latency_ms: float | None) -> dict[str, Any]:
    return {
        "ok": False,
        "method": DEEP_CHECK_METHOD,
        "latency_ms": latency_ms,
        "error": {"code": code, "message": message},
    }


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
