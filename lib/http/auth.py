"""Bearer-key checks for ``PROXY_API_KEY`` and ``OWNER_API_KEY`` (constant time)."""

from __future__ import annotations

import hmac

from lib.http.errors import NotConfigured, Unauthorized


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else ``None``."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


def check_api_key(authorization: str | None, api_key: str | None) -> None:
    """Raise :class:`Unauthorized` unless no key is set or the bearer token matches it."""
    if not api_key:
        return
    token = bearer_token(authorization)
    # compare_digest on bytes: constant time whatever the token holds.
    if token is None or not hmac.compare_digest(token.encode(), api_key.encode()):
        raise Unauthorized("Missing or invalid API key: send 'Authorization: Bearer <key>'.")


def check_owner_key(authorization: str | None, owner_key: str | None) -> None:
    """The owner's routes: only ``OWNER_API_KEY`` opens them, and nothing does while it
    is unset (503, so the owner learns what to set; no other key is ever tried)."""
    if not owner_key:
        raise NotConfigured("Owner routes are not configured: set OWNER_API_KEY.")
    token = bearer_token(authorization)
    if token is None or not hmac.compare_digest(token.encode(), owner_key.encode()):
        raise Unauthorized("Missing or invalid owner key: send 'Authorization: Bearer <key>'.")
