"""Vercel function: the AliExpress catalogue as MCP tools (``POST /mcp``, ``/api/mcp``).

A folder of its own so that its requirements.txt (the MCP SDK) installs into this
bundle alone (CONTRACT §5); named ``mcp_fn`` so it cannot shadow the SDK's ``mcp``.
"""

from lib.mcp_server.app import create_mcp_app

app = create_mcp_app()
