"""Bearer-key check for ``PROXY_API_KEY`` (constant-time comparison)."""

from __future__ import annotations

import hmac

from lib.http.errors import Unauthorized


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
