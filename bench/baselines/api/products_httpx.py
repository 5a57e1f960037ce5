"""Comparison (``python -m bench.cold_start --compare-httpx``): the products function
with httpx's default transport (httpcore, anyio) in place of lib/aliexpress/transport.py,
used the ordinary way (one AsyncClient, made on first use). ``verify=False`` only
because the bench's gateway is plain HTTP: loading certifi's CA bundle (30-40 ms of
CPU here) is work both transports do on their first HTTPS request, so neither pays it."""

from collections.abc import Sequence

import httpx

import lib.data_api
from lib.aliexpress.transport import Reply
from lib.data_api import create_data_app
from lib.routes.products import router
from lib.upstream import ClientProvider


class HttpxDefaultTransport:
    def __init__(self) -> None:
        self.client: httpx.AsyncClient | None = None

    async def post(self, url: str, body: bytes, headers: Sequence[tuple[str, str]]) -> Reply:
        if self.client is None:
            self.client = httpx.AsyncClient(verify=False)
        response = await self.client.post(url, content=body, headers=list(headers))
        return Reply(response.status_code, list(response.headers.multi_items()), response.content)

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()


lib.data_api._clients = ClientProvider(transport=HttpxDefaultTransport())
app = create_data_app("products", router, summary="products, through httpx")
