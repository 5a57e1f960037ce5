"""The TypeScript MCP SDK against ``make dev``: an independent client of the MCP function.

``python -m devtools.mcp_client_check`` starts the dev server (demo mode, a free port),
installs the pinned SDK with ``npm ci`` when ``node_modules`` is missing, writes every
registered tool's example arguments and runs ``check.mjs``: initialize, tools/list,
tools/call of every tool, a bad argument, resources/read of the view. CI runs it
(``.ci/run``); with ``CI`` set, a missing node or npm fails instead of skipping.

The pinned SDK (npm ``@modelcontextprotocol/sdk`` 1.32.2, the registry's newest on
2026-12-06) speaks only the handshake generation (its newest version is 2025-11-25;
nothing in it knows ``server/discover``), so this checks that generation; the
2026-07-28 generation is checked with the Python SDK's client (tests/mcp_server).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.fake_gateway.catalog import Catalog
from devtools.mcp_wire import example_arguments
from devtools.net import free_port, wait_for_port
from lib import product_view
from lib.mcp_server.tools import TOOLS
from lib.mcp_server.views import with_product_view

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def tool_arguments() -> dict[str, dict]:
    first = str(Catalog.load().products[0]["product_id"])
    return {
        tool.name: example_arguments(tool.input_schema(), first)
        for tool in with_product_view(TOOLS)
    }


def main() -> int:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("mcp client check: node and npm are needed (Node 20+)", file=sys.stderr)
        return 1 if os.environ.get("CI") else 0
    if not (HERE / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIEXPRESS_", "PROXY_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "devtools.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server, timeout=30)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as tools:
            json.dump(tool_arguments(), tools)
            tools.flush()
            url = f"http://127.0.0.1:{port}/mcp"
            command = [node, "check.mjs", url, tools.name, product_view.VIEW_URI]
            return subprocess.run(command, cwd=HERE, timeout=120).returncode
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
