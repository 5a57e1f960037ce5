"""The MCP function's HTTP side: stateless Streamable HTTP behind any public Host.

:class:`McpEndpoint` is the ASGI app ``api/mcp_fn/index.py`` exports. Before the
SDK sees a request it answers, in the contract's error envelope:

- an unknown path with 404 (the function answers ``/mcp``, ``/api/mcp`` and its
  canonical ``/api/mcp_fn``: after a rewrite it still sees the original path);
- any method but POST with 405 and ``Allow`` - the SDK would answer GET with an
  SSE stream that never ends, holding the function until ``maxDuration``;
- an ``Origin`` not in ``MCP_ALLOWED_ORIGINS`` with 403 (the MCP spec's DNS
  rebinding defence; server-to-server clients send no Origin);
- a missing or wrong ``PROXY_API_KEY`` bearer with 401 and ``WWW-Authenticate``.

Then the SDK serves the POST (stateless, JSON responses): its session manager,
started on the first request an event loop serves and kept running for that
loop (:mod:`lib.mcp_server.session_manager`), gives the request a transport and
server session of its own, so any instance answers any request and nothing
depends on the host running ASGI lifespan (Vercel does; the dev server and test
clients need not).

The SDK's own Host check is off on purpose: with its default (``host`` 127.0.0.1)
it answers every non-localhost Host - the deployment URL, a custom domain - with
``421 Invalid Host header`` (CONTRACT §5). Vercel only routes this project's
domains here; the Origin check above is what stops a hostile web page.

Every answer carries ``X-Request-ID``; the request's log line names the JSON-RPC
method and tool (``lib.mcp_server.server.log_jsonrpc_method``).
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from lib.config import get_settings
from lib.http.auth import check_api_key
from lib.http.context import Message, Receive, RequestContext, Scope, Send, current_request_id
from lib.http.errors import (
    Forbidden,
    HTTPProblem,
    MethodNotAllowed,
    NotFound,
    error_body,
    no_route_message,
    problem_headers,
)
from lib.http.plain import serve_lifespan
from lib.mcp_server.session_manager import RunningSessionManager

MCP_PATHS = frozenset({"/mcp", "/api/mcp", "/api/mcp_fn"})
ALLOW = "POST, OPTIONS"
# Host is not checked (see the module docstring); Origin is checked by McpEndpoint.
ANY_HOST = TransportSecuritySettings(enable_dns_rebinding_protection=False)
CORS_ALLOW_HEADERS = (
    "authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id"
)
CORS_EXPOSE_HEADERS = "mcp-session-id, mcp-protocol-version, x-request-id, www-authenticate"


class McpEndpoint:
    def __init__(self, server: MCPServer[Any], *, function: str = "mcp") -> None:
        self.server = server
        # The SDK configures a session manager for these options; each event loop
        # runs one like it.
        server.streamable_http_app(
            json_response=True, stateless_http=True, transport_security=ANY_HOST
        )
        self._sessions = RunningSessionManager(server.session_manager)
        self._asgi = RequestContext(self._dispatch, function)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        await self._asgi(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        origin = headers.get("origin")
        try:
            check_request(scope, origin, headers.get("authorization"))
        except HTTPProblem as problem:
            await _send_problem(send, problem, cors_headers(origin, problem))
            return
        if scope["method"] == "OPTIONS":  # a CORS preflight from an allowed origin
            await _send_empty(send, 204, [*cors_headers(origin), *_preflight_headers()])
            return
        await self._sessions.handle_request(
            scope, receive, _adding_headers(send, cors_headers(origin))
        )


def check_request(scope: Scope, origin: str | None, authorization: str | None) -> None:
    """Path, method, Origin and API key, in that order; raises the problem."""
    path = scope["path"].rstrip("/") or "/"
    if path not in MCP_PATHS:
        raise NotFound(no_route_message(scope["path"]))
    if scope["method"] not in ("POST", "OPTIONS"):
        raise MethodNotAllowed(
            f"{scope['method'][:20]} is not allowed here; MCP clients POST JSON-RPC to this URL.",
            ALLOW,
        )
    settings = get_settings()
    if origin is not None and origin.rstrip("/").lower() not in settings.mcp_allowed_origins:
        raise Forbidden(
            "This Origin may not call the MCP endpoint; the deployment lists the browser "
            "origins it accepts in MCP_ALLOWED_ORIGINS."
        )
    if scope["method"] == "POST":  # a preflight carries no credentials
        check_api_key(authorization, settings.proxy_api_key)


def cors_headers(
    origin: str | None, problem: HTTPProblem | None = None
) -> list[tuple[bytes, bytes]]:
    """CORS for an allowed browser origin (never for one that was refused)."""
    if origin is None or isinstance(problem, Forbidden):
        return []
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-expose-headers", CORS_EXPOSE_HEADERS.encode()),
        (b"vary", b"origin"),
    ]


def _preflight_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-methods", b"POST"),
        (b"access-control-allow-headers", CORS_ALLOW_HEADERS.encode()),
        (b"access-control-max-age", b"600"),
        (b"allow", ALLOW.encode()),
    ]


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


def _adding_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    """``send`` that adds ``no-store`` and ``extra`` to the response head."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"cache-control" for name, _ in headers):
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers + extra}
        await send(message)

    return wrapped


async def _send_problem(send: Send, problem: HTTPProblem, extra: list[tuple[bytes, bytes]]) -> None:
    body = error_body(problem.code, problem.message, current_request_id())
    headers = [
        (b"content-type", b"application/json"),
        (b"cache-control", b"no-store"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in problem_headers(problem).items()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_empty(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
