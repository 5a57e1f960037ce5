"""Per-request context: request id, the JSON log line, and the last-resort 500.

:class:`RequestContext` is plain ASGI middleware used by every function, FastAPI
or not. It picks the request id (Vercel's ``x-vercel-id`` when present and sane,
else a new one), adds ``X-Request-ID`` to every response, collects fields other
layers add with :func:`annotate` (upstream method and latency, cache hit) and
writes one log line when the response is done. An exception escaping the app is
a bug: it is answered with the 500 envelope and its traceback goes to stderr.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from lib.http.client_ip import client_ip
from lib.http.errors import error_body
from lib.http.log import write_log_line

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_VERCEL_ID = re.compile(r"[A-Za-z0-9:_.\-]{1,128}")
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_log_fields: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)
_client_ip: ContextVar[str] = ContextVar("client_ip", default="unknown")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    """The client of the current request, as Vercel reports it (rate limits)."""
    return _client_ip.get()


def annotate(**fields: Any) -> None:
    """Add fields to the current request's log line (no-op outside a request)."""
    current = _log_fields.get()
    if current is not None:
        current.update(fields)


def logged(name: str) -> Any:
    """A field already on the current request's log line (None if none or no request)."""
    current = _log_fields.get()
    return None if current is None else current.get(name)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-vercel-id":
            text = value.decode("latin-1")
            if _VERCEL_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class RequestContext:
    def __init__(
        self,
        app: ASGIApp,
        function: str,
        log: Callable[[dict[str, Any]], None] = write_log_line,
    ) -> None:
        self.app = app
        self.function = function
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        fields: dict[str, Any] = {}
        id_token = _request_id.set(request_id)
        ip_token = _client_ip.set(client_ip(scope.get("headers", []), scope.get("client")))
        fields_token = _log_fields.set(fields)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # a bug: answer it as one, never as a 200
            fields["error"] = type(exc).__name__
            traceback.print_exc(file=sys.stderr)
            if status == 0:
                await _send_internal_error(send_with_id, request_id)
        finally:
            route = scope.get("route")
            self.log(
                {
                    "level": "error" if status >= 500 else "info",
                    "function": self.function,
                    "method": scope.get("method"),
                    "route": getattr(route, "path", None) or scope.get("path"),
                    "path": scope.get("path"),
                    "status": status,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                    **fields,
                }
            )
            _log_fields.reset(fields_token)
            _request_id.reset(id_token)
            _client_ip.reset(ip_token)


async def _send_internal_error(send: Send, request_id: str) -> None:
    body = error_body("internal_error", "Internal error; it has been logged.", request_id)
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})
