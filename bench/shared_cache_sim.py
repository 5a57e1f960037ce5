"""Shared state on Redis: what it saves upstream, what a hit costs, what a cold start costs.

    python -m bench.shared_cache_sim [--requests 10000] [--hits 2000] [--cold-runs 5] [--write]

1. Upstream calls per ``--requests`` shopper requests against instance count (1, 4, 16,
   64), a Zipf query mix (s = 1.1 over 5,000 distinct searches), each request sent to a
   random instance: in-process caches (each instance alone, 512 entries LRU, as today)
   vs the shared cache on a real redis-server (devtools/redis_server.py). Instances live
   through the whole run, every answer within its TTL: the in-process side's best case.
2. Warm cost of a cache hit through the AliExpress client (a page of 10 products from
   the fake gateway): in-process hit; Redis hit (another instance's answer: local front
   empty, one GET on loopback and the JSON decode). Budget: p50 <= +1 ms.
3. Cold start of the products function through vercel_runtime (bench/cold_start.py's
   machinery, no bytecode), without and with ``REDIS_URL``; the first request with it
   imports redis.asyncio and makes the Redis round trips. Budget: within +5%.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import stamp, write_section
from devtools.redis_server import redis_server

INSTANCES = (1, 4, 16, 64)
DISTINCT_QUERIES = 5_000
ZIPF_S = 1.1
HIT_BUDGET_MS = 1.0
COLD_BUDGET = 1.05
METHOD = "aliexpress.affiliate.product.query"


def zipf_mix(count: int, rng: random.Random) -> list[int]:
    weights = [1 / (rank**ZIPF_S) for rank in range(1, DISTINCT_QUERIES + 1)]
    return rng.choices(range(DISTINCT_QUERIES), weights=weights, k=count)


async def upstream_calls(instances: int, mix: list[int], redis_url: str | None) -> int:
    from lib.cache import TTLCache
    from lib.shared.cache import SharedCache
    from lib.shared.redis_link import RedisLink

    calls = 0

    async def fetch() -> dict[str, int]:
        nonlocal calls
        calls += 1
        return {"products": calls}

    caches = [
        SharedCache(RedisLink(redis_url)) if redis_url else TTLCache() for _ in range(instances)
    ]
    rng = random.Random(instances)
    for query in mix:
        key = (METHOD, (("keywords", f"query {query}"),))
        await caches[rng.randrange(instances)].get_or_fetch(key, 300, fetch)
    for cache in caches:
        if isinstance(cache, SharedCache):
            await cache.link.aclose()
    return calls


async def hit_costs(count: int, redis_url: str) -> tuple[list[float], list[float]]:
    from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
    from devtools.httpx_transport import gateway_transport
    from lib.aliexpress.client import AliExpressClient
    from lib.cache import TTLCache
    from lib.shared.cache import SharedCache
    from lib.shared.redis_link import RedisLink

    params = {"keywords": "phone case", "page_size": 10, "target_currency": "USD"}

    def client(cache: object) -> AliExpressClient:
        return AliExpressClient(
            app_key=DEMO_APP_KEY,
            app_secret=DEMO_APP_SECRET,
            api_url="http://gateway/sync",
            transport=gateway_transport(FakeGateway()),
            cache=cache,  # type: ignore[arg-type]
        )

    local = client(TTLCache())
    shared_cache = SharedCache(RedisLink(redis_url))
    shared = client(shared_cache)
    await local.call(METHOD, params)
    await shared.call(METHOD, params)  # now in Redis
    in_process, from_redis = [], []
    for _ in range(count):
        started = time.perf_counter()
        await local.call(METHOD, params)
        in_process.append((time.perf_counter() - started) * 1000)
        shared_cache.local = TTLCache()  # another instance: its front has never seen it
        started = time.perf_counter()
        await shared.call(METHOD, params)
        from_redis.append((time.perf_counter() - started) * 1000)
    await shared_cache.link.aclose()
    return in_process, from_redis


def cold_starts(runs: int, redis_url: str, compiled: bool) -> tuple[list[float], list[float]]:
    import os

    from bench.cold_start import cold_start, first_event, prepare
    from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
    from devtools.fake_gateway.catalog import Catalog
    from devtools.fake_gateway.server import serve_in_thread

    product_id = str(Catalog.load().products[0]["product_id"])
    workdir = Path(tempfile.mkdtemp(prefix="shared-cold-"))
    without, with_redis = [], []
    try:
        deps, project = prepare(workdir, compiled=compiled)
        with serve_in_thread(FakeGateway()) as url:
            env = {
                "PATH": os.environ.get("PATH", ""),
                "LANG": "C.UTF-8",
                "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
                "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
                "ALIEXPRESS_TRACKING_ID": "bench",
                "ALIEXPRESS_API_URL": url,
            }
            for run in range(runs + 1):  # run 0 warms the file cache and is dropped
                event = first_event("products", product_id)
                a, _ = cold_start(deps, project, "products", env, event)
                b, _ = cold_start(deps, project, "products", {**env, "REDIS_URL": redis_url}, event)
                if run:
                    without.append(a)
                    with_redis.append(b)
                print(f"cold start run {run}/{runs} done", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return without, with_redis


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--hits", type=int, default=2_000)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    mix = zipf_mix(args.requests, random.Random(24))
    with redis_server() as server:
        admin = server.admin()
        rows = []
        for instances in INSTANCES:
            admin.flushall()
            alone = asyncio.run(upstream_calls(instances, mix, None))
            admin.flushall()
            shared = asyncio.run(upstream_calls(instances, mix, server.url))
            rows.append((instances, alone, shared))
            print(f"{instances} instances: {alone} vs {shared}", file=sys.stderr)
        admin.flushall()
        in_process, from_redis = asyncio.run(hit_costs(args.hits, server.url))
        admin.flushall()
        cold = {
            compiled: cold_starts(args.cold_runs, server.url, compiled)
            for compiled in (False, True)
        }
    distinct = len(set(mix))
    extra = statistics.median(from_redis) - statistics.median(in_process)
    ratios = {
        compiled: statistics.median(with_redis) / statistics.median(without)
        for compiled, (without, with_redis) in cold.items()
    }
    command = "python -m bench.shared_cache_sim " + " ".join(sys.argv[1:])
    lines = [
        "## Shared state on Redis (REDIS_URL): upstream calls saved, hit cost, cold start",
        "",
        stamp(command),
        "",
        f"{args.requests} shopper requests, Zipf s={ZIPF_S} over {DISTINCT_QUERIES} searches "
        f"({distinct} distinct asked), each to a random instance; instances live through the "
        "run (the in-process side's best case); real redis-server on loopback.",
        "",
        f"| instances | upstream calls per {args.requests}, in-process | with Redis | saved |",
        "|---|---|---|---|",
    ]
    for instances, alone, shared in rows:
        lines.append(f"| {instances} | {alone} | {shared} | {1 - shared / alone:.0%} |")
    lines += [
        "",
        f"Cache hit through the AliExpress client, {args.hits} each (ms):",
        "",
        "| hit | p50 | p99 |",
        "|---|---|---|",
        f"| in-process | {statistics.median(in_process):.3f} | "
        f"{percentile(in_process, 0.99):.3f} |",
        f"| from Redis (another instance's answer) | {statistics.median(from_redis):.3f} | "
        f"{percentile(from_redis, 0.99):.3f} |",
        "",
        f"Products cold start through vercel_runtime, {args.cold_runs} runs each, "
        "interleaved (median wall ms):",
        "",
        "| shipped | without REDIS_URL | with REDIS_URL | ratio |",
        "|---|---|---|---|",
        *(
            f"| {'bytecode' if compiled else 'no bytecode (default)'} | "
            f"{statistics.median(without):.0f} | {statistics.median(with_redis):.0f} | "
            f"{ratios[compiled]:.2f}x |"
            for compiled, (without, with_redis) in cold.items()
        ),
        "",
        "| budget | verdict | measured |",
        "|---|---|---|",
        f"| Redis hit p50 <= in-process + {HIT_BUDGET_MS:.0f} ms | "
        f"{'PASS' if extra <= HIT_BUDGET_MS else 'FAIL'} | +{extra:.3f} ms |",
        f"| cold start with REDIS_URL <= {COLD_BUDGET:.2f}x without (no bytecode) | "
        f"{'PASS' if ratios[False] <= COLD_BUDGET else 'FAIL'} | {ratios[False]:.2f}x |",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section("shared-state", text)


if __name__ == "__main__":
    main()
