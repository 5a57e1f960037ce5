"""Two separate function processes (the dev server, as two instances would run) sharing
one redis-server, against one fake gateway that counts upstream calls: an answer one
instance fetched is a hit for the other, a cold key asked by both at once costs one call,
and a Redis killed mid-run leaves both answering 200, in-process."""

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from devtools.dev_process import dev_server
from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway
from devtools.fake_gateway.server import serve_in_thread
from devtools.redis_server import RedisServer


def get(base: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextlib.contextmanager
def two_instances(gateway: FakeGateway, redis_url: str) -> Iterator[tuple[str, str]]:
    with serve_in_thread(gateway) as url:
        env = {
            "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
            "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
            "ALIEXPRESS_API_URL": url,
            "ALIEXPRESS_TRACKING_ID": "tracking",
            "REDIS_URL": redis_url,
        }
        with dev_server(**env) as first, dev_server(**env) as second:
            yield first, second


def searches(gateway: FakeGateway) -> int:
    return sum(call["method"] == "aliexpress.affiliate.product.query" for call in gateway.calls)


def test_one_instances_answer_is_the_others_hit(gateway: FakeGateway, redis: RedisServer) -> None:
    with two_instances(gateway, redis.url) as (first, second):
        status, body = get(first, "/api/products/search?q=lamp")
        assert status == 200
        assert get(second, "/api/products/search?q=lamp") == (200, body)
        assert searches(gateway) == 1
        health = get(second, "/health?deep=1")[1]
        assert (health["shared_state"], health["redis"]) == ("redis", "ok")


def test_a_cold_key_asked_by_both_at_once_costs_one_call(
    gateway: FakeGateway, redis: RedisServer
) -> None:
    gateway.latency = 0.5  # long enough for both to ask while the first call is out
    with two_instances(gateway, redis.url) as (first, second):
        # Warm both processes' pools and the products function itself (the dev server
        # loads a function on its first request): a cold import in one process could
        # outlast the other's bounded wait for the lock.
        for base, warm_up in ((first, "chair"), (second, "table")):
            assert get(base, f"/api/products/search?q={warm_up}")[0] == 200
        before = searches(gateway)
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda base: get(base, "/api/products/search?q=desk"), [first, second] * 4)
            )
    assert {status for status, _ in answers} == {200}
    assert searches(gateway) - before == 1


def test_a_redis_killed_mid_run_degrades_both_to_in_process(
    gateway: FakeGateway, redis: RedisServer
) -> None:
    with two_instances(gateway, redis.url) as (first, second):
        assert get(first, "/api/products/search?q=chair")[0] == 200
        redis.kill()
        for base in (first, second):
            status, _ = get(base, "/api/products/search?q=table")
            assert status == 200
            health = get(base, "/health?deep=1")[1]
            assert (health["redis"], health["redis_reason"]) == ("degraded", "connection failed")
            assert str(redis.port) not in json.dumps(health)
