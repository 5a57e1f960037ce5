"""The MCP function's parts: the catalogue as tools, the server, the HTTP endpoint.

    lib.mcp_server.tools      ToolDefinition, TOOLS: one entry per operation
    lib.mcp_server.server     build_server: the SDK's MCPServer with those tools
    lib.mcp_server.endpoint   McpEndpoint: stateless Streamable HTTP, auth, Origin, logs

Named so it cannot shadow the ``mcp`` SDK package. Only ``api/mcp_fn`` imports it:
the other functions never pay for the SDK.
"""
