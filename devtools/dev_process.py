"""The dev server as a child process on a free loopback port (browser tests, screenshots).

``demo=True`` is ``make dev`` without credentials: the bundled fake gateway, demo data.
``demo=False`` serves the same functions with no AliExpress configuration at all, the
way an unconfigured deployment answers (health ``mode: unconfigured``, data routes 503).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devtools.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_HOST = "shop-assistant.vercel.app"  # the MCP function must answer any public Host
_UNCONFIGURED = (
    "import sys, uvicorn\n"
    "from devtools.server import DevServer\n"
    "uvicorn.run(DevServer(), host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
)


@contextlib.contextmanager
def dev_server(*, demo: bool = True, **env: str) -> Iterator[str]:
    """Yield the base URL of a dev server started with a clean configuration plus ``env``."""
    port = free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ALIEXPRESS_", "PROXY_"))},
        **env,
    }
    command = (
        [sys.executable, "-m", "devtools.server", "--port", str(port)]
        if demo
        else [sys.executable, "-c", _UNCONFIGURED, str(port)]
    )
    # A file, not a pipe: one JSON log line per request must never fill a pipe and stall it.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            try:
                wait_for_port(port, process, timeout=30)
            except RuntimeError:
                process.kill()
                log.seek(0)
                raise RuntimeError(f"the dev server did not start:\n{log.read()}") from None
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def mcp_request(base: str, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """One JSON-RPC request to the server's ``/mcp`` (stateless: no session); its result."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    request = urllib.request.Request(  # noqa: S310 - the dev server on loopback
        base + "/mcp",
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "Host": PUBLIC_HOST,
        },
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        answer = json.load(response)
    if "result" not in answer:
        raise RuntimeError(f"{method}: {answer}")
    return answer["result"]


def read_view(base: str, uri: str) -> dict[str, Any]:
    """The ``resources/read`` content of a ``ui://`` view: text, mimeType, _meta."""
    return mcp_request(base, "resources/read", {"uri": uri})["contents"][0]
