"""The short-link resolver's network: a HEAD over HTTPS, status and Location only.

h11 drives the HTTP/1.1 exchange (the caller owns the socket, h11 the state
machine); asyncio streams carry it over TLS verified against certifi's bundle.
One connection per request, closed after the response head: no pooling, no body
read, the response head bounded by h11 (16 KiB). A server that refuses HEAD (405,
501) is asked once more with GET, and that answer too is read up to its head only.
Kept apart from the resolver so it can be swapped for the client transport's
head-only API once that exists.
The resolver passes only URLs it has checked; this module still refuses anything
but ``https`` on the default port.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import h11

USER_AGENT = "aliexpress-gpt-proxy (short-link resolver)"
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Opener = Callable[..., Awaitable[Streams]]  # asyncio.open_connection's signature


class HeadProbe:
    """``LinkProbe`` over the network; raises ``OSError`` when there is no usable answer."""

    def __init__(self, connect_timeout: float = 3.0, opener: Opener | None = None) -> None:
        self.connect_timeout = connect_timeout
        self.opener: Opener = opener or asyncio.open_connection  # tests: a loopback server
        self._tls: ssl.SSLContext | None = None

    async def head(self, url: str) -> tuple[int, str | None]:
        parts = urlsplit(url)
        host = parts.hostname
        if parts.scheme != "https" or not host or parts.port is not None:
            raise ConnectionError("only https on the default port")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        answer = await self._ask("HEAD", host, target)
        if answer[0] in (405, 501):  # a server that refuses HEAD: GET, head only
            answer = await self._ask("GET", host, target)
        return answer

    async def _ask(self, method: str, host: str, target: str) -> tuple[int, str | None]:
        async with asyncio.timeout(self.connect_timeout):
            reader, writer = await self.opener(host, 443, ssl=self._context())
        try:
            return await _exchange(reader, writer, method, host, target)
        except h11.ProtocolError as exc:
            raise ConnectionError(f"malformed answer ({type(exc).__name__})") from None
        finally:
            writer.close()  # never waits for a body

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            import certifi  # only once a short link is followed

            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str, host: str, target: str
) -> tuple[int, str | None]:
    """Send one request; return at the response head (status, Location)."""
    connection = h11.Connection(h11.CLIENT)
    headers = [("Host", host), ("User-Agent", USER_AGENT), ("Connection", "close")]
    writer.write(connection.send(h11.Request(method=method, target=target, headers=headers)))
    writer.write(connection.send(h11.EndOfMessage()))
    await writer.drain()
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(4096))
        elif isinstance(event, h11.Response):
            location = next((v for k, v in event.headers if k == b"location"), None)
            return event.status_code, location.decode("latin-1") if location else None
        elif isinstance(event, h11.ConnectionClosed):
            raise ConnectionError("closed before answering")
        # InformationalResponse (1xx): keep reading for the final answer
