"""The local dev server: every function on one port, routed as on Vercel.

    make dev            (python -m devtools.server --port 3000)

Routes come from ``vercel.json`` (see :mod:`devtools.vercel_routes`); each
function is loaded from its file the way Vercel's runtime loads it, on its first
request, and a function that fails to import fails alone. Reads ``.env`` when
present. Without AliExpress credentials (neither key nor secret) it starts the
bundled fake gateway and says so: everything then is demo data. Its banner lists
what ``/health`` reports: missing settings, problems and warnings.
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
from urllib.parse import urlsplit

import uvicorn

from devtools.vercel_routes import ROOT, Router, function_entrypoint, function_module
from lib.config import (
    CHANNEL_TRACKING_VARIABLES,
    DEFAULT_CHANNEL,
    REQUIRED,
    Settings,
    get_settings,
)
from lib.http.plain import serve_lifespan

Scope = dict[str, Any]
DEMO_OWNER_KEY = "demo-owner-key"  # demo mode only: the orders there are the fake's


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
    from devtools.fake_gateway.short_links import install

    url = stack.enter_context(serve_in_thread(FakeGateway(latency=latency)))
    # Demo short links resolve from the catalog, in process: the demo never reaches
    # AliExpress. A live dev server keeps the real resolver.
    install(log=False)
    os.environ.update(
        ALIEXPRESS_APP_KEY=DEMO_APP_KEY,
        ALIEXPRESS_APP_SECRET=DEMO_APP_SECRET,
        ALIEXPRESS_API_URL=url,
        ALIEXPRESS_DEMO_GATEWAY="1",
    )
    os.environ.setdefault("ALIEXPRESS_TRACKING_ID", "demo_tracking_id")
    # One demo tracking ID per channel, so a demo link shows which entrance made it (the
    # default channel keeps the default ID).
    for name, field_name in CHANNEL_TRACKING_VARIABLES:
        channel = field_name.removeprefix("tracking_id_")
        if channel != DEFAULT_CHANNEL:
            os.environ.setdefault(name, f"demo_{channel}")
    # Demo orders are the fake gateway's; a known key lets anyone try the owner routes.
    os.environ.setdefault("OWNER_API_KEY", DEMO_OWNER_KEY)
    return url


def describe_settings(settings: Settings, demo_url: str | None) -> list[str]:
    """The start-up banner: the mode, and the same missing settings, problems and
    warnings ``/health`` reports (both read :class:`Settings`)."""
    lines = []
    if demo_url:
        lines += [
            "DEMO MODE: no AliExpress credentials configured, so every answer is demo data",
            f"           from the bundled fake gateway at {demo_url} (not real AliExpress).",
            "           Set ALIEXPRESS_APP_KEY and ALIEXPRESS_APP_SECRET (.env) for live data.",
        ]
        if settings.owner_api_key == DEMO_OWNER_KEY:
            lines.append(
                f"           Owner routes (/api/orders): Authorization: Bearer {DEMO_OWNER_KEY}"
            )
    elif settings.configured:
        gateway = urlsplit(settings.api_url).netloc.rpartition("@")[2]
        lines.append(f"LIVE MODE: calling the AliExpress gateway at {gateway} with your keys.")
    if not settings.configured:
        lines.append(
            "NOT CONFIGURED: data routes answer 503 not_configured until this is fixed "
            "(as /health reports):"
        )
        lines += [f"  - {name} is not set." for name in settings.missing]
        if settings.missing:
            lines.append(
                "    Live data needs both ALIEXPRESS_APP_KEY and ALIEXPRESS_APP_SECRET; "
                "leave both unset for demo mode."
            )
        lines += [f"  - {problem}" for problem in settings.upstream_problems]
    later = settings.spec_problems + settings.shared_state_problems + settings.attribution_problems
    lines += [f"PROBLEM: {problem}" for problem in later]
    lines += [f"WARNING: {warning}" for warning in settings.warnings]
    attribution = settings.attribution()
    if any(attribution.values()):
        shown = ", ".join(f"{channel}={tid or '-'}" for channel, tid in attribution.items())
        lines.append(f"Tracking IDs by channel: {shown}")
    return lines


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
        demo_url = None
        if not any(os.environ.get(name, "").strip() for name in REQUIRED):
            # Only with neither credential: a half-set pair is a mistake to report.
            demo_url = start_demo_gateway(stack, args.demo_latency)
        get_settings.cache_clear()  # the functions read the environment set up here
        print("\n".join(describe_settings(get_settings(), demo_url)))
        router = Router()
        base = f"http://{args.host}:{args.port}"
        print(f"Serving functions {', '.join(sorted(router.functions))} at {base}")
        print(f"  try: curl '{base}/api/products/search?q=phone+case'")
        print(f"       curl '{base}/api/promotions/products?name=weeklydeals'")
        print(f"  MCP clients (Inspector, Claude Code, ...): {base}/mcp")
        if os.environ.get("ALIEXPRESS_DEMO_GATEWAY") == "1":
            print(f"       curl '{base}/api/products?ids=https://a.aliexpress.com/_DemoCase'")
        uvicorn.run(DevServer(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
