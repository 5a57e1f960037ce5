"""Trailing slashes: ``/api/products/search/`` is ``/api/products/search``.

A redirect is never the answer (FastAPI's default ``redirect_slashes`` sends a 307
to an ``http://`` URL: behind Vercel's https that is a downgrade, and a client that
does not follow it gets no JSON), so the path is trimmed before routing instead:
the route answers, or the JSON 404 when there is none.
"""

from __future__ import annotations

from lib.http.context import ASGIApp, Receive, Scope, Send


def without_trailing_slash(path: str) -> str:
    return path.rstrip("/") or "/"


class TrailingSlashInsensitive:
    """ASGI middleware: route a path with trailing slashes as the path without them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path != "/" and path.endswith("/"):
            # In place, as Starlette's router does: the request log then sees the route.
            raw_path = scope.get("raw_path") or path.encode()
            scope["path"] = without_trailing_slash(path)
            scope["raw_path"] = raw_path.rstrip(b"/") or b"/"
        await self.app(scope, receive, send)
