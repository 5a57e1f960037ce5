"""How the client reaches AliExpress: the ``Transport`` it needs, and the default one.

The client needs one thing from HTTP: POST a form to the gateway and read the
whole answer. ``Transport`` is that contract, so any implementation can be
injected: tests plug in the fake gateway in process (devtools/httpx_transport.py
adapts any httpx transport), production uses ``StreamTransport``.

HTTP/1.1 itself is h11's job: it frames requests and answers (Content-Length,
chunked, close-delimited, interim 1xx answers, trailers), rejects what is not
valid HTTP/1.1 (conflicting lengths, non-ASCII or negative framing numbers,
oversized heads) and says when a connection may carry another exchange. This
module owns only the sockets around it, as h11's documentation describes: asyncio
streams, TLS verified against certifi's CA bundle (the context built on first
HTTPS use), a pool of keep-alive connections per (scheme, host, port), the
connect timeout, the gzip decoding and the size bounds.

Why not httpx: its default transport adds httpx and httpcore (with idna,
http.cookiejar, urllib.request) to the products function's cold start, for an
upstream that needs one POST to one HTTPS gateway. Measured 2026-11-29 (products
loaded as Vercel loads it, first request served, no bytecode, 15 interleaved
pairs; ``python -m bench.cold_start --compare-httpx`` measures the same in one
run): httpx's default transport in place of this one costs 180 ms more CPU
(+13%; +290 ms wall, +17%). Importing httpx and making its ``AsyncClient``
alone is 155-195 ms of CPU without bytecode, 48-60 ms with. h11, which httpcore
uses too, is 22-26 ms (10 ms with bytecode): products costs 23 ms more CPU (+2%)
than with the hand-written parser h11 replaced.

Reuse rules (a connection is out of step once an answer's bytes stay unread, and
the next caller would get the previous caller's answer):

- a connection goes back to the pool only when h11 says both sides are done and
  not a byte arrived past the end of the answer; anything else closes it;
- a pooled connection on which bytes or EOF arrived while idle is closed, not used;
- only a reused connection that failed before any byte of the answer arrived
  (a keep-alive socket the server closed meanwhile) is retried, once, on a fresh
  connection. A malformed answer is never retried here.

Failures are ``OSError`` (network, TLS; ``TimeoutError`` when connecting takes
too long) or ``ProtocolError`` (not valid HTTP/1.1, or over our limits); the
client translates them once. Deadlines belong to the caller (``asyncio.timeout``);
only connecting has its own limit.

Other callers (e.g. following a redirect) reuse the same pieces: :func:`connect`
opens a verified connection to a URL's origin, :meth:`Connection.send` sends one
request, :meth:`Connection.read_head` reads an answer's status and headers only,
and :func:`request_head` does all three on a fresh connection and closes it.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

import h11

MAX_BODY = 8 * 2**20  # AliExpress answers are tens of KB; refuse anything absurd
MAX_HEAD = 64 * 2**10  # status line and headers of one answer, together
READ_SIZE = 64 * 2**10
Origin = tuple[str, str, int]
Headers = Sequence[tuple[str, str]]
# Set by the transport, whatever the caller passes: they describe the framing and
# decoding it does.
_OWNED = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 we can read, or exceeds our limits."""


class Head(NamedTuple):
    """An answer's final status and headers (names as sent), body not read."""

    status: int
    headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), else ``None``."""
        name = name.lower()
        return next((v for n, v in self.headers if n.lower() == name), None)


class Reply(NamedTuple):
    """A whole HTTP answer: status, headers as sent (minus framing), decoded body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Transport(Protocol):
    """What the client needs from HTTP; raise ``OSError`` or ``ProtocolError``."""

    async def post(self, url: str, body: bytes, headers: Headers) -> Reply: ...

    async def aclose(self) -> None: ...


class Target(NamedTuple):
    """Where a URL's request goes: the origin to connect to, Host, request target."""

    origin: Origin
    host_header: str
    path: str  # path and query, as sent on the request line

    @classmethod
    def parse(cls, url: str) -> Target:
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


