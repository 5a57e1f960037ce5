"""Baseline (c): the MCP SDK's hello world - one tool on MCPServer, stateless JSON
Streamable HTTP (the SDK's own app, its session manager started by the runtime's
lifespan), Host check off as the MCP function has it."""

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

server = MCPServer("hello")


@server.tool()
def hello(name: str) -> str:
    """Say hello."""
    return f"Hello, {name}!"


app = server.streamable_http_app(
    json_response=True,
    stateless_http=True,
    transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
)
