"""A small HTTP/1.1 transport for ``httpx.AsyncClient`` on asyncio streams.

Why not httpx's default transport: it imports httpcore, which on its first lock
imports anyio's asyncio backend, and builds an SSL context even for plain HTTP.
Without shipped bytecode that is ~200 ms of every data function's cold start
(BENCHMARKS.md), for one upstream: a single HTTPS gateway answering small POSTs.

What it does: keep-alive connections pooled per (scheme, host, port), at most
``max_connections`` at once; request bodies sent whole; responses framed by
Content-Length, chunked encoding or connection close; TLS verified against
certifi's CA bundle (the same trust httpx uses), context built on first HTTPS
use. A pooled connection the server closed meanwhile is retried once on a fresh
one. Errors are httpx's own exception types, so callers see no difference.
Deadlines belong to the caller (``asyncio.timeout``); only connecting has its
own limit, from the request's ``timeout`` extension.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict
from collections.abc import Callable

import httpx

MAX_BODY = 8 * 2**20  # AliExpress answers are tens of KB; refuse anything absurd
MAX_HEADER_LINE = 64 * 2**10
Origin = tuple[str, str, int]


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @property
    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: httpx.Request, body: bytes) -> tuple[int, list, bytes, bool]:
        target = request.url.raw_path.decode("ascii")
        lines = [f"{request.method} {target} HTTP/1.1"]
        for name, value in request.headers.multi_items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                lines.append(f"{name}: {value}")
        lines += [f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
        self.writer.write("\r\n".join(lines).encode("latin-1") + body)
        await self.writer.drain()
        return await self._read_response()

    async def _read_response(self) -> tuple[int, list, bytes, bool]:
        status_line = await self._line()
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise httpx.RemoteProtocolError(f"malformed status line {status_line[:60]!r}")
        status, version = int(parts[1]), parts[0]
        headers: list[tuple[str, str]] = []
        while line := await self._line():
            name, sep, value = line.partition(":")
            if not sep:
                raise httpx.RemoteProtocolError("malformed header line")
            headers.append((name.strip(), value.strip()))
        fields = {name.lower(): value for name, value in headers}
        connection = fields.get("connection", "").lower()
        keep_alive = version == "HTTP/1.1" and "close" not in connection
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = await self._chunked()
        elif "content-length" in fields:
            length = int(fields["content-length"]) if fields["content-length"].isdigit() else -1
            if not 0 <= length <= MAX_BODY:
                raise httpx.RemoteProtocolError("bad or oversized Content-Length")
            body = await self.reader.readexactly(length)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:  # delimited by the server closing the connection
            body = await self.reader.read(MAX_BODY + 1)
            while chunk := await self.reader.read(MAX_BODY + 1 - len(body)):
                body += chunk
            if len(body) > MAX_BODY:
                raise httpx.RemoteProtocolError("oversized body")
            keep_alive = False
        # Drop framing headers: the body is already decoded and whole.
        headers = [(n, v) for n, v in headers if n.lower() not in ("transfer-encoding",)]
        return status, headers, body, keep_alive

    async def _chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_text = (await self._line()).split(";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError("malformed chunk size") from None
            if size == 0:
                while await self._line():  # trailers, then the blank line
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise httpx.RemoteProtocolError("oversized body")
            body += await self.reader.readexactly(size)
            if await self.reader.readexactly(2) != b"\r\n":
                raise httpx.RemoteProtocolError("malformed chunk")

    async def _line(self) -> str:
        try:
            line = await self.reader.readuntil(b"\r\n")
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("header line too long") from None
        return line[:-2].decode("latin-1")


class StreamTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        max_connections: int = 32,
        ssl_context_factory: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        self._idle: defaultdict[Origin, list[_Connection]] = defaultdict(list)
        self._slots = asyncio.Semaphore(max_connections)
        self._ssl_context_factory = ssl_context_factory or _certifi_context
        self._ssl_context: ssl.SSLContext | None = None
        self.connections_opened = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = _origin(request.url)
        body = await request.aread()
        async with self._slots:
            connection = self._take_idle(origin)
            if connection is not None:
                try:
                    return await self._exchange(origin, connection, request, body)
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    pass  # the server closed a kept-alive connection: one fresh try
            connection = await self._connect(origin, request)
            return await self._exchange(origin, connection, request, body)

    async def _exchange(
        self, origin: Origin, connection: _Connection, request: httpx.Request, body: bytes
    ) -> httpx.Response:
        try:
            status, headers, content, keep_alive = await connection.exchange(request, body)
        except asyncio.IncompleteReadError:
            connection.close()
            raise httpx.RemoteProtocolError("server closed the connection mid-answer") from None
        except (ConnectionError, OSError) as exc:
            connection.close()
            raise httpx.ReadError(type(exc).__name__) from None
        except BaseException:  # protocol errors, and cancellation by the caller's deadline
            connection.close()
            raise
        if keep_alive:
            self._idle[origin].append(connection)
        else:
            connection.close()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle[origin]
        while idle:
            connection = idle.pop()
            if connection.usable:
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin, request: httpx.Request) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = self._ssl_context_factory()
            tls = self._ssl_context
        timeout = request.extensions.get("timeout", {}).get("connect")
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=tls,
                    server_hostname=host if tls else None,
                    limit=MAX_HEADER_LINE,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("connecting timed out") from None
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(type(exc).__name__) from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


def _origin(url: httpx.URL) -> Origin:
    if url.scheme not in ("http", "https"):
        raise httpx.UnsupportedProtocol(f"unsupported scheme {url.scheme!r}")
    return url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80)


def _certifi_context() -> ssl.SSLContext:
    import certifi  # installed with httpx; only needed once HTTPS is used

    return ssl.create_default_context(cafile=certifi.where())
