"""Which assistant earned what: every REST route that hands out affiliate URLs gives each
channel's URLs that channel's tracking ID, cold and from the cache (CONTRACT §9, #25)."""

from __future__ import annotations

import json

import pytest

from devtools.fake_gateway import FakeGateway
from devtools.httpx_transport import gateway_transport
from devtools.redis_server import RedisServer
from lib.data_api import get_client_provider
from lib.upstream import ClientProvider
from tests.api.conftest import FULL_CONFIG, Caller
from tests.attribution import CHANNEL_ENV, ENTRANCES, TRACKING_IDS, wrong_links
from tests.conftest import TRACKING_ID

pytestmark = pytest.mark.anyio

PHONE_CASE = "1005006107718769"  # in the fake catalog, with similar products
# (function, path under /api): every REST route whose answer carries affiliate URLs.
LINK_ROUTES = {
    "search": ("products", "/api/products/search?q=phone"),
    "hot": ("products", "/api/products/hot?page_size=5"),
    "product": ("products", f"/api/products/{PHONE_CASE}"),
    "products": ("products", f"/api/products?ids={PHONE_CASE}"),
    "similar": ("products", f"/api/products/{PHONE_CASE}/similar"),
    "promotion_products": ("promotions", "/api/promotions/products?name=Best+Seller"),
    "links": (
        "links",
        f"/api/links?url=https://www.aliexpress.com/item/{PHONE_CASE}.html",
    ),
}


@pytest.fixture
def channels(env) -> None:
    env(**FULL_CONFIG, **CHANNEL_ENV)


@pytest.mark.parametrize("channel", ENTRANCES)
@pytest.mark.parametrize("route", LINK_ROUTES)
async def test_every_link_route_gives_each_channel_its_own_tracking_id(
    call: Caller, channels: None, gateway: FakeGateway, route: str, channel: str
) -> None:
    function, path = LINK_ROUTES[route]
    calls = []
    for attempt in ("cold", "cached"):
        response = await call(function, ENTRANCES[channel] + path)
        assert response.status_code == 200, response.text
        assert wrong_links(response.json(), TRACKING_IDS[channel]) == [], attempt
        calls.append(len(gateway.calls))
    assert calls[0] >= 1 and calls[1] == calls[0]  # the second answer came from the cache


async def test_a_cached_answer_never_reaches_another_channel(
    call: Caller, channels: None, gateway: FakeGateway
) -> None:
    """Cache keys carry the tracking ID: the same search through two entrances is two
    upstream calls, and each channel's cached answer stays its own."""
    search = "/api/products/search?q=phone"
    for _ in range(2):
        for channel in ("gpt", "web", "api"):
            body = (await call("products", ENTRANCES[channel] + search)).json()
            assert wrong_links(body, TRACKING_IDS[channel]) == [], channel
    asked = [c["tracking_id"] for c in gateway.calls if c["method"].endswith("product.query")]
    assert asked == [TRACKING_IDS["gpt"], TRACKING_IDS["web"], TRACKING_ID]


async def test_a_channel_without_its_own_id_uses_the_default(
    call: Caller, env, gateway: FakeGateway
) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_TRACKING_ID_GPT="owner_gpt")
    gpt = (await call("products", "/gpt/api/products/search?q=phone")).json()
    web = (await call("products", "/web/api/products/search?q=phone")).json()
    assert wrong_links(gpt, "owner_gpt") == []
    assert wrong_links(web, TRACKING_ID) == []


async def test_the_api_channel_may_have_its_own_id_too(call: Caller, env) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_TRACKING_ID_API="owner_api")
    body = await call("links", LINK_ROUTES["links"][1])
    assert body.json()["tracking_id"] == "owner_api"
    assert wrong_links(body.json(), "owner_api") == []


async def test_an_unusable_channel_id_falls_back_and_health_says_so(call: Caller, env) -> None:
    env(**FULL_CONFIG, ALIEXPRESS_TRACKING_ID_MCP="owner mcp", ALIEXPRESS_TRACKING_ID_WEB="w")
    health = (await call("health", "/api/health")).json()
    assert health["mode"] == "live"  # a bad channel ID never stops the deployment
    assert [p for p in health["problems"] if "TRACKING_ID" in p] == [
        "ALIEXPRESS_TRACKING_ID_MCP must be 1-64 characters of letters, digits, '_', '-' or "
        "'.': its channel uses the default."
    ]
    assert "owner mcp" not in str(health)
    assert health["tracking_ids"] == {
        "gpt": "default",
        "mcp": "default",
        "web": "own",
        "api": "default",
    }


async def test_an_unusable_default_id_means_no_links_not_a_crash(call: Caller, env) -> None:
    env(**{**FULL_CONFIG, "ALIEXPRESS_TRACKING_ID": "two words"})
    health = (await call("health", "/api/health")).json()
    assert any(p.startswith("ALIEXPRESS_TRACKING_ID must be") for p in health["problems"])
    assert health["tracking_ids"] == dict.fromkeys(("gpt", "mcp", "web", "api"), "none")
    links = await call("links", LINK_ROUTES["links"][1])
    assert links.status_code == 503
    assert links.json()["error"]["code"] == "not_configured"
    search = (await call("products", "/gpt/api/products/search?q=phone")).json()
    assert all(p["affiliate_url"] is None for p in search["products"])


@pytest.mark.parametrize(
    ("path", "channel"),
    [
        ("/gpt/api/products/search?q=phone", "gpt"),
        ("/web/api/products/search?q=phone", "web"),
        ("/api/products/search?q=phone", "api"),
        # Only a whole first segment is an entrance.
        ("/gptx/api/products/search?q=phone", None),
    ],
)
async def test_the_log_line_names_the_channel(
    call: Caller, channels: None, capsys, path: str, channel: str | None
) -> None:
    capsys.readouterr()
    response = await call("products", path)
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    if channel is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert line["channel"] == channel
        assert line["route"] == "/api/products/search"


async def test_through_redis_each_instance_hands_out_each_channel_its_own_links(
    call: Caller, apps, env, gateway: FakeGateway, redis: RedisServer
) -> None:
    """Instances share cached answers through Redis (#24), keyed with the tracking ID like
    the in-process cache: a gpt answer cached by one instance is never another channel's."""
    env(**FULL_CONFIG, **CHANNEL_ENV, REDIS_URL=redis.url)
    search = "/api/products/search?q=phone"
    instances = [ClientProvider(transport=gateway_transport(gateway)) for _ in range(2)]
    for instance in instances:
        apps["products"].dependency_overrides[get_client_provider] = lambda: instance  # noqa: B023
        for channel in ("gpt", "web"):
            body = (await call("products", ENTRANCES[channel] + search)).json()
            assert wrong_links(body, TRACKING_IDS[channel]) == [], (instance, channel)
    asked = [c["tracking_id"] for c in gateway.calls if c["method"].endswith("product.query")]
    assert asked == [TRACKING_IDS["gpt"], TRACKING_IDS["web"]]  # the second one: all hits
