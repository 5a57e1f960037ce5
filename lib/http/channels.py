"""Which channel a REST request came through, known from the entrance it used.

The GPT spec's ``servers`` URL ends in ``/gpt`` and the landing page calls ``/web/api/...``;
``vercel.json`` sends both prefixes to the same functions, which still see the path as
asked (CONTRACT §5). This middleware takes the prefix off before routing and records the
channel, so every route answers the same under each entrance, and links carry that
channel's tracking ID (``ALIEXPRESS_TRACKING_ID_GPT`` ...). Any other path is ``api``. The
MCP function is the ``mcp`` channel by itself (lib/mcp_server/tools.py).

Nothing a caller sends can name a tracking ID: the IDs come from this deployment's own
environment, so no request can move commission to another owner. A caller can only enter
through another prefix of the same deployment, which moves the owner's commission between
the owner's own IDs; that is as much as a URL can prove, and it is enough to tell the
owner which assistant earns.
"""

from __future__ import annotations

from lib.config import DEFAULT_CHANNEL, ENTRANCE_OF
from lib.http.context import ASGIApp, Receive, Scope, Send, annotate


def channel_of(scope: Scope) -> str:
    """The channel :class:`ChannelEntrance` recorded for this request (``api`` if none)."""
    return scope.get("state", {}).get("channel", DEFAULT_CHANNEL)


def split_entrance(path: str) -> tuple[str, str]:
    """``/gpt/api/links`` -> (``gpt``, ``/api/links``); a path without one -> (``api``, path)."""
    for channel, prefix in ENTRANCE_OF.items():
        if path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] == "/":
            return channel, path[len(prefix) :]
    return DEFAULT_CHANNEL, path


class ChannelEntrance:
    """ASGI middleware: route ``/gpt/...`` and ``/web/...`` as ``/...``, noting the channel."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            asked = scope.get("path", "")
            channel, path = split_entrance(asked)
            if channel != DEFAULT_CHANNEL:
                # In place, as Starlette's router does: the request log then sees the route.
                prefix = asked[: len(asked) - len(path)].encode()
                raw_path = scope.get("raw_path") or asked.encode()
                scope["path"] = path
                scope["raw_path"] = raw_path.removeprefix(prefix)
            scope.setdefault("state", {})["channel"] = channel
            annotate(channel=channel)
        await self.app(scope, receive, send)
