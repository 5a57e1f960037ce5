"""Faults in the HTTP framing itself, which an ASGI app cannot send.

The fake gateway (app.py) answers through an ASGI server, so every answer it
gives is well-framed HTTP. Gateways and the proxies in front of them also send
answers that are not: an interim ``103 Early Hints``, two different
``Content-Length`` headers, a length that is not ASCII digits, a second answer
glued to the first. :class:`WireGateway` serves a :class:`FakeGateway` from a raw
asyncio socket server and frames every answer itself, so a test (or the fault
matrix) can inject those: ``wire.faults.inject(WireFault.EARLY_HINTS)``.

It reads requests with a few lines of its own (Content-Length bodies only, which
is all the AliExpress client sends) and gets each answer from
``FakeGateway.answer``, so signatures are checked and envelopes are real.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from urllib.parse import parse_qsl

from devtools.fake_gateway.app import SIGNATURES_RECEIVED, FakeGateway

SMUGGLED_ID = "1000000000000001"  # the product a desynchronised client would show


class WireFault(StrEnum):
    EARLY_HINTS = "early_hints"  # 100 Continue and 103 Early Hints before the answer
    CONFLICTING_LENGTH = "conflicting_length"  # two Content-Lengths; the longer hides an answer
    LENGTH_AND_CHUNKED = "length_and_chunked"  # Content-Length and Transfer-Encoding: chunked
    TRAILING_ANSWER = "trailing_answer"  # a whole answer, then a second one nobody asked for
    NON_ASCII_LENGTH = "non_ascii_length"  # Content-Length written with a superscript digit
    NEGATIVE_CHUNK = "negative_chunk"  # chunk size -1
    CUT_SHORT = "cut_short"  # fewer bytes than Content-Length, then the connection closes
    HEAD_TOO_LONG = "head_too_long"  # one header line over 64 KiB


class WirePlan:
    """A queue of wire faults; each request consumes one (``times`` each)."""

    def __init__(self) -> None:
        self._queue: deque[list[object]] = deque()

    def inject(self, fault: WireFault | str, times: int | None = 1) -> None:
        self._queue.append([WireFault(fault), times])

    def clear(self) -> None:
        self._queue.clear()

    def take(self) -> WireFault | None:
        if not self._queue:
            return None
        entry = self._queue[0]
        fault, remaining = entry
        if isinstance(remaining, int):
            entry[1] = remaining - 1
            if remaining <= 1:
                self._queue.popleft()
        assert isinstance(fault, WireFault)
        return fault


def answer_bytes(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    """One well-framed HTTP/1.1 answer."""
    head = f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
    head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


def smuggled_answer(method: str) -> bytes:
    """A whole, valid answer to ``method`` naming a product nobody asked for."""
    product = {"product_id": SMUGGLED_ID, "product_title": "Smuggled product"}
    result = {"products": {"product": [product]}, "total_record_count": 1}
    envelope = {"resp_result": {"resp_code": 200, "resp_msg": "success", "result": result}}
    document = {method.replace(".", "_") + "_response": envelope}
    return answer_bytes(200, json.dumps(document).encode())


def frame(fault: WireFault | None, status: int, body: bytes, smuggled: bytes) -> bytes:
    """The bytes of an answer with ``body``, framed as ``fault`` says."""
    if fault is None:
        return answer_bytes(status, body)
    if fault is WireFault.EARLY_HINTS:
        interim = b"HTTP/1.1 100 Continue\r\n\r\n"
        interim += b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        return interim + answer_bytes(status, body)
    if fault is WireFault.TRAILING_ANSWER:
        return answer_bytes(status, body) + smuggled
    if fault is WireFault.HEAD_TOO_LONG:
        status_line, rest = answer_bytes(status, body).split(b"\r\n", 1)
        return status_line + b"\r\nX-Padding: " + b"a" * (70 * 2**10) + b"\r\n" + rest

    def head(*fields: bytes) -> bytes:
        lines = [f"HTTP/1.1 {status} Answer".encode(), b"Content-Type: application/json", *fields]
        return b"\r\n".join(lines) + b"\r\n\r\n"

    if fault is WireFault.CONFLICTING_LENGTH:
        # Whoever takes the last length reads the first answer and leaves the smuggled one.
        whole, own = len(body + smuggled), len(body)
        return head(b"Content-Length: %d" % whole, b"Content-Length: %d" % own) + body + smuggled
    if fault is WireFault.LENGTH_AND_CHUNKED:
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        fields = (b"Content-Length: %d" % len(body), b"Transfer-Encoding: chunked")
        return head(*fields) + chunked + smuggled
    if fault is WireFault.NON_ASCII_LENGTH:
        # One byte, 0xB2 in latin-1: str.isdigit() says yes, int() says no.
        return head("Content-Length: ²".encode("latin-1")) + body
    if fault is WireFault.NEGATIVE_CHUNK:
        return head(b"Transfer-Encoding: chunked") + b"-1\r\n" + body
    # WireFault.CUT_SHORT
    return head(b"Content-Length: %d" % len(body)) + body[: len(body) // 2]


class WireGateway:
    """Serve ``gateway`` on a raw loopback socket, framing answers as faults say."""

    def __init__(self, gateway: FakeGateway) -> None:
        self.gateway = gateway
        self.faults = WirePlan()
        self.connections = 0

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1") -> AsyncIterator[str]:
        """Yield the ``/sync`` URL while serving on a free port (this event loop)."""
        server = await asyncio.start_server(self._connection, host, 0)
        try:
            yield f"http://{host}:{server.sockets[0].getsockname()[1]}/sync"
        finally:
            server.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while (body := await _read_request(reader)) is not None:
                params = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
                self.gateway.calls.append({k: v for k, v in params.items() if k != "sign"})
                if params.get("sign"):
                    SIGNATURES_RECEIVED.add(params["sign"])
                status, payload, _ = await self.gateway.answer(params)
                fault = self.faults.take()
                smuggled = smuggled_answer(params.get("method", ""))
                writer.write(frame(fault, status, payload, smuggled))
                await writer.drain()
                if fault is WireFault.CUT_SHORT:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client gave up on this connection: fine
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """The body of the next request on the connection, ``None`` once it is closed."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return await reader.readexactly(length)
