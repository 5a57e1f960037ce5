"""The SDK's stateless session manager, kept running per event loop without ASGI lifespan.

The SDK means one ``StreamableHTTPSessionManager`` per application: ``run()`` entered
once for the application's life (normally from ASGI lifespan), ``handle_request`` per
request. In stateless mode the manager holds no session: each request still gets its
own transport and server session, so any instance answers any request. This function
cannot count on lifespan (the dev server forwards none; test clients send none), so
:class:`RunningSessionManager` starts a manager on the first request an event loop
serves and hands that loop's later requests to it.

Why not one manager per request (as before): entering its ``run()`` and waiting for its
task group to wind down cost 0.15-0.5 ms of every ``tools/call`` (interleaved A/B in one
process with ``bench.warm_path``'s calls; the more, the busier the machine), 20-40% of
what MCP added over a REST search. The SDK still does all of the protocol; no piece of
it is bypassed.

What this relies on:

- ``run()``'s task group must be entered and left by one task that outlives any
  request, so a background task holds it (with an empty context: no request's id or
  log fields). Each request's server task is still spawned from the request's own
  task, so it carries that request's context (its log line gets the tool and
  upstream fields).
- Vercel's runtime (``vercel_runtime``: uvicorn) serves every invocation of an
  instance on one event loop, so there is one manager per instance. A request on
  another loop (tests, ``asyncio.run`` per call, a host that replaces its loop) gets
  a manager of its own; the old loop's holder is told to stop, or was cancelled with
  the other leftover tasks when its loop shut down (``asyncio.run``, ``asyncio.Runner``).
- If the holder dies (its task group failed), the next request starts another one;
  requests in flight on the dead one fail, as they would with any crashed server.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from lib.http.context import Receive, Scope, Send


class _Running:
    """A manager running on ``loop``, held by ``holder`` until ``stop`` is set.

    A plain class: a frozen dataclass costs 0.7 ms more at import, on every cold start.
    """

    __slots__ = ("holder", "loop", "manager", "started", "stop")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        manager: StreamableHTTPSessionManager,
        started: asyncio.Event,
        stop: asyncio.Event,
        holder: asyncio.Task[None],
    ) -> None:
        self.loop = loop
        self.manager = manager
        self.started = started
        self.stop = stop
        self.holder = holder


class RunningSessionManager:
    """Hands each request to the manager running on its event loop (one per loop)."""

    def __init__(self, template: StreamableHTTPSessionManager) -> None:
        # The SDK configured ``template`` for the server; each loop gets one like it.
        self._template = template
        self._running: _Running | None = None

    async def handle_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        running = self._running
        # A new loop gets its own manager; so does a loop whose holder died.
        if (
            running is None
            or running.loop is not asyncio.get_running_loop()
            or running.holder.done()
        ):
            running = self._start()
        if not running.started.is_set():
            await running.started.wait()
        await running.manager.handle_request(scope, receive, send)

    def _start(self) -> _Running:
        """A manager and the task that keeps it running; set before any await, so
        concurrent first requests share it."""
        if self._running is not None:
            _stop(self._running)
        template = self._template
        manager = StreamableHTTPSessionManager(
            app=template.app,
            json_response=template.json_response,
            stateless=True,
            security_settings=template.security_settings,
            max_request_body_size=template.max_request_body_size,
        )
        loop = asyncio.get_running_loop()
        started, stop = asyncio.Event(), asyncio.Event()
        holder = loop.create_task(
            _hold(manager, started, stop),
            name="mcp-session-manager",
            context=contextvars.Context(),
        )
        self._running = _Running(loop, manager, started, stop, holder)
        return self._running


async def _hold(
    manager: StreamableHTTPSessionManager, started: asyncio.Event, stop: asyncio.Event
) -> None:
    try:
        async with manager.run():
            started.set()
            await stop.wait()
    finally:
        started.set()  # never leave a request waiting on a manager that did not start


def _stop(running: _Running) -> None:
    """Ask a replaced holder to leave ``run()``, from whatever loop is asking."""
    if running.holder.done() or running.loop.is_closed():
        return
    with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
        running.loop.call_soon_threadsafe(running.stop.set)
