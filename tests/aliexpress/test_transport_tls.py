"""TLS against a local HTTPS server with a throwaway CA (trustme): a valid certificate
works; a wrong hostname, an untrusted CA and an expired certificate each fail once,
as a 502 upstream_error, with no retry storm."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import trustme

from lib.aliexpress.client import AliExpressClient, RetryPolicy, UpstreamCall
from lib.aliexpress.errors import TransportError
from lib.aliexpress.transport import StreamTransport

pytestmark = pytest.mark.anyio
CA = trustme.CA()
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
PAST = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return context


def trusting(ca: trustme.CA) -> StreamTransport:
    def context() -> ssl.SSLContext:
        client = ssl.create_default_context()
        ca.configure_trust(client)
        return client

    return StreamTransport(ssl_context_factory=context)


@asynccontextmanager
async def https_server(cert: trustme.LeafCert) -> AsyncIterator[tuple[int, list[int]]]:
    """Yield the port and a list that counts TCP connections (handshakes tried)."""
    accepted: list[int] = []
    context = server_context(cert)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)  # before the handshake: a refused one counts too
        try:
            await writer.start_tls(context)
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(2)
            writer.write(OK)
            await writer.drain()
        except (ssl.SSLError, ConnectionError, asyncio.IncompleteReadError):
            pass  # the client refused our certificate
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], accepted
    finally:
        server.close()


async def test_a_valid_certificate_works() -> None:
    async with https_server(CA.issue_cert("localhost")) as (port, _):
        reply = await trusting(CA).post(f"https://localhost:{port}/sync", b"q=", ())
    assert (reply.status, reply.body) == (200, b"ok")


@pytest.mark.parametrize(
    ("case", "cert", "trusted"),
    [
        ("wrong hostname", CA.issue_cert("api-sg.aliexpress.com"), CA),
        ("untrusted CA", CA.issue_cert("localhost"), trustme.CA()),
        ("expired", CA.issue_cert("localhost", not_before=PAST, not_after=PAST), CA),
    ],
)
async def test_a_bad_certificate_is_one_upstream_error(
    case: str, cert: trustme.LeafCert, trusted: trustme.CA
) -> None:
    calls: list[UpstreamCall] = []
    async with https_server(cert) as (port, accepted):
        client = AliExpressClient(
            app_key="k",
            app_secret="s",
            api_url=f"https://localhost:{port}/sync",
            transport=trusting(trusted),
            retry=RetryPolicy(max_attempts=3, base_delay=0.01),
            on_call=calls.append,
        )
        with pytest.raises(TransportError) as raised:
            await client.get_categories()
    assert (raised.value.status, raised.value.code) == (502, "upstream_error")
    assert "certificate" in raised.value.message
    assert len(accepted) == 1  # one handshake, no retries: a certificate does not heal
    assert [call.attempts for call in calls] == [1]
