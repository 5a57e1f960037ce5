"""Load run against the local dev server, on loopback only, bounded in time.

    python -m bench.load [--duration 30] [--connections 50] [--runs 3] [--write] [--check]

Starts the fake gateway (its own process, realistic latency) and the dev server
(its own process, every function, routed as on Vercel), then drives a mix of all
data routes with random parameters - so most calls miss the in-process cache, as
varied GPT traffic would - for `--duration` seconds per run, several runs in a
row. Reports p50/p99 latency, requests/s and errors, and the server's resident
memory after each run. `--check` fails on any error, or on memory growing more
than 10% between the last two runs (the first run warms the instance).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import stamp, write_section
from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET
from devtools.fake_gateway.catalog import Catalog
from devtools.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "phone",
    "case",
    "charger",
    "usb",
    "wireless",
    "keyboard",
    "mouse",
    "watch",
    "kitchen",
    "camping",
    "led",
    "blocks",
    "screwdriver",
    "makeup",
    "storage",
    "headphones",
    "cable",
]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "BRL", "AUD", "CAD", "MXN"]
MAX_MEMORY_GROWTH = 0.10


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request_mix(rng: random.Random, product_ids: list[str]) -> str:
    kind = rng.random()
    currency = rng.choice(CURRENCIES)
    if kind < 0.55:
        words = "+".join(rng.sample(WORDS, rng.randint(1, 2)))
        return (
            f"/api/products/search?q={words}&page={rng.randint(1, 3)}"
            f"&page_size={rng.choice([5, 10, 20])}&currency={currency}"
        )
    if kind < 0.70:
        return f"/api/products/hot?page={rng.randint(1, 4)}&currency={currency}"
    if kind < 0.82:
        return f"/api/products/{rng.choice(product_ids)}?currency={currency}"
    if kind < 0.90:
        ids = ",".join(rng.sample(product_ids, 3))
        return f"/api/products?ids={ids}&currency={currency}"
    if kind < 0.96:
        return f"/api/links?url=https://www.aliexpress.com/item/{rng.choice(product_ids)}.html"
    return "/api/categories"


@dataclass
class RunResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rss_mb: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Connection:
    """A bare keep-alive HTTP/1.1 GET client: the load generator must cost far less
    CPU than the server it measures (httpx's client cost more than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ValueError("response without Content-Length")
        body = await self.reader.readexactly(length)
        if status == 200:
            json.loads(body)  # a 200 must carry valid JSON
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def one_run(port: int, duration: float, connections: int, seed: int) -> RunResult:
    product_ids = [str(p["product_id"]) for p in Catalog.load().products]
    result = RunResult()
    stop_at = time.monotonic() + duration

    async def worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = Connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop_at:
                path = request_mix(rng, product_ids)
                started = time.perf_counter()
                try:
                    status = await connection.get(path)
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    result.errors.append(f"{path}: {type(exc).__name__}")
                    await connection.close()
                    continue
                if status != 200:
                    result.errors.append(f"{path}: HTTP {status}")
                else:
                    result.latencies_ms.append((time.perf_counter() - started) * 1000)
        finally:
            await connection.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    result.seconds = time.monotonic() - started
    return result


def run(
    duration: float, connections: int, runs: int, latency: float
) -> tuple[list[RunResult], dict]:
    gateway_port, server_port = free_port(), free_port()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for name in [k for k in env if k.startswith(("ALIEXPRESS_", "PROXY_"))]:
        del env[name]
    gateway = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.fake_gateway",
            "--port",
            str(gateway_port),
            "--latency",
            str(latency),
        ],
        cwd=ROOT,
        env=env,
    )
    server_env = {
        **env,
        "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
        "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
        "ALIEXPRESS_TRACKING_ID": "load_test",
        "ALIEXPRESS_API_URL": f"http://127.0.0.1:{gateway_port}/sync",
    }
    # A file, not a pipe: unread, a pipe full of tracebacks would block the server.
    server_errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        [sys.executable, "-m", "devtools.server", "--port", str(server_port)],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=server_errors,
    )
    try:
        wait_for_port(gateway_port, gateway)
        wait_for_port(server_port, server)
        results = []
        for index in range(runs):
            result = asyncio.run(one_run(server_port, duration, connections, index))
            result.rss_mb = rss_mb(server.pid)
            results.append(result)
            print(
                f"run {index + 1}: {result.requests} requests, {len(result.errors)} errors, "
                f"p50 {result.percentile(0.5):.1f} ms, p99 {result.percentile(0.99):.1f} ms, "
                f"{result.requests / result.seconds:.0f} req/s, server RSS {result.rss_mb:.1f} MB"
            )
        settings = {
            "duration": duration,
            "connections": connections,
            "runs": runs,
            "latency": latency,
        }
        if any(result.errors for result in results):
            server_errors.seek(0)
            print("server stderr (tail):", server_errors.read()[-2000:].decode(errors="replace"))
        return results, settings
    finally:
        for process in (server, gateway):
            process.terminate()
            process.wait(timeout=10)
        server_errors.close()


def render(results: list[RunResult], settings: dict, command: str) -> str:
    lines = [
        "## Load: local dev server, all data routes",
        "",
        stamp(command),
        "",
        f"{settings['connections']} concurrent connections, {settings['duration']:.0f} s per run, "
        f"{settings['runs']} runs in a row against one server process; fake gateway in its own "
        f"process answering after {settings['latency'] * 1000:.0f} ms. Mix: 55% search, 15% hot, "
        "12% one product, 8% three products, 6% links, 4% categories, random keywords, pages and "
        "currencies (mostly cache misses).",
        "",
        "| run | requests | errors | p50 ms | p99 ms | req/s | server RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for index, r in enumerate(results, 1):
        lines.append(
            f"| {index} | {r.requests} | {len(r.errors)} | {r.percentile(0.5):.1f} | "
            f"{r.percentile(0.99):.1f} | {r.requests / r.seconds:.0f} | {r.rss_mb:.1f} |"
        )
    growth = results[-1].rss_mb / results[-2].rss_mb - 1 if len(results) > 1 else 0.0
    lines += [
        "",
        f"Memory growth between the last two runs: {growth * 100:+.1f}% "
        f"(budget {MAX_MEMORY_GROWTH * 100:.0f}%). Errors in total: "
        f"{sum(len(r.errors) for r in results)}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.08, help="fake gateway latency (s)")
    parser.add_argument("--write", action="store_true", help="write the BENCHMARKS.md section")
    parser.add_argument("--check", action="store_true", help="fail on errors or memory growth")
    args = parser.parse_args()
    results, settings = run(args.duration, args.connections, args.runs, args.latency)
    command = "python -m bench.load " + " ".join(sys.argv[1:])
    text = render(results, settings, command)
    print(text)
    if args.write:
        write_section("load", text)
    if args.check:
        errors = [e for r in results for e in r.errors]
        growth = results[-1].rss_mb / results[-2].rss_mb - 1 if len(results) > 1 else 0.0
        if errors or growth > MAX_MEMORY_GROWTH:
            raise SystemExit(
                f"load check failed: {len(errors)} errors {errors[:5]}, "
                f"memory growth {growth * 100:+.1f}%"
            )
        print("load check passed")


if __name__ == "__main__":
    main()
