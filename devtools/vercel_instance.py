"""One warm function instance under Vercel's runtime, for clients that send many requests.

:class:`WarmInstance` starts ``devtools/vercel_invoke.py serve``: a fresh Python
process that loads ``api/<name>`` through ``vercel_runtime.vc_init`` as Vercel does
and then answers one event per line. :class:`InstanceTransport` lets an httpx2
client (the MCP SDK's) talk to it, so the official MCP client can drive the
function exactly as the runtime serves it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import httpx2

INVOKER = Path(__file__).with_name("vercel_invoke.py")


class WarmInstance:
    def __init__(self, root: Path, name: str, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(INVOKER), "serve", str(root), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            text=True,
        )
        self._lock = threading.Lock()
        self.log: list[str] = []  # what the function wrote (its JSON log lines)
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def request(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """One event -> ``{"status", "headers", "body"}`` (blocking)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        with self._lock:
            self.process.stdin.write(json.dumps(event) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the function process exited:\n" + "".join(self.log[-20:]))
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)
        self._reader.join(timeout=5)

    def __enter__(self) -> WarmInstance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InstanceTransport(httpx2.AsyncBaseTransport):
    """httpx2 requests answered by a :class:`WarmInstance`."""

    def __init__(self, instance: WarmInstance) -> None:
        self.instance = instance

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = (await request.aread()).decode()
        event = {
            "method": request.method,
            "path": request.url.raw_path.decode(),
            "headers": {k.decode(): v.decode() for k, v in request.headers.raw},
            "body": body,
        }
        result = await anyio.to_thread.run_sync(self.instance.request, event)
        return httpx2.Response(
            result["status"], headers=result["headers"], content=result["body"].encode()
        )