class Connection:
    """One HTTP/1.1 connection: our socket, h11's state machine."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.answer_started = False  # a byte of the current answer has arrived

    async def send(self, method: str, target: Target, headers: Headers, body: bytes = b"") -> None:
        """Send one whole request; framing headers are ours, the caller's are dropped."""
        fields = [("Host", target.host_header)]
        fields += [(name, value) for name, value in headers if name.lower() not in _OWNED]
        fields.append(("Accept-Encoding", "gzip"))
        if body or method not in ("GET", "HEAD"):
            fields.append(("Content-Length", str(len(body))))
        self.answer_started = False
        try:
            data = self.h11.send(h11.Request(method=method, target=target.path, headers=fields))
            data += self.h11.send(h11.Data(data=body)) if body else b""
            data += self.h11.send(h11.EndOfMessage())
        except (h11.LocalProtocolError, UnicodeEncodeError) as exc:  # a line break, non-ASCII
            raise ProtocolError(f"cannot send this request: {exc}") from None
        self.writer.write(data)
        await self.writer.drain()

    async def read_head(self) -> Head:
        """The final answer's status and headers; interim 1xx answers are read past."""
        while True:
            event = await self._next_event()
            if isinstance(event, h11.InformationalResponse):
                if event.status_code == 101:  # we never ask to switch protocols
                    raise ProtocolError("unrequested protocol switch")
                continue
            if not isinstance(event, h11.Response):
                raise ProtocolError("server closed the connection before answering")
            names = {name for name, _ in event.headers}
            # RFC 9112 §6.3: both framings at once is how responses get split.
            if b"content-length" in names and b"transfer-encoding" in names:
                raise ProtocolError("both Content-Length and Transfer-Encoding")
            raw = event.headers.raw_items()
            # h11 bounds a head still arriving; one that arrived whole is measured here.
            if sum(len(name) + len(value) + 4 for name, value in raw) > MAX_HEAD:
                raise ProtocolError("answer head too long")
            headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]
            length = next((v for n, v in event.headers if n == b"content-length"), None)
            if length is not None and int(length) > MAX_BODY:  # ASCII digits: h11 checked
                raise ProtocolError("oversized body")
            return Head(event.status_code, headers)

    async def read_body(self) -> bytes:
        """The rest of the current answer, whole, bounded by ``MAX_BODY``."""
        body = bytearray()
        while True:
            event = await self._next_event()
            if isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    raise ProtocolError("oversized body")
            elif isinstance(event, h11.EndOfMessage):
                return bytes(body)
            else:
                raise ProtocolError("server closed the connection mid-answer")

    async def exchange(self, target: Target, body: bytes, headers: Headers) -> Reply:
        await self.send("POST", target, headers, body)
        head = await self.read_head()
        raw = await self.read_body()
        decoded = _decode(raw, head.header("content-encoding") or "identity")
        # Drop what described the wire: the body is whole and decoded now.
        dropped = ("transfer-encoding", "content-encoding", "content-length")
        kept = [(n, v) for n, v in head.headers if n.lower() not in dropped]
        return Reply(head.status, kept, decoded)

    def ready_for_next(self) -> bool:
        """After a whole exchange: may this connection carry another one?"""
        state = self.h11
        if state.our_state is not h11.DONE or state.their_state is not h11.DONE:
            return False  # Connection: close, HTTP/1.0, or a body read to EOF
        if state.trailing_data != (b"", False):
            return False  # bytes past the answer's end: the stream is out of step
        state.start_next_cycle()
        return True

    async def idle_and_clean(self) -> bool:
        """True when nothing (no byte, no EOF) arrived while the connection sat idle."""
        if self.writer.is_closing() or self.reader.at_eof():
            return False
        try:
            async with asyncio.timeout(0):  # read returns at once only if bytes are buffered
                await self.reader.read(1)
        except TimeoutError:
            return True
        return False

    def close(self) -> None:
        self.writer.close()

    async def _next_event(self) -> object:
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise ProtocolError(f"invalid HTTP/1.1 answer: {exc}") from None
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ_SIZE)
            if data:
                self.answer_started = True
            self.h11.receive_data(data)  # b"": the server closed its side


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


