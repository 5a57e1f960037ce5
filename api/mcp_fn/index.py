"""Vercel function: the AliExpress catalogue as MCP tools (``POST /mcp``, ``/api/mcp``).

A folder function, named ``mcp_fn`` so it cannot shadow the SDK's ``mcp``. It has no
requirements.txt of its own: Vercel's builder installs every function into one shared
venv, so a second manifest breaks a bundle; the SDK is pinned in the root requirements.txt
(README, "Why the MCP SDK is in the root manifest").
Product tools render as cards in MCP Apps hosts (``lib.mcp_server.views``).
"""

from lib.mcp_server.app import create_mcp_app
from lib.mcp_server.tools import TOOLS
from lib.mcp_server.views import product_view_extension, with_product_view

app = create_mcp_app(with_product_view(TOOLS), extensions=[product_view_extension()])
