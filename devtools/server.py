"""The local dev server: every function on one port, routed as on Vercel.

    make dev            (python -m devtools.server --port 3000)

Routes come from ``vercel.json`` (see :mod:`devtools.vercel_routes`); each
function is loaded from its file the way Vercel's runtime loads it, on its first
request, and a function that fails to import fails alone. Reads ``.env`` when
present. Without AliExpress credentials it starts the bundled fake gateway and
says so: everything then is demo data.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import mimetypes
import os
import sys
import traceback
import uuid
from pathlib import Path
from typing import Any

import uvicorn

from devtools.vercel_routes import ROOT, Router, function_entrypoint, function_module
from lib.http.plain import serve_lifespan

Scope = dict[str, Any]


def load_dotenv(path: Path) -> list[str]:
    """Set variables from a .env file without overriding the real environment."""
    loaded = []
    if not path.is_file():
        return loaded
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip().strip("'\"")
        if name and name not in os.environ:
            os.environ[name] = value
            loaded.append(name)
    return loaded


def load_function(root: Path, name: str) -> Any:
    """Import ``api/<name>.py`` (or folder function ``api/<name>/index.py``) by path, under
    the module name the runtime uses (``api.<name>``, ``api.<name>.index``); its app."""
    spec = importlib.util.spec_from_file_location(
        function_module(name, root), root / function_entrypoint(name, root)
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.app


class FunctionLoader:
    """Each function loaded on its first request (a cold start), then kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.apps: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        if name not in self.apps:
            self.apps[name] = load_function(self.root, name)
        return self.apps[name]


class DevServer:
    def __init__(self, root: Path = ROOT) -> None:
        self.router = Router(root)
        self.functions = FunctionLoader(root)
        self.public = root / "public"

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        target = self.router.resolve(scope["path"])
        if target.kind == "static":
            await self._static(target.name, scope, send)
            return
        if target.kind == "none":
            await _plain(send, 404, b"404: NOT_FOUND (no function or file)\n")
            return
        try:
            app = self.functions.get(target.name)
        except Exception:  # Vercel: the function fails, the deployment does not
            traceback.print_exc()
            await _plain(send, 500, b"FUNCTION_INVOCATION_FAILED (import error, see log)\n")
            return
        # The function sees the original path, plus the headers Vercel adds.
        headers = [
            *scope.get("headers", []),
            (b"x-vercel-id", f"dev1::{uuid.uuid4().hex[:20]}".encode()),
            (b"x-forwarded-proto", b"http"),
        ]
        await app({**scope, "headers": headers}, receive, send)

    async def _static(self, name: str, scope: Scope, send: Any) -> None:
        body = (self.public / name).read_bytes()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


async def _plain(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def start_demo_gateway(stack: contextlib.ExitStack, latency: float) -> str:
    from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
    from devtools.fake_gateway.server import serve_in_thread

    url = stack.enter_context(serve_in_thread(FakeGateway(latency=latency)))
    os.environ.update(
        ALIEXPRESS_APP_KEY=DEMO_APP_KEY,
        ALIEXPRESS_APP_SECRET=DEMO_APP_SECRET,
        ALIEXPRESS_API_URL=url,
        ALIEXPRESS_DEMO_GATEWAY="1",
    )
    os.environ.setdefault("ALIEXPRESS_TRACKING_ID", "demo_tracking_id")
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve every function locally, as on Vercel.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--demo-latency",
        type=float,
        default=0.0,
        help="seconds the demo gateway waits before answering",
    )
    args = parser.parse_args(argv)

    loaded = load_dotenv(ROOT / ".env")
    if loaded:
        print(f"Loaded from .env: {', '.join(sorted(loaded))}")
    with contextlib.ExitStack() as stack:
        if not (
            os.environ.get("ALIEXPRESS_APP_KEY", "").strip()
            and os.environ.get("ALIEXPRESS_APP_SECRET", "").strip()
        ):
            url = start_demo_gateway(stack, args.demo_latency)
            print("DEMO MODE: no AliExpress credentials configured, so every answer is demo data")
            print(f"           from the bundled fake gateway at {url} (not real AliExpress).")
            print(
                "           Set ALIEXPRESS_APP_KEY and ALIEXPRESS_APP_SECRET (.env) for live data."
            )
        else:
            print("LIVE MODE: calling AliExpress with the configured credentials.")
        router = Router()
        base = f"http://{args.host}:{args.port}"
        print(f"Serving functions {', '.join(sorted(router.functions))} at {base}")
        print(f"  try: curl '{base}/api/products/search?q=phone+case'")
        print(f"  MCP clients (Inspector, Claude Code, ...): {base}/mcp")
        uvicorn.run(DevServer(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