async def connect(
    url: str | Target,
    *,
    connect_timeout: float = 3.0,
    ssl_context: ssl.SSLContext | None = None,
) -> Connection:
    """A new connection to the URL's origin; HTTPS verified (certifi unless given a context)."""
    target = url if isinstance(url, Target) else Target.parse(url)
    scheme, host, port = target.origin
    tls = (ssl_context or certifi_context()) if scheme == "https" else None
    try:
        async with asyncio.timeout(connect_timeout):
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=host if tls else None, limit=READ_SIZE
            )
    except TimeoutError:
        raise TimeoutError("connecting timed out") from None
    return Connection(reader, writer)


async def request_head(
    url: str,
    *,
    method: str = "GET",
    headers: Headers = (),
    connect_timeout: float = 3.0,
    ssl_context: ssl.SSLContext | None = None,
) -> Head:
    """Send one request on a fresh connection, read only the answer's head, close.

    For answers whose head is all that matters (a redirect's status and
    ``Location``). The body is never read, so the connection is never reused.
    """
    target = Target.parse(url)
    connection = await connect(target, connect_timeout=connect_timeout, ssl_context=ssl_context)
    try:
        await connection.send(method, target, headers)
        return await connection.read_head()
    finally:
        connection.close()


class StreamTransport:
    """The default ``Transport``: pooled HTTP/1.1 keep-alive on asyncio streams."""

    def __init__(
        self,
        max_connections: int = 32,
        connect_timeout: float = 3.0,
        ssl_context_factory: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        self._idle: defaultdict[Origin, list[Connection]] = defaultdict(list)
        self._slots = asyncio.Semaphore(max_connections)
        self.connect_timeout = connect_timeout
        self._ssl_context_factory = ssl_context_factory or certifi_context
        self._ssl_context: ssl.SSLContext | None = None
        self.connections_opened = 0

    async def post(self, url: str, body: bytes, headers: Headers) -> Reply:
        target = Target.parse(url)
        async with self._slots:
            connection = await self._take_idle(target.origin)
            if connection is not None:
                try:
                    return await self._exchange(target, connection, body, headers)
                except (OSError, ProtocolError):
                    if connection.answer_started:
                        raise  # a real (bad) answer: never resent
                    # A kept-alive connection the server closed meanwhile: one fresh try.
            connection = await self._connect(target)
            return await self._exchange(target, connection, body, headers)

    async def _exchange(
        self, target: Target, connection: Connection, body: bytes, headers: Headers
    ) -> Reply:
        try:
            reply = await connection.exchange(target, body, headers)
        except BaseException:  # network and protocol errors, and the caller's deadline
            connection.close()
            raise
        if connection.ready_for_next():
            self._idle[target.origin].append(connection)
        else:
            connection.close()
        return reply

    async def _take_idle(self, origin: Origin) -> Connection | None:
        idle = self._idle[origin]
        while idle:
            connection = idle.pop()
            if await connection.idle_and_clean():
                return connection
            connection.close()
        return None

    async def _connect(self, target: Target) -> Connection:
        if target.origin[0] == "https" and self._ssl_context is None:
            self._ssl_context = self._ssl_context_factory()
        connection = await connect(
            target, connect_timeout=self.connect_timeout, ssl_context=self._ssl_context
        )
        self.connections_opened += 1
        return connection

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


_certifi_context: ssl.SSLContext | None = None


def certifi_context() -> ssl.SSLContext:
    """The TLS context for public HTTPS: certifi's CA bundle, made on first use."""
    global _certifi_context
    if _certifi_context is None:
        import certifi  # only needed once HTTPS is used

        _certifi_context = ssl.create_default_context(cafile=certifi.where())
    return _certifi_context
