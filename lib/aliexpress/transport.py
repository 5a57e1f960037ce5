"""How the client reaches AliExpress: the ``Transport`` it needs, and the default one.

The client needs one thing from HTTP: POST a form to the gateway and read the
whole answer. ``Transport`` is that contract, so any implementation can be
injected: tests plug in the fake gateway in process (devtools/httpx_transport.py
adapts any httpx transport), production uses ``StreamTransport``.

Why our own and not httpx: ``import httpx`` alone (with idna, http.cookiejar and
urllib.request) costs ~85 ms of every data function's cold start without shipped
bytecode, and its default transport adds httpcore and anyio's asyncio backend on
top (~200 ms; BENCHMARKS.md). For one upstream - a single HTTPS gateway answering
small POSTs - that buys nothing the standard library does not give.

What ``StreamTransport`` does: HTTP/1.1 on asyncio streams; keep-alive
connections pooled per (scheme, host, port), at most ``max_connections`` at once;
request bodies sent whole; responses framed by Content-Length, chunked encoding or
connection close, gzip decoded, bounded by ``MAX_BODY``; TLS verified against
certifi's CA bundle, the context built on first HTTPS use. A pooled connection the
server closed meanwhile is retried once on a fresh one. Failures are ``OSError``
(network, TLS; ``TimeoutError`` when connecting takes too long) or
``ProtocolError`` (not valid HTTP); the client translates them once. Deadlines
belong to the caller (``asyncio.timeout``); only connecting has its own limit.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

MAX_BODY = 8 * 2**20  # AliExpress answers are tens of KB; refuse anything absurd
MAX_HEADER_LINE = 64 * 2**10
Origin = tuple[str, str, int]
Headers = Sequence[tuple[str, str]]
# Set by the transport, whatever the caller passes: they describe the framing and
# decoding it does.
_OWNED = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 we can read, or exceeds our limits."""


