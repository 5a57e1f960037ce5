"""Configuration from the environment, read lazily and cached per instance.

Nothing here runs at import: :func:`get_settings` reads ``os.environ`` on first
call (``functools.lru_cache``), so a missing variable can never crash a function
while it loads. Values are stripped, since a trailing newline pasted into a
dashboard is common. Standard library only: health imports this.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import NamedTuple

from lib.aliexpress.platform import (
    SIGN_METHODS,
    normalise_country,
    normalise_currency,
    normalise_language,
)

DEFAULT_API_URL = "https://api-sg.aliexpress.com/sync"
REQUIRED = ("ALIEXPRESS_APP_KEY", "ALIEXPRESS_APP_SECRET")
# Set only by the local dev server when it serves its bundled fake gateway.
DEMO_FLAG = "ALIEXPRESS_DEMO_GATEWAY"


# The secrets: never in a repr (or a log line built from one).
SECRET_FIELDS = frozenset({"app_secret", "proxy_api_key", "owner_api_key", "redis_url"})
REDIS_SCHEMES = ("redis://", "rediss://")
# Who a request came through (lib/http/channels.py): each may earn on its own tracking ID.
CHANNELS = ("gpt", "mcp", "web", "api")
DEFAULT_CHANNEL = "api"
# The path prefix each REST channel enters by (lib/http/channels.py); ``mcp`` has its own
# function and ``api`` is no prefix at all. Here, not there: the GPT spec function reads it
# too and imports nothing of ASGI.
ENTRANCE_OF = {"gpt": "/gpt", "web": "/web"}
CHANNEL_TRACKING_VARIABLES = tuple(
    (f"ALIEXPRESS_TRACKING_ID_{channel.upper()}", f"tracking_id_{channel}") for channel in CHANNELS
)
# What a tracking ID may hold: it travels as one query value in every affiliate link, and
# AliExpress's portal names them in letters, digits and a few marks. Anything with spaces,
# separators or control characters is a pasted mistake, not an ID.
TRACKING_ID_RULE = "must be 1-64 characters of letters, digits, '_', '-' or '.'"
_TRACKING_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
# Positive whole numbers that switch a limit on; unset leaves it off.
LIMIT_VARIABLES = (
    ("RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute"),
    ("UPSTREAM_CALLS_PER_SECOND", "upstream_calls_per_second"),
    ("UPSTREAM_CALLS_PER_DAY", "upstream_calls_per_day"),
)


class Settings(NamedTuple):
    """One deployment's settings. A named tuple, not a frozen dataclass: a dataclass
    compiles its generated methods at import, about 8 M instructions of every
    function's cold start (callgrind)."""

    app_key: str | None = None
    app_secret: str | None = None
    tracking_id: str | None = None
    api_url: str = DEFAULT_API_URL
    sign_method: str = "sha256"
    currency: str | None = None
    language: str | None = None
    ship_to: str | None = None
    proxy_api_key: str | None = None
    owner_api_key: str | None = None
    public_base_url: str | None = None
    demo_gateway: bool = False
    version: str = "dev"
    region: str | None = None
    production_host: str | None = None
    # Browser origins the MCP endpoint accepts (lower case, no trailing slash).
    mcp_allowed_origins: tuple[str, ...] = ()
    # Shared state (lib/shared/): a secret, since the URL usually carries the password.
    redis_url: str | None = None
    # Limits as the environment spelled them; ``limit()`` reads them (None: off).
    rate_limit_per_minute: str | None = None
    upstream_calls_per_second: str | None = None
    upstream_calls_per_day: str | None = None
    # Per-channel tracking IDs as the environment spelled them; ``tracking_id_for`` reads them.
    tracking_id_gpt: str | None = None
    tracking_id_mcp: str | None = None
    tracking_id_web: str | None = None
    tracking_id_api: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(self._fields, self, strict=True)
            if name not in SECRET_FIELDS
        )
        return f"Settings({shown})"

    @property
    def missing(self) -> tuple[str, ...]:
        """Required variables that are unset (names only, never values)."""
        values = {"ALIEXPRESS_APP_KEY": self.app_key, "ALIEXPRESS_APP_SECRET": self.app_secret}
        return tuple(name for name in REQUIRED if not values[name])

    @property
    def upstream_problems(self) -> tuple[str, ...]:
        """Set but unusable values that stop every AliExpress call (described without
        repeating them): with any of these the deployment is ``unconfigured``."""
        found = []
        if self.sign_method not in SIGN_METHODS:
            found.append("ALIEXPRESS_SIGN_METHOD must be sha256 or md5.")
        if not self.api_url.startswith(("https://", "http://")):
            found.append("ALIEXPRESS_API_URL must be an http(s) URL.")
        for name, value, normalise in (
            ("ALIEXPRESS_CURRENCY", self.currency, normalise_currency),
            ("ALIEXPRESS_LANGUAGE", self.language, normalise_language),
            ("ALIEXPRESS_SHIP_TO", self.ship_to, normalise_country),
        ):
            if value is not None:
                try:
                    normalise(value)
                except ValueError as rule:
                    found.append(f"{name} {rule}.")
        return tuple(found)

    @property
    def spec_problems(self) -> tuple[str, ...]:
        """Unusable values that only break the GPT spec: data routes still work."""
        if self.public_base_url and not self.public_base_url.startswith("https://"):
            return (
                "PUBLIC_BASE_URL must be an https:// URL: GPT editors reject a spec whose "
                "servers URL is not https.",
            )
        return ()

    @property
    def shared_state_problems(self) -> tuple[str, ...]:
        """Unusable shared-state values: the deployment runs in-process instead."""
        found = []
        if self.redis_url and not self.redis_url.startswith(REDIS_SCHEMES):
            found.append(
                "REDIS_URL must start with redis:// or rediss://: the cache, rate limit and "
                "call budget stay in-process."
            )
        for name, field_name in LIMIT_VARIABLES:
            text = getattr(self, field_name)
            if text is not None and limit_value(text) is None:
                found.append(f"{name} must be a whole number of at least 1: the limit is off.")
        return tuple(found)

    @property
    def attribution_problems(self) -> tuple[str, ...]:
        """Unusable tracking IDs: the default is then unset (no links), a channel's own
        falls back to the default."""
        found = []
        if self.tracking_id is not None and not valid_tracking_id(self.tracking_id):
            found.append(
                f"ALIEXPRESS_TRACKING_ID {TRACKING_ID_RULE}: products carry no affiliate_url "
                "and /api/links answers 503 until it is fixed."
            )
        for name, field_name in CHANNEL_TRACKING_VARIABLES:
            value = getattr(self, field_name)
            if value is not None and not valid_tracking_id(value):
                found.append(f"{name} {TRACKING_ID_RULE}: its channel uses the default.")
        return tuple(found)

    @property
    def problems(self) -> tuple[str, ...]:
        """Every set but unusable value (what health reports as ``problems``)."""
        return (
            self.upstream_problems
            + self.spec_problems
            + self.shared_state_problems
            + self.attribution_problems
        )

    @property
    def default_tracking_id(self) -> str | None:
        """``ALIEXPRESS_TRACKING_ID`` when it is usable."""
        if self.tracking_id is not None and valid_tracking_id(self.tracking_id):
            return self.tracking_id
        return None

    def own_tracking_id(self, channel: str) -> str | None:
        """``ALIEXPRESS_TRACKING_ID_<CHANNEL>`` when it is set and usable."""
        own = getattr(self, f"tracking_id_{channel}", None) if channel in CHANNELS else None
        return own if own is not None and valid_tracking_id(own) else None

    def tracking_id_for(self, channel: str) -> str | None:
        """The tracking ID links handed out through ``channel`` carry: the channel's own
        when usable, else the default."""
        return self.own_tracking_id(channel) or self.default_tracking_id

    def attribution(self) -> dict[str, str | None]:
        """Channel -> the tracking ID its links carry (None: no links). Tracking IDs are
        no secret: every affiliate link shows its own."""
        return {channel: self.tracking_id_for(channel) for channel in CHANNELS}

    def attribution_sources(self) -> dict[str, str]:
        """Channel -> ``own`` (its own tracking ID), ``default`` or ``none`` (no links):
        what health shows, since which ID is which is the owner's business."""
        return {
            channel: "own"
            if self.own_tracking_id(channel)
            else ("default" if self.default_tracking_id else "none")
            for channel in CHANNELS
        }

    def channels_by_tracking_id(self) -> dict[str, tuple[str, ...]]:
        """Each tracking ID in use -> the channels whose links carry it, in CHANNELS order."""
        found: dict[str, list[str]] = {}
        for channel in CHANNELS:
            tracking_id = self.tracking_id_for(channel)
            if tracking_id is not None:
                found.setdefault(tracking_id, []).append(channel)
        return {tracking_id: tuple(channels) for tracking_id, channels in found.items()}

    @property
    def shared_redis_url(self) -> str | None:
        """The Redis to share state through, when one is usably configured."""
        if self.redis_url and self.redis_url.startswith(REDIS_SCHEMES):
            return self.redis_url
        return None

    @property
    def shared_state(self) -> str:
        """``redis`` when instances share cache, limits and budget; else ``in-process``."""
        return "redis" if self.shared_redis_url else "in-process"

    def limit(self, field_name: str) -> int | None:
        """A configured limit (``rate_limit_per_minute`` ...), None when off or unusable."""
        text = getattr(self, field_name)
        return None if text is None else limit_value(text)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Settings that work but leave a feature off, naming what stops working."""
        found = []
        if not self.default_tracking_id:
            found.append(
                "ALIEXPRESS_TRACKING_ID is not set (or not usable): /api/links answers 503 "
                "not_configured and "
                "products carry no affiliate_url (no commission is earned)."
            )
        return tuple(found)

    @property
    def configured(self) -> bool:
        return not self.missing and not self.upstream_problems

    @property
    def mode(self) -> str:
        """``live`` with credentials, ``demo`` on the dev server's fake gateway."""
        if not self.configured:
            return "unconfigured"
        return "demo" if self.demo_gateway else "live"

    def presence(self) -> dict[str, bool]:
        """Which variables are set, as booleans: safe to show anyone."""
        return {
            "ALIEXPRESS_APP_KEY": bool(self.app_key),
            "ALIEXPRESS_APP_SECRET": bool(self.app_secret),
            "ALIEXPRESS_TRACKING_ID": bool(self.tracking_id),
            "ALIEXPRESS_API_URL": self.api_url != DEFAULT_API_URL,
            "PROXY_API_KEY": bool(self.proxy_api_key),
            "PUBLIC_BASE_URL": bool(self.public_base_url),
            "OWNER_API_KEY": bool(self.owner_api_key),
            "REDIS_URL": bool(self.redis_url),
            **{name: bool(getattr(self, field)) for name, field in CHANNEL_TRACKING_VARIABLES},
        }


