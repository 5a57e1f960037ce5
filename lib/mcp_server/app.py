"""Wiring for ``api/mcp_fn/index.py``: the tools, the server and the endpoint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mcp.server.extension import Extension
from mcp.server.mcpserver.resources import Resource

from lib.mcp_server.endpoint import McpEndpoint
from lib.mcp_server.server import build_server
from lib.mcp_server.tools import TOOLS, ToolDefinition
from lib.upstream import ClientProvider


def create_mcp_app(
    tools: Iterable[ToolDefinition] = TOOLS,
    *,
    resources: Sequence[Resource] = (),
    extensions: Sequence[Extension] = (),
    clients: ClientProvider | None = None,
) -> McpEndpoint:
    """The MCP function's ASGI app. ``clients``: tests pass one wired to the fake gateway."""
    server = build_server(
        tools, clients=clients or ClientProvider(), resources=resources, extensions=extensions
    )
    return McpEndpoint(server)
