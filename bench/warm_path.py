"""Warm path: products search and the MCP tools/call in process, fake gateway at zero latency.

    python -m bench.warm_path [--requests 2000] [--write]

The products function is loaded from its file as Vercel loads it; the fake
gateway runs in its own process on loopback, answering at once. Every search is
distinct (so every request goes upstream, no cache hits). Per-request overhead
is the function's own log line: latency_ms - upstream_ms (everything but the
upstream round trip). Also: requests/s on one worker with 20 in flight, and
upstream connections opened per 100 requests (keep-alive: 1). The MCP function
(``api/mcp_fn``) is measured the same way: distinct ``search_products`` tool calls
(JSON-RPC over stateless Streamable HTTP, a public Host), overhead from its log line,
once per protocol generation: handshake-era requests, then 2026-07-28 ones (the envelope
in ``_meta``, ``Mcp-Method``/``Mcp-Name``), which the SDK serves on its single-exchange path.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import redirect_stdout
from pathlib import Path

import httpx

from bench.report import stamp, write_section
from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET
from devtools.mcp_wire import modern_headers, modern_message
from devtools.net import free_port, wait_for_port
from devtools.server import load_function

ROOT = Path(__file__).resolve().parents[1]
OVERHEAD_BUDGET_MS = 2.0
MCP_OVERHEAD_BUDGET_MS = 3.0
MCP_HEADERS = {
    "host": "aliexpress-proxy.vercel.app",
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
}


def gateway_stats(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as response:
        return json.load(response)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def sequential(app: object, count: int, offset: int) -> tuple[list[dict], list[float]]:
    logs, wall = [], []
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for index in range(count):
            buffer = io.StringIO()
            started = time.perf_counter()
            with redirect_stdout(buffer):
                response = await client.get(
                    # Distinct cents make every search a distinct upstream call.
                    f"/api/products/search?q=phone&page_size=10&min_price={(offset + index) / 100}"
                )
            wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            logs.append(json.loads(buffer.getvalue().splitlines()[-1]))
    return logs, wall


def delivery_paths(count: int, offset: int) -> list[str]:
    """Distinct shipping and variants requests: product x destination x currency."""
    from devtools.fake_gateway.catalog import Catalog
    from lib.aliexpress.platform import COUNTRIES, CURRENCIES

    ids = [str(p["product_id"]) for p in Catalog.load().products]
    countries, currencies = sorted(COUNTRIES), sorted(CURRENCIES)
    paths = []
    for n in range(offset, offset + count):
        product, rest = ids[n % len(ids)], n // len(ids)
        country, currency = countries[rest % len(countries)], currencies[rest // len(countries)]
        route = "shipping" if n % 2 else "variants"
        paths.append(f"/api/products/{product}/{route}?ship_to={country}&currency={currency}")
    return paths


async def route_sequential(app: object, paths: list[str]) -> tuple[list[dict], list[float]]:
    """Each path once, one after another; their log lines."""
    logs, wall = [], []
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for path in paths:
            buffer = io.StringIO()
            started = time.perf_counter()
            with redirect_stdout(buffer):
                response = await client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            logs.append(json.loads(buffer.getvalue().splitlines()[-1]))
    return logs, wall


async def mcp_sequential(
    app: object, count: int, offset: int, modern: bool = False
) -> tuple[list[dict], list[float]]:
    """Distinct search_products tool calls, one after another; their log lines.
    ``modern``: 2026-07-28 requests (the envelope in ``_meta``, the Mcp-* headers)."""
    logs, wall = [], []
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://bench") as client:
        for index in range(count):
            arguments = {"q": "phone", "page_size": 10, "min_price": (offset + index) / 100}
            params = {"name": "search_products", "arguments": arguments}
            message = {"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": params}
            headers = MCP_HEADERS
            if modern:
                message = modern_message("tools/call", params, request_id=index)
                headers = {**modern_headers(message), "host": MCP_HEADERS["host"]}
            buffer = io.StringIO()
            started = time.perf_counter()
            with redirect_stdout(buffer):
                response = await client.post("/mcp", json=message, headers=headers)
            wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and '"isError":false' in response.text, response.text
            logs.append(json.loads(buffer.getvalue().splitlines()[-1]))
    return logs, wall


async def concurrent(app: object, seconds: float, in_flight: int) -> float:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    done = 0
    stop_at = time.monotonic() + seconds
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def worker(index: int) -> None:
            nonlocal done
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                response = await client.get(
                    f"/api/products/search?q=case&min_price={(index * 1_000_000 + n) / 100}"
                )
                assert response.status_code == 200
                done += 1

        started = time.monotonic()
        with redirect_stdout(io.StringIO()):
            await asyncio.gather(*(worker(i) for i in range(in_flight)))
        return done / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    port = free_port()
    gateway = subprocess.Popen(
        [sys.executable, "-m", "devtools.fake_gateway", "--port", str(port)], cwd=ROOT
    )
    try:
        wait_for_port(port, gateway)
        os.environ.update(
            ALIEXPRESS_APP_KEY=DEMO_APP_KEY,
            ALIEXPRESS_APP_SECRET=DEMO_APP_SECRET,
            ALIEXPRESS_TRACKING_ID="bench",
            ALIEXPRESS_API_URL=f"http://127.0.0.1:{port}/sync",
        )
        os.environ.pop("PROXY_API_KEY", None)
        app = load_function(ROOT, "products")
        mcp_app = load_function(ROOT, "mcp_fn")

        async def phases() -> tuple:
            # One event loop throughout, as in a warm instance (one client, one cache).
            await sequential(app, 200, 50_000_000)  # warm up: client, pool, caches
            before = gateway_stats(port)
            logs, wall = await sequential(app, args.requests, 0)
            after = gateway_stats(port)
            rps = await concurrent(app, 10.0, 20)
            await sequential(app, 300, 70_000_000)
            hit_logs, hit_wall = await sequential(app, 300, 70_000_000)  # the same again
            await mcp_sequential(mcp_app, 200, 90_000_000)  # warm up
            mcp = await mcp_sequential(mcp_app, args.requests, 0)
            await route_sequential(app, delivery_paths(200, 0))  # warm up
            delivery = await route_sequential(app, delivery_paths(args.requests, 200))
            await mcp_sequential(mcp_app, 200, 95_000_000, modern=True)  # warm up
            modern = await mcp_sequential(mcp_app, args.requests, 10_000_000, modern=True)
            return before, logs, wall, after, rps, hit_logs, hit_wall, mcp, delivery, modern

        (before, logs, wall, after, rps, hit_logs, hit_wall, mcp, delivery, modern) = asyncio.run(
            phases()
        )
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
    assert all(line["cache"] == "miss" for line in logs)
    assert all(line["cache"] == "hit" for line in hit_logs)
    mcp_logs, mcp_wall = mcp
    assert all(line["cache"] == "miss" and line["tool"] for line in mcp_logs)
    mcp_overhead = [line["latency_ms"] - line["upstream_ms"] for line in mcp_logs]
    mcp_p50 = statistics.median(mcp_overhead)
    delivery_logs, _ = delivery
    assert all(line["cache"] == "miss" for line in delivery_logs)
    by_route: dict[str, list[float]] = {}
    for line in delivery_logs:
        by_route.setdefault(line["route"], []).append(line["latency_ms"] - line["upstream_ms"])
    delivery_p50 = max(statistics.median(values) for values in by_route.values())
    modern_logs, modern_wall = modern
    assert all(line["cache"] == "miss" and line["tool"] for line in modern_logs)
    modern_overhead = [line["latency_ms"] - line["upstream_ms"] for line in modern_logs]
    modern_p50 = statistics.median(modern_overhead)
    overhead = [line["latency_ms"] - line["upstream_ms"] for line in logs]
    upstream = [line["upstream_ms"] for line in logs]
    calls = after["calls"] - before["calls"]
    per_100 = (after["connections"] - before["connections"]) / calls * 100
    p50 = statistics.median(overhead)
    lines = [
        "## Warm path: products search in process (fake gateway at zero latency)",
        "",
        stamp("python -m bench.warm_path " + " ".join(sys.argv[1:])),
        "",
        f"{args.requests} distinct searches one after another (every one a cache miss, so every "
        "one goes upstream over loopback), after 200 warm-up requests. Overhead = the "
        "function's own log line, `latency_ms - upstream_ms`.",
        "",
        "| measure | p50 | p99 |",
        "|---|---|---|",
        f"| overhead per search, excluding upstream (ms) | {p50:.2f} | "
        f"{percentile(overhead, 0.99):.2f} |",
        f"| upstream round trip incl. signing and parsing (ms) | {statistics.median(upstream):.2f}"
        f" | {percentile(upstream, 0.99):.2f} |",
        f"| wall time per request seen by the in-process caller (ms) | "
        f"{statistics.median(wall):.2f} | {percentile(wall, 0.99):.2f} |",
        f"| wall time for a cache hit (ms) | {statistics.median(hit_wall):.2f} | "
        f"{percentile(hit_wall, 0.99):.2f} |",
        f"| MCP: tools/call overhead, excluding upstream (ms) | {mcp_p50:.2f} | "
        f"{percentile(mcp_overhead, 0.99):.2f} |",
        f"| MCP: tools/call wall time seen by the in-process caller (ms) | "
        f"{statistics.median(mcp_wall):.2f} | {percentile(mcp_wall, 0.99):.2f} |",
        *(
            f"| `{route}` overhead, excluding upstream (ms) | {statistics.median(values):.2f} | "
            f"{percentile(values, 0.99):.2f} |"
            for route, values in sorted(by_route.items())
        ),
        f"| MCP 2026-07-28: tools/call overhead, excluding upstream (ms) | {modern_p50:.2f} | "
        f"{percentile(modern_overhead, 0.99):.2f} |",
        f"| MCP 2026-07-28: tools/call wall time seen by the in-process caller (ms) | "
        f"{statistics.median(modern_wall):.2f} | {percentile(modern_wall, 0.99):.2f} |",
        "",
        f"Requests/s on one worker, 20 in flight, distinct searches: **{rps:.0f}**. "
        f"Upstream connections opened per 100 requests: **{per_100:.2f}** "
        f"({after['connections'] - before['connections']} for {calls} upstream calls; keep-alive).",
        "",
        "| budget | verdict | measured |",
        "|---|---|---|",
        f"| warm overhead p50 <= {OVERHEAD_BUDGET_MS:.0f} ms per search, excluding upstream | "
        f"{'PASS' if p50 <= OVERHEAD_BUDGET_MS else 'FAIL'} | {p50:.2f} ms |",
        f"| MCP tools/call overhead p50 <= {MCP_OVERHEAD_BUDGET_MS:.0f} ms, excluding upstream | "
        f"{'PASS' if mcp_p50 <= MCP_OVERHEAD_BUDGET_MS else 'FAIL'} | {mcp_p50:.2f} ms |",
        f"| warm overhead p50 <= {OVERHEAD_BUDGET_MS:.0f} ms for shipping and variants "
        f"(the slower) | {'PASS' if delivery_p50 <= OVERHEAD_BUDGET_MS else 'FAIL'} | "
        f"{delivery_p50:.2f} ms |",
        f"| MCP 2026-07-28 tools/call overhead p50 <= {MCP_OVERHEAD_BUDGET_MS:.0f} ms, "
        f"excluding upstream | {'PASS' if modern_p50 <= MCP_OVERHEAD_BUDGET_MS else 'FAIL'} | "
        f"{modern_p50:.2f} ms |",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section("warm-path", text)


if __name__ == "__main__":
    main()
