"""lib/aliexpress/transport.py against servers that are not ours, on loopback: a raw
socket server whose every byte the test decides, and uvicorn (h11). Framing, keep-alive,
stale connections, gzip, errors, limits, and the head-only request. TLS:
test_transport_tls.py; desync after odd answers: test_transport_desync.py."""

from __future__ import annotations

import asyncio
import gzip
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.server import serve_in_thread
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import TransportError, UpstreamTimeoutError
from lib.aliexpress.transport import (
    MAX_BODY,
    ProtocolError,
    Reply,
    StreamTransport,
    request_head,
)
from tests.conftest import modules_after

pytestmark = pytest.mark.anyio
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """A loopback server whose every byte the test decides."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + await reader.readexactly(length)


def answering(*responses: bytes, close_after: bool = False) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for response in responses:
            await read_request(reader)
            writer.write(response)
            await writer.drain()
        if close_after:
            writer.close()
        else:
            await asyncio.sleep(5)

    return handle


FORM = (("Content-Type", "application/x-www-form-urlencoded"),)


async def post(transport: StreamTransport, url: str) -> Reply:
    async with asyncio.timeout(2.0):
        return await transport.post(url, b"q=phone+case", FORM)


async def test_content_length_answer_and_request_framing() -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b'Content-Length: 11\r\n\r\n{"ok": 1}\r\n'
        )
        await writer.drain()

    async with raw_server(handle) as port:
        reply = await post(StreamTransport(), f"http://127.0.0.1:{port}/sync?x=1")
    assert (reply.status, reply.body) == (200, b'{"ok": 1}\r\n')
    assert ("Content-Type", "application/json") in reply.headers
    request = seen[0]
    assert request.startswith(b"POST /sync?x=1 HTTP/1.1\r\n")
    assert f"\r\nHost: 127.0.0.1:{port}\r\n".encode() in request
    assert b"\r\nContent-Type: application/x-www-form-urlencoded\r\n" in request
    assert b"\r\nContent-Length: 12\r\n" in request
    assert request.endswith(b"\r\n\r\nq=phone+case")


async def test_callers_cannot_set_the_framing_headers() -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await writer.drain()

    framing = (
        ("Host", "evil.example"),
        ("Content-Length", "0"),
        ("Connection", "close"),
        ("Accept-Encoding", "br"),
    )
    async with raw_server(handle) as port:
        reply = await StreamTransport().post(f"http://127.0.0.1:{port}/", b"ab", framing)
    assert reply.status == 204
    assert b"evil" not in seen[0] and b"close" not in seen[0].lower() and b"br" not in seen[0]
    assert b"\r\nContent-Length: 2\r\n" in seen[0]


async def test_gzip_answers_are_decoded() -> None:
    packed = gzip.compress(b'{"a": 1}' * 100)
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(packed)
    ) + packed
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(answer)
        await writer.drain()

    async with raw_server(handle) as port:
        reply = await post(StreamTransport(), f"http://127.0.0.1:{port}/")
    assert reply.body == b'{"a": 1}' * 100
    assert b"\r\nAccept-Encoding: gzip\r\n" in seen[0]
    assert not any(name.lower() == "content-encoding" for name, _ in reply.headers)


async def test_chunked_answer_with_trailers() -> None:
    body = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4;ext=1\r\n{"a"\r\n5\r\n: 12}\r\n0\r\nX-Trailer: t\r\n\r\n'
    )
    async with raw_server(answering(body)) as port:
        reply = await post(StreamTransport(), f"http://127.0.0.1:{port}/")
    assert reply.body == b'{"a": 12}'
    assert not any(name.lower() == "transfer-encoding" for name, _ in reply.headers)


async def test_body_delimited_by_close() -> None:
    answer = b"HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>down</html>"
    transport = StreamTransport()
    async with raw_server(answering(answer, close_after=True)) as port:
        reply = await post(transport, f"http://127.0.0.1:{port}/")
    assert (reply.status, reply.body) == (502, b"<html>down</html>")
    assert not any(transport._idle.values())  # never reuse a closed connection


async def test_keep_alive_reuses_one_connection() -> None:
    gateway = FakeGateway()
    transport = StreamTransport()
    with serve_in_thread(gateway) as url:
        for _ in range(10):
            assert (await transport.post(url, b"", FORM)).status == 200
    assert transport.connections_opened == 1
    assert gateway.connections == 1


async def test_a_kept_alive_connection_the_server_closed_is_retried_fresh() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    transport = StreamTransport()
    # The server answers once per connection, then closes it without saying so.
    async with raw_server(answering(ok, close_after=True)) as port:
        first = await post(transport, f"http://127.0.0.1:{port}/")
        await asyncio.sleep(0.05)
        second = await post(transport, f"http://127.0.0.1:{port}/")
    assert (first.body, second.body) == (b"ok", b"ok")
    assert transport.connections_opened == 2


async def test_a_connection_dropped_mid_request_is_retried_once_on_a_fresh_one() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await read_request(reader)
        writer.write(ok)
        await writer.drain()
        if connections == 1:
            await read_request(reader)  # the reused connection: read, then drop it
            writer.close()
        else:
            await asyncio.sleep(5)

    transport = StreamTransport()
    async with raw_server(handle) as port:
        first = await post(transport, f"http://127.0.0.1:{port}/")
        second = await post(transport, f"http://127.0.0.1:{port}/")
    assert (first.body, second.body) == (b"ok", b"ok")
    assert (connections, transport.connections_opened) == (2, 2)


async def test_a_bad_answer_on_a_reused_connection_is_not_sent_again() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    requests = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        for answer in (ok, b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut"):
            await read_request(reader)
            requests += 1
            writer.write(answer)
            await writer.drain()
        writer.close()

    transport = StreamTransport()
    async with raw_server(handle) as port:
        await post(transport, f"http://127.0.0.1:{port}/")
        with pytest.raises(ProtocolError):  # bytes of an answer arrived: never resent
            await post(transport, f"http://127.0.0.1:{port}/")
    assert (requests, transport.connections_opened) == (2, 1)


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.0 200 OK\r\n\r\nok",
    ],
)
async def test_answers_that_end_the_connection_are_not_reused(answer: bytes) -> None:
    transport = StreamTransport()
    async with raw_server(answering(answer, close_after=True)) as port:
        for _ in range(2):
            assert (await post(transport, f"http://127.0.0.1:{port}/")).body == b"ok"
    assert transport.connections_opened == 2


async def chunked_app(scope: dict, receive: Callable, send: Callable) -> None:
    """An ASGI app uvicorn serves chunked (no Content-Length), in three pieces."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for piece in (b'{"a"', b": ", b"12}"):
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def test_uvicorn_chunked_answers_and_keep_alive() -> None:
    transport = StreamTransport()
    with serve_in_thread(chunked_app) as url:  # type: ignore[arg-type]
        replies = [await post(transport, url) for _ in range(3)]
    assert [r.body for r in replies] == [b'{"a": 12}'] * 3
    assert transport.connections_opened == 1


