"""No response desync (issue #16): after one unusual answer on a pooled connection,
the next three requests on the same transport each get their own answer.

A raw loopback server echoes each request's body as its answer; the first answer
is framed as the fault says (devtools/fake_gateway/wire.py), with a whole second
answer hidden where a lax parser would leave it for the next request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from devtools.fake_gateway.wire import WireFault, answer_bytes, frame
from lib.aliexpress.transport import ProtocolError, StreamTransport

pytestmark = pytest.mark.anyio
SMUGGLED = answer_bytes(200, b"smuggled")
FORM = (("Content-Type", "application/x-www-form-urlencoded"),)


@asynccontextmanager
async def echo_server(first: WireFault | None, late: bytes = b"") -> AsyncIterator[str]:
    """Answer every request with its own body; the very first answer framed as ``first``.

    ``late``: bytes sent on the connection shortly after the first answer, unasked.
    """
    answered = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal answered
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                body = await reader.readexactly(length)
                answered += 1
                fault = first if answered == 1 else None
                writer.write(frame(fault, 200, body, SMUGGLED))
                await writer.drain()
                if fault is WireFault.CUT_SHORT:
                    break
                if late and answered == 1:
                    await asyncio.sleep(0.02)
                    writer.write(late)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/sync"
    finally:
        server.close()


async def ask(transport: StreamTransport, url: str, word: bytes) -> bytes:
    async with asyncio.timeout(2.0):
        return (await transport.post(url, word, FORM)).body


async def next_three_get_their_own(transport: StreamTransport, url: str) -> None:
    for word in (b"wireless mouse", b"capybara", b"phone case"):
        assert await ask(transport, url, word) == word


@pytest.mark.parametrize("fault", [WireFault.EARLY_HINTS, WireFault.TRAILING_ANSWER])
async def test_a_readable_answer_is_read_whole_and_nothing_more(fault: WireFault) -> None:
    transport = StreamTransport()
    async with echo_server(fault) as url:
        assert await ask(transport, url, b"laptop stand") == b"laptop stand"
        await next_three_get_their_own(transport, url)


@pytest.mark.parametrize(
    "fault",
    [
        WireFault.CONFLICTING_LENGTH,
        WireFault.LENGTH_AND_CHUNKED,
        WireFault.NON_ASCII_LENGTH,
        WireFault.NEGATIVE_CHUNK,
        WireFault.CUT_SHORT,
        WireFault.HEAD_TOO_LONG,
    ],
)
async def test_an_unreadable_answer_is_refused_and_its_connection_dropped(
    fault: WireFault,
) -> None:
    transport = StreamTransport()
    async with echo_server(fault) as url:
        with pytest.raises(ProtocolError):
            await ask(transport, url, b"laptop stand")
        await next_three_get_their_own(transport, url)


async def test_bytes_arriving_on_an_idle_connection_retire_it() -> None:
    transport = StreamTransport()
    async with echo_server(None, late=SMUGGLED) as url:
        assert await ask(transport, url, b"laptop stand") == b"laptop stand"
        await asyncio.sleep(0.1)  # the unasked answer arrives while the connection is idle
        await next_three_get_their_own(transport, url)
