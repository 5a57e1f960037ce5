"""Vercel function: the AliExpress catalogue as MCP tools (``POST /mcp``, ``/api/mcp``).

A folder of its own so that its requirements.txt (the MCP SDK) installs into this
bundle alone (CONTRACT §5); named ``mcp_fn`` so it cannot shadow the SDK's ``mcp``.
Product tools render as cards in MCP Apps hosts (``lib.mcp_server.views``).
"""

from lib.mcp_server.app import create_mcp_app
from lib.mcp_server.tools import TOOLS
from lib.mcp_server.views import product_view_extension, with_product_view

app = create_mcp_app(with_product_view(TOOLS), extensions=[product_view_extension()])
