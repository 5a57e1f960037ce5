"""lib/aliexpress/transport.py against real sockets on loopback: framing, keep-alive,
stale connections, errors, limits and TLS."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.server import serve_in_thread
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import TransportError, UpstreamTimeoutError
from lib.aliexpress.transport import MAX_BODY, StreamTransport
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


async def post(transport: StreamTransport, url: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(2.0)) as client:
        return await client.post(url, data={"q": "phone case"}, **kwargs)


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
        response = await post(StreamTransport(), f"http://127.0.0.1:{port}/sync?x=1")
    assert response.status_code == 200
    assert response.json() == {"ok": 1}
    request = seen[0]
    assert request.startswith(b"POST /sync?x=1 HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in request.lower()  # header names are case-insensitive
    assert b"\r\nContent-Length: 12\r\n" in request
    assert request.endswith(b"\r\n\r\nq=phone+case")


async def test_chunked_answer_with_trailers() -> None:
    body = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4;ext=1\r\n{"a"\r\n5\r\n: 12}\r\n0\r\nX-Trailer: t\r\n\r\n'
    )
    async with raw_server(answering(body)) as port:
        response = await post(StreamTransport(), f"http://127.0.0.1:{port}/")
    assert response.json() == {"a": 12}
    assert "transfer-encoding" not in response.headers


async def test_body_delimited_by_close() -> None:
    answer = b"HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>down</html>"
    transport = StreamTransport()
    async with raw_server(answering(answer, close_after=True)) as port:
        response = await post(transport, f"http://127.0.0.1:{port}/")
    assert (response.status_code, response.text) == (502, "<html>down</html>")
    assert not any(transport._idle.values())  # never reuse a closed connection


async def test_keep_alive_reuses_one_connection() -> None:
    gateway = FakeGateway()
    transport = StreamTransport()
    with serve_in_thread(gateway) as url:
        async with httpx.AsyncClient(transport=transport) as client:
            for _ in range(10):
                assert (await client.post(url, data={})).status_code == 200
    assert transport.connections_opened == 1
    assert gateway.connections == 1


async def test_a_kept_alive_connection_the_server_closed_is_retried_fresh() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    transport = StreamTransport()
    # The server answers once per connection, then closes it without saying so.
    client = httpx.AsyncClient(transport=transport)
    async with raw_server(answering(ok, close_after=True)) as port, client:
        first = await client.post(f"http://127.0.0.1:{port}/", data={})
        await asyncio.sleep(0.05)
        second = await client.post(f"http://127.0.0.1:{port}/", data={})
    assert (first.text, second.text) == ("ok", "ok")
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
    client = httpx.AsyncClient(transport=transport)
    async with raw_server(handle) as port, client:
        first = await client.post(f"http://127.0.0.1:{port}/", data={})
        second = await client.post(f"http://127.0.0.1:{port}/", data={})
    assert (first.text, second.text) == ("ok", "ok")
    assert (connections, transport.connections_opened) == (2, 2)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"garbage\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 OK\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nno-colon-here\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", httpx.RemoteProtocolError),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1),
            httpx.RemoteProtocolError,
        ),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", httpx.RemoteProtocolError),
        (b"", httpx.RemoteProtocolError),
    ],
)
async def test_malformed_answers_are_protocol_errors(answer: bytes, error: type) -> None:
    async with raw_server(answering(answer, close_after=True)) as port:
        with pytest.raises(error):
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
        with pytest.raises(httpx.RemoteProtocolError, match="oversized"):
            await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_connection_refused_is_a_connect_error() -> None:
    async with raw_server(answering()) as port:
        pass  # closed again: nothing listens on the port now
    with pytest.raises(httpx.ConnectError):
        await post(StreamTransport(), f"http://127.0.0.1:{port}/")


async def test_unsupported_scheme() -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        await post(StreamTransport(), "ftp://127.0.0.1/")


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
        with pytest.raises(TransportError, match="RemoteProtocolError"):
            await client.get_categories()
        await client.aclose()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_tls_is_verified(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    async with raw_server(answering(ok), tls=server_tls) as port:
        trusting = StreamTransport(
            ssl_context_factory=lambda: ssl.create_default_context(cafile=str(cert))
        )
        response = await post(trusting, f"https://localhost:{port}/")
        assert response.text == "ok"
        # The default trust (certifi) does not know this self-signed certificate.
        with pytest.raises(httpx.ConnectError):
            await post(StreamTransport(), f"https://localhost:{port}/")


def test_the_default_client_never_loads_httpcore() -> None:
    code = (
        "import asyncio\n"
        "from lib.aliexpress.client import AliExpressClient\n"
        "c = AliExpressClient(app_key='k', app_secret='s', api_url='http://127.0.0.1:9/sync',"
        " deadline=0.5)\n"
        "try:\n    asyncio.run(c.get_categories())\nexcept Exception:\n    pass\n"
    )
    loaded = modules_after(code)
    assert "lib.aliexpress.transport" in loaded  # the call really went through the client
    assert [m for m in loaded if m.startswith(("httpcore", "anyio._backends"))] == []
