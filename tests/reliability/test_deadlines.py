"""Timeouts plus retries always fit maxDuration and the GPT's 45 s; no retry storms."""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from pathlib import Path

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.httpx_transport import gateway_transport
from lib.aliexpress.client import AliExpressClient, RetryPolicy
from lib.aliexpress.errors import UpstreamHTTPError, UpstreamTimeoutError
from lib.aliexpress.queries import ProductQuery
from lib.cache import TTLCache

ROOT = Path(__file__).resolve().parents[2]
GPT_TIMEOUT = 45.0
CONTRACT_ANSWER_WITHIN = 25.0


def test_production_budget_fits_max_duration_and_the_gpt() -> None:
    client = AliExpressClient(app_key="k", app_secret="s")
    max_duration = json.loads((ROOT / "vercel.json").read_text())["functions"]["api/*.py"][
        "maxDuration"
    ]
    # The deadline bounds the whole call, retries and backoff included; 5 s is
    # left for the cold start and the answer itself.
    assert client.deadline + 5 <= CONTRACT_ANSWER_WITHIN <= max_duration < GPT_TIMEOUT
    assert client.attempt_timeout < client.deadline
    assert client.retry.max_attempts <= 3


def test_backoff_is_jittered_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.2, max_delay=2.0)
    rng = random.Random(7)
    delays = [policy.backoff(attempt, rng.random) for attempt in (1, 2, 3, 8) for _ in range(50)]
    assert all(0 <= d <= 2.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 150  # jitter spreads retries out


@pytest.mark.anyio
@pytest.mark.parametrize("deadline", [0.3, 0.6, 1.2])
async def test_a_hanging_upstream_is_cut_at_the_deadline(deadline: float) -> None:

    gateway = FakeGateway(slow_seconds=60)
    gateway.faults.inject(Fault.SLOW, times=None)
    client = AliExpressClient(
        app_key=gateway.app_key,
        app_secret=gateway.app_secret,
        transport=gateway_transport(gateway),
        deadline=deadline,
        attempt_timeout=deadline / 2.5,
        retry=RetryPolicy(max_attempts=10, base_delay=0.01),
    )
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        await client.get_categories()
    assert time.monotonic() - started < deadline + 0.15


@pytest.mark.anyio
async def test_the_timeout_message_states_the_whole_wait_and_the_attempts() -> None:
    gateway = FakeGateway(slow_seconds=60)
    gateway.faults.inject(Fault.SLOW, times=None)
    client = AliExpressClient(
        app_key=gateway.app_key,
        app_secret=gateway.app_secret,
        transport=gateway_transport(gateway),
        deadline=2.0,
        attempt_timeout=0.2,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02),
    )
    with pytest.raises(UpstreamTimeoutError) as raised:
        await client.get_categories()
    found = re.fullmatch(
        r"AliExpress did not answer within (\d+\.\d) s \(3 attempts\)\.", raised.value.message
    )
    assert found, raised.value.message
    assert 0.55 <= float(found[1]) < 1.0  # three attempts of 0.2 s, not the last one's 0.2 s


@pytest.mark.anyio
async def test_a_failing_upstream_sees_no_retry_storm() -> None:

    gateway = FakeGateway(latency=0.01)
    gateway.faults.inject(Fault.HTTP_503, times=None)
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)

    def client(cache: TTLCache | None) -> AliExpressClient:
        return AliExpressClient(
            app_key=gateway.app_key,
            app_secret=gateway.app_secret,
            transport=gateway_transport(gateway),
            retry=policy,
            deadline=2.0,
            cache=cache,
        )

    # 20 different searches: at most max_attempts upstream calls each.
    distinct = client(None)
    results = await asyncio.gather(
        *(distinct.query_products(ProductQuery(keywords=f"k{i}")) for i in range(20)),
        return_exceptions=True,
    )
    assert all(isinstance(r, UpstreamHTTPError) for r in results)
    assert len(gateway.calls) <= 20 * policy.max_attempts
    # 20 identical searches at once: coalesced into one call and its retries.
    gateway.calls.clear()
    shared = client(TTLCache())
    results = await asyncio.gather(
        *(shared.query_products(ProductQuery(keywords="same")) for _ in range(20)),
        return_exceptions=True,
    )
    assert all(isinstance(r, UpstreamHTTPError) for r in results)
    assert len(gateway.calls) <= policy.max_attempts


@pytest.mark.anyio
async def test_a_waiter_that_takes_over_a_shared_call_keeps_its_own_deadline() -> None:
    """The request owning a coalesced call is cancelled (its caller left): a waiter
    fetches instead, within the deadline it got when it arrived, not a fresh one."""
    gateway = FakeGateway(slow_seconds=60)
    gateway.faults.inject(Fault.SLOW, times=None)
    deadline = 1.0
    client = AliExpressClient(
        app_key=gateway.app_key,
        app_secret=gateway.app_secret,
        transport=gateway_transport(gateway),
        deadline=deadline,
        attempt_timeout=deadline,
        cache=TTLCache(),
    )
    owner = asyncio.create_task(client.get_categories())
    await asyncio.sleep(0.1)
    arrived = time.monotonic()
    waiter = asyncio.create_task(client.get_categories())
    await asyncio.sleep(0.6)
    owner.cancel()
    with pytest.raises(UpstreamTimeoutError):
        await waiter
    assert time.monotonic() - arrived < deadline + 0.15
    assert len(gateway.calls) == 2  # it did take over, and did not start a fresh deadline
