"""The AliExpress client a deployment's settings describe (config -> protocol).

Kept apart from ``lib.config`` so that reading settings never imports the client
(pydantic models and all): health imports this only for its deep check.
"""

from __future__ import annotations

from typing import Any

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import NotConfiguredError
from lib.config import Settings


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
        tracking_id=settings.tracking_id,
        **options,
    )