def load_settings(environ: Mapping[str, str]) -> Settings:
    def value(name: str) -> str | None:
        text = environ.get(name, "").strip()
        return text or None

    def upper(name: str) -> str | None:
        text = value(name)
        return text.upper() if text else None

    return Settings(
        app_key=value("ALIEXPRESS_APP_KEY"),
        app_secret=value("ALIEXPRESS_APP_SECRET"),
        tracking_id=value("ALIEXPRESS_TRACKING_ID"),
        api_url=value("ALIEXPRESS_API_URL") or DEFAULT_API_URL,
        sign_method=(value("ALIEXPRESS_SIGN_METHOD") or "sha256").lower(),
        currency=upper("ALIEXPRESS_CURRENCY"),
        language=upper("ALIEXPRESS_LANGUAGE"),
        ship_to=upper("ALIEXPRESS_SHIP_TO"),
        proxy_api_key=value("PROXY_API_KEY"),
        owner_api_key=value("OWNER_API_KEY"),
        public_base_url=(value("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        demo_gateway=value(DEMO_FLAG) == "1",
        version=value("VERCEL_GIT_COMMIT_SHA") or "dev",
        region=value("VERCEL_REGION"),
        production_host=value("VERCEL_PROJECT_PRODUCTION_URL"),
        mcp_allowed_origins=origins(value("MCP_ALLOWED_ORIGINS")),
        redis_url=value("REDIS_URL"),
        **{field_name: value(name) for name, field_name in LIMIT_VARIABLES},
        **{field_name: value(name) for name, field_name in CHANNEL_TRACKING_VARIABLES},
    )


def valid_tracking_id(text: str) -> bool:
    return 0 < len(text) <= 64 and all(char in _TRACKING_ID_CHARS for char in text)


def limit_value(text: str) -> int | None:
    """``"60"`` -> 60; anything but a whole number >= 1 (ASCII digits) -> None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    number = int(text)
    return number if number >= 1 else None


def origins(text: str | None) -> tuple[str, ...]:
    """``"https://a.example, https://b.example/"`` -> normalised origins."""
    parts = (part.strip().rstrip("/").lower() for part in (text or "").split(","))
    return tuple(part for part in parts if part)


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this instance (environment variables do not change in one)."""
    return load_settings(os.environ)
