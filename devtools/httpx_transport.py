"""Any httpx transport as the AliExpress client's ``Transport`` (tests and tooling).

The deployed functions never import httpx (lib/aliexpress/transport.py says why),
but httpx's transports are the best test doubles there are: ``ASGITransport``
runs the fake gateway in process, ``MockTransport`` answers from a function. This
adapter lets the real client run against them, unpatched::

    AliExpressClient(..., transport=HttpxTransport(httpx.ASGITransport(app=gateway)))

httpx's failures become what ``StreamTransport`` raises, so the client's error
translation is exercised the same way: timeouts ``TimeoutError``, other transport
failures ``ConnectionError``.
"""

from __future__ import annotations

import httpx

from lib.aliexpress.transport import Headers, Reply


class HttpxTransport:
    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    async def post(self, url: str, body: bytes, headers: Headers) -> Reply:
        request = httpx.Request("POST", url, headers=list(headers), content=body)
        try:
            response = await self.transport.handle_async_request(request)
            content = await response.aread()
        except httpx.TimeoutException as exc:
            raise TimeoutError(type(exc).__name__) from None
        except httpx.TransportError as exc:
            raise ConnectionError(type(exc).__name__) from None
        return Reply(response.status_code, list(response.headers.multi_items()), content)

    async def aclose(self) -> None:
        await self.transport.aclose()


def gateway_transport(gateway: object) -> HttpxTransport:
    """The fake gateway (an ASGI app), reached in process."""
    return HttpxTransport(httpx.ASGITransport(app=gateway))  # type: ignore[arg-type]