@dataclass(frozen=True)
class Reply:
    """A whole HTTP answer: status, headers as sent (minus framing), decoded body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Transport(Protocol):
    """What the client needs from HTTP; raise ``OSError`` or ``ProtocolError``."""

    async def post(self, url: str, body: bytes, headers: Headers) -> Reply: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class _Target:
    origin: Origin
    host_header: str
    path: str  # path and query, as sent on the request line

    @classmethod
    def parse(cls, url: str) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ProtocolError(f"unsupported URL scheme {parts.scheme!r}")
        if not parts.hostname:
            raise ProtocolError("no host in URL")
        try:
            explicit_port = parts.port
        except ValueError:
            raise ProtocolError("invalid port in URL") from None
        host = parts.hostname
        port = explicit_port or (443 if parts.scheme == "https" else 80)
        host_header = f"[{host}]" if ":" in host else host
        if explicit_port:
            host_header += f":{explicit_port}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls((parts.scheme, host, port), host_header, path)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @property
    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, target: _Target, body: bytes, headers: Headers) -> tuple[Reply, bool]:
        lines = [f"POST {target.path} HTTP/1.1", f"Host: {target.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers if name.lower() not in _OWNED]
        lines += [
            "Accept-Encoding: gzip",
            f"Content-Length: {len(body)}",
            "Connection: keep-alive",
            "",
            "",
        ]
        self.writer.write("\r\n".join(lines).encode("latin-1") + body)
        await self.writer.drain()
        return await self._read_reply()

    async def _read_reply(self) -> tuple[Reply, bool]:
        status_line = await self._line()
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError(f"malformed status line {status_line[:60]!r}")
        status, version = int(parts[1]), parts[0]
        headers: list[tuple[str, str]] = []
        while line := await self._line():
            name, sep, value = line.partition(":")
            if not sep:
                raise ProtocolError("malformed header line")
            headers.append((name.strip(), value.strip()))
        fields = {name.lower(): value for name, value in headers}
        keep_alive = version == "HTTP/1.1" and "close" not in fields.get("connection", "").lower()
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = await self._chunked()
        elif "content-length" in fields:
            length = int(fields["content-length"]) if fields["content-length"].isdigit() else -1
            if not 0 <= length <= MAX_BODY:
                raise ProtocolError("bad or oversized Content-Length")
            body = await self.reader.readexactly(length)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:  # delimited by the server closing the connection
            body = await self.reader.read(MAX_BODY + 1)
            while chunk := await self.reader.read(MAX_BODY + 1 - len(body)):
                body += chunk
            if len(body) > MAX_BODY:
                raise ProtocolError("oversized body")
            keep_alive = False
        body = _decode(body, fields.get("content-encoding", "identity"))
        # Drop what described the wire: the body is whole and decoded now.
        dropped = ("transfer-encoding", "content-encoding", "content-length")
        kept = [(n, v) for n, v in headers if n.lower() not in dropped]
        return Reply(status, kept, body), keep_alive

    async def _chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_text = (await self._line()).split(";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError("malformed chunk size") from None
            if size == 0:
                while await self._line():  # trailers, then the blank line
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise ProtocolError("oversized body")
            body += await self.reader.readexactly(size)
            if await self.reader.readexactly(2) != b"\r\n":
                raise ProtocolError("malformed chunk")

    async def _line(self) -> str:
        try:
            line = await self.reader.readuntil(b"\r\n")
        except asyncio.LimitOverrunError:
            raise ProtocolError("header line too long") from None
        return line[:-2].decode("latin-1")


def _decode(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":  # the only one we ask for
        raise ProtocolError(f"unexpected Content-Encoding {encoding[:20]!r}")
    decoder = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        decoded = decoder.decompress(body, MAX_BODY + 1)
    except zlib.error:
        raise ProtocolError("malformed gzip body") from None
    if len(decoded) > MAX_BODY or decoder.unconsumed_tail:
        raise ProtocolError("oversized body")
    return decoded


class StreamTransport:
    """The default ``Transport``: pooled HTTP/1.1 keep-alive on asyncio streams."""

    def __init__(
        self,
        max_connections: int = 32,
        connect_timeout: float = 3.0,
        ssl_context_factory: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        self._idle: defaultdict[Origin, list[_Connection]] = defaultdict(list)
        self._slots = asyncio.Semaphore(max_connections)
        self.connect_timeout = connect_timeout
        self._ssl_context_factory = ssl_context_factory or _certifi_context
        self._ssl_context: ssl.SSLContext | None = None
        self.connections_opened = 0

    async def post(self, url: str, body: bytes, headers: Headers) -> Reply:
        target = _Target.parse(url)
        async with self._slots:
            connection = self._take_idle(target.origin)
            if connection is not None:
                try:
                    return await self._exchange(target, connection, body, headers)
                except (OSError, ProtocolError):
                    pass  # the server closed a kept-alive connection: one fresh try
            connection = await self._connect(target.origin)
            return await self._exchange(target, connection, body, headers)

    async def _exchange(
        self, target: _Target, connection: _Connection, body: bytes, headers: Headers
    ) -> Reply:
        try:
            reply, keep_alive = await connection.exchange(target, body, headers)
        except asyncio.IncompleteReadError:
            connection.close()
            raise ProtocolError("server closed the connection mid-answer") from None
        except BaseException:  # network and protocol errors, and the caller's deadline
            connection.close()
            raise
        if keep_alive:
            self._idle[target.origin].append(connection)
        else:
            connection.close()
        return reply

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle[origin]
        while idle:
            connection = idle.pop()
            if connection.usable:
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = self._ssl_context_factory()
            tls = self._ssl_context
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=tls,
                    server_hostname=host if tls else None,
                    limit=MAX_HEADER_LINE,
                )
        except TimeoutError:
            raise TimeoutError("connecting timed out") from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


def _certifi_context() -> ssl.SSLContext:
    import certifi  # only needed once HTTPS is used

    return ssl.create_default_context(cafile=certifi.where())
