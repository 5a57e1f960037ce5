"""The short-link resolver's network: one HEAD over HTTPS, status and Location only.

h11 drives the HTTP/1.1 exchange (the caller owns the socket, h11 the state
machine); asyncio streams carry it over TLS verified against certifi's bundle.
One connection per request, closed after the response head: no pooling, no body
read, the response head bounded by h11 (16 KiB). Kept apart from the resolver so
it can be swapped for the client transport's head-only API once that exists.
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
        async with asyncio.timeout(self.connect_timeout):
            reader, writer = await self.opener(host, 443, ssl=self._context())
        try:
            return await _exchange(reader, writer, host, parts.path or "/", parts.query)
        except h11.ProtocolError as exc:
            raise ConnectionError(f"malformed answer ({type(exc).__name__})") from None
        finally:
            writer.close()

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            import certifi  # only once a short link is followed

            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str, query: str
) -> tuple[int, str | None]:
    connection = h11.Connection(h11.CLIENT)
    target = path + (f"?{query}" if query else "")
    headers = [("Host", host), ("User-Agent", USER_AGENT), ("Connection", "close")]
    writer.write(connection.send(h11.Request(method="HEAD", target=target, headers=headers)))
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
