"""lib/aliexpress/link_probe.py: one HEAD, read to its head, on a loopback socket the test owns.

The request function is the transport's own ``request_head``, sent to the loopback
server instead of port 443 of the link's host; it records what it was asked for,
and the bytes on the wire are the probe's and the transport's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest

from lib.aliexpress.link_probe import HeadProbe
from lib.aliexpress.transport import Head, request_head

pytestmark = pytest.mark.anyio
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def probe_against(handler: Handler) -> AsyncIterator[tuple[HeadProbe, list[Any]]]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connects: list[Any] = []

    async def to_loopback(url: str, **options: Any) -> Head:
        parts = urlsplit(url)
        connects.append((parts.hostname, parts.port or 443, parts.scheme == "https"))
        loopback = parts._replace(scheme="http", netloc=f"127.0.0.1:{port}").geturl()
        return await request_head(loopback, **options)

    try:
        yield HeadProbe(request=to_loopback), connects
    finally:
        server.close()


def answering(response: bytes, seen: list[bytes]) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(response)
        await writer.drain()
        await asyncio.sleep(1)  # the probe must not wait for a body or for the close
        writer.close()

    return handle


async def test_a_redirect_is_read_from_the_head_alone() -> None:
    seen: list[bytes] = []
    response = (
        b"HTTP/1.1 302 Found\r\nLocation: https://star.aliexpress.com/share/share.htm?x=1\r\n"
        b"Content-Length: 1000000\r\n\r\n"  # a body announced, never sent: not read
    )
    async with probe_against(answering(response, seen)) as (probe, connects):
        async with asyncio.timeout(0.5):
            answer = await probe.head("https://a.aliexpress.com/_EQPyrLx?a=1")
    assert answer == (302, "https://star.aliexpress.com/share/share.htm?x=1")
    assert connects == [("a.aliexpress.com", 443, True)]  # TLS, default port
    request = seen[0].decode()
    assert request.startswith("HEAD /_EQPyrLx?a=1 HTTP/1.1\r\n")
    assert "user-agent: aliexpress-gpt-proxy (short-link resolver)\r\n" in request.lower()


async def test_an_answer_without_location() -> None:
    seen: list[bytes] = []
    response = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    async with probe_against(answering(response, seen)) as (probe, _):
        assert await probe.head("https://a.aliexpress.com/_x") == (200, None)


async def test_a_server_refusing_head_is_asked_with_get_and_its_body_is_not_read() -> None:
    seen: list[bytes] = []
    answers = iter(
        [
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 302 Found\r\nLocation: /item/1.html\r\nContent-Length: 999999\r\n\r\n",
        ]
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await answering(next(answers), seen)(reader, writer)

    async with probe_against(handle) as (probe, connects):
        async with asyncio.timeout(0.5):
            assert await probe.head("https://a.aliexpress.com/_x") == (302, "/item/1.html")
    assert [request.split(b" ")[0] for request in seen] == [b"HEAD", b"GET"]
    assert len(connects) == 2


@pytest.mark.parametrize(
    "response",
    [b"", b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1 302 Found\r\nBad Header\r\n\r\n"],
)
async def test_no_usable_answer_is_an_oserror(response: bytes) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response)
        writer.close()

    async with probe_against(handle) as (probe, _):
        with pytest.raises(OSError):
            await probe.head("https://a.aliexpress.com/_x")


@pytest.mark.parametrize(
    "url", ["http://a.aliexpress.com/_x", "https://a.aliexpress.com:8443/_x", "https:///_x"]
)
async def test_it_refuses_anything_but_https_on_the_default_port(url: str) -> None:
    async def never(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise AssertionError("connected")

    async with probe_against(never) as (probe, connects):
        with pytest.raises(OSError):
            await probe.head(url)
    assert connects == []
