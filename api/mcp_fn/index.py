"""Vercel function: the AliExpress catalogue as MCP tools (``POST /mcp``, ``/api/mcp``).

A folder function, named ``mcp_fn`` so it cannot shadow the SDK's ``mcp``. It has no
requirements.txt of its own: Vercel's builder installs every function into one shared
venv, so a second manifest breaks a bundle; the SDK is pinned in the root requirements.txt
(README, "Why the MCP SDK is in the root manifest").
"""

from lib.mcp_server.app import create_mcp_app

app = create_mcp_app()