async def test_request_head_reads_the_status_and_headers_only() -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            b"HTTP/1.1 302 Found\r\nLocation: https://www.aliexpress.com/item/1005006.html\r\n"
            b"Content-Length: 100000\r\n\r\n<html>"  # the rest never comes
        )
        await writer.drain()
        await asyncio.sleep(5)

    async with raw_server(handle) as port:
        async with asyncio.timeout(2.0):
            head = await request_head(f"http://127.0.0.1:{port}/e/_DkVX8Jt?x=1")
    assert head.status == 302
    assert head.header("location") == "https://www.aliexpress.com/item/1005006.html"
    assert seen[0].startswith(b"GET /e/_DkVX8Jt?x=1 HTTP/1.1\r\n")
    assert b"content-length" not in seen[0].lower()


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno-colon-here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\xb2\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: ٢\r\n\r\nab".encode(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1),
        b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\nab",
        b"",
    ],
)
async def test_malformed_answers_are_protocol_errors(answer: bytes) -> None:
    async with raw_server(answering(answer, close_after=True)) as port:
        with pytest.raises(ProtocolError):
            await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_a_gzip_bomb_is_refused() -> None:
    packed = gzip.compress(b"\0" * (MAX_BODY + 1))  # ~8 KB on the wire
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
    async with raw_server(answering(head % len(packed) + packed)) as port:
        with pytest.raises(ProtocolError, match="oversized"):
            await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_oversized_close_delimited_body_is_refused() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\n")
        for _ in range(MAX_BODY // 2**16 + 2):
            writer.write(b"x" * 2**16)
            await writer.drain()
        writer.close()

    async with raw_server(handle) as port:
        with pytest.raises(ProtocolError, match="oversized"):
            await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_connection_refused_is_a_connect_error() -> None:
    async with raw_server(answering()) as port:
        pass  # closed again: nothing listens on the port now
    with pytest.raises(ConnectionRefusedError):
        await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_connecting_has_its_own_limit() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    # Connecting includes the TLS handshake, which this server never answers.
    transport = StreamTransport(connect_timeout=0.2)
    async with raw_server(silent) as port:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimeoutError, match="connecting"):
            await transport.post(f"https://127.0.0.1:{port}/", b"", FORM)
    assert asyncio.get_running_loop().time() - started < 1.0


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "http:///no-host", "http://h:99999/"])
async def test_unusable_urls(url: str) -> None:
    with pytest.raises(ProtocolError):
        await post(StreamTransport(), url)


async def test_silent_server_hits_the_client_deadline() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async with raw_server(silent) as port:
        client = AliExpressClient(
            app_key="k",
            app_secret="s",
            api_url=f"http://127.0.0.1:{port}/",
            deadline=0.4,
            attempt_timeout=0.15,
        )
        with pytest.raises(UpstreamTimeoutError):
            await client.get_categories()
        await client.aclose()


async def test_client_maps_transport_errors() -> None:
    async with raw_server(
        answering(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", close_after=True)
    ) as port:
        client = AliExpressClient(
            app_key="k", app_secret="s", api_url=f"http://127.0.0.1:{port}/", deadline=1.0
        )
        with pytest.raises(TransportError, match="ProtocolError"):
            await client.get_categories()
        await client.aclose()


def test_the_default_client_never_loads_httpx() -> None:
    code = (
        "import asyncio\n"
        "from lib.aliexpress.client import AliExpressClient\n"
        "c = AliExpressClient(app_key='k', app_secret='s', api_url='http://127.0.0.1:9/sync',"
        " deadline=0.5)\n"
        "try:\n    asyncio.run(c.get_categories())\nexcept Exception:\n    pass\n"
    )
    loaded = modules_after(code)
    assert "lib.aliexpress.transport" in loaded  # the call really went through the client
    assert [m for m in loaded if m.startswith(("httpx", "httpcore", "anyio", "idna"))] == []
