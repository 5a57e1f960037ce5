"""Fixtures for the MCP function: the app wired to the fake gateway, an SDK client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, InitializeResult

from devtools.fake_gateway import FakeGateway
from devtools.httpx_transport import gateway_transport
from devtools.vercel_probes import PUBLIC_HOST
from lib.mcp_server.app import create_mcp_app
from lib.mcp_server.endpoint import McpEndpoint
from lib.upstream import ClientProvider

# The REST functions' fixtures too: the parity test calls both.
from tests.api.conftest import (  # noqa: F401
    FULL_CONFIG,
    apps,
    call,
    configured,
    env,
    short_links,
)

PUBLIC_URL = f"https://{PUBLIC_HOST}/mcp"


@pytest.fixture
def client_options() -> dict[str, Any]:
    return {}


@pytest.fixture
def mcp_app(gateway: FakeGateway, client_options: dict[str, Any]) -> McpEndpoint:
    """The MCP function's app; its AliExpress client reaches the fake gateway in process."""
    return create_mcp_app(
        clients=ClientProvider(transport=gateway_transport(gateway), **client_options)
    )


@asynccontextmanager
async def mcp_session(
    url: str,
    transport: httpx2.AsyncBaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> AsyncIterator[tuple[ClientSession, InitializeResult]]:
    """The official SDK client, initialised, over Streamable HTTP."""
    async with (
        httpx2.AsyncClient(transport=transport, headers=dict(headers or {}), timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        yield session, await session.initialize()


@pytest.fixture
def session_for(mcp_app: McpEndpoint):
    """``async with session_for(headers=...) as (session, init)`` against ``mcp_app``."""

    def open_session(headers: Mapping[str, str] | None = None):
        return mcp_session(PUBLIC_URL, httpx2.ASGITransport(app=mcp_app), headers)

    return open_session


def tool_error(result: CallToolResult) -> dict[str, str]:
    """The error envelope of an ``isError`` result."""
    assert result.is_error, result
    assert result.structured_content is None
    return json.loads(result.content[0].text)["error"]
