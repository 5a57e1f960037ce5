"""A tiny ASGI app for functions that must not import FastAPI (health, spec).

Routes are exact paths; each handler takes a :class:`Request` and returns a
:class:`Response`. Unknown paths and methods get the contract's envelope;
``HTTPProblem`` raised by a handler becomes its status. Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from lib.http.context import Receive, RequestContext, Scope, Send, current_request_id
from lib.http.errors import (
    HTTPProblem,
    MethodNotAllowed,
    NotFound,
    error_body,
    no_route_message,
    not_allowed_message,
    problem_headers,
)
from lib.http.slashes import without_trailing_slash


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    @classmethod
    def from_scope(cls, scope: Scope) -> Request:
        headers: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        return cls(scope["method"], scope["path"], query, headers)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def json_response(status: int, document: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(document, separators=(",", ":")).encode()
    return Response(status, body, dict(headers or {}))


Handler = Callable[[Request], Awaitable[Response]]


class PlainApp:
    """Exact-path routing for GET/HEAD, wrapped in :class:`RequestContext`."""

    def __init__(self, function: str, routes: Mapping[str, Handler]) -> None:
        self.routes = dict(routes)
        self._asgi = RequestContext(self._dispatch, function)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        await self._asgi(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request.from_scope(scope)
        try:
            handler = self.routes.get(without_trailing_slash(request.path))
            if handler is None:
                raise NotFound(no_route_message(request.path))
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(not_allowed_message(request.method, "GET"), "GET, HEAD")
            response = await handler(request)
        except HTTPProblem as problem:
            response = Response(
                problem.status,
                error_body(problem.code, problem.message, current_request_id()),
                {"cache-control": "no-store", **problem_headers(problem)},
            )
        await _send(send, response, with_body=request.method != "HEAD")


async def _send(send: Send, response: Response, *, with_body: bool) -> None:
    headers = [(b"content-type", response.content_type.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body if with_body else b""})


async def serve_lifespan(receive: Receive, send: Send) -> None:
    """Answer ASGI lifespan events for an app with nothing to start or stop."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
