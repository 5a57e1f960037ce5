"""lib/operations/hot_links.py: hot products get hot-product links (promotion_link_type=2)
and say what that link earns; ordinary products keep theirs; a failure never fails the
answer (CONTRACT §9, #25)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.fake_gateway.catalog import HOT_LINK_TYPE, promotion_link
from lib.aliexpress.client import AliExpressClient
from lib.cache import TTLCache
from lib.config import Settings
from lib.operations.products import (
    ProductBatchParams,
    ProductParams,
    ProductSearchParams,
    get_product,
    get_products,
    hot_products,
    search_products,
)
from lib.operations.promotions import PromotionProductsParams, promotion_products
from tests.conftest import TRACKING_ID

pytestmark = pytest.mark.anyio

SETTINGS = Settings(app_key="k", app_secret="s")
LINK_METHOD = "aliexpress.affiliate.link.generate"
HOT = "1005006159840274"  # 15.0% ordinary, 22.5% through a hot-product link
ORDINARY = "1005006100402689"  # 5.0%, not hot


@pytest.fixture
def client(make_client: Callable[..., AliExpressClient]) -> AliExpressClient:
    return make_client()


def link_calls(gateway: FakeGateway) -> list[dict[str, str]]:
    return [c for c in gateway.calls if c["method"] == LINK_METHOD]


async def test_a_page_gives_its_hot_products_hot_links_in_one_call(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    page = await hot_products(client, SETTINGS, ProductSearchParams(page_size=50))
    hot = [p for p in page.products if p.hot_commission_rate_percent]
    ordinary = [p for p in page.products if not p.hot_commission_rate_percent]
    assert hot and ordinary
    for product in hot:
        assert product.link_type == "hot"
        assert product.link_commission_rate_percent == product.hot_commission_rate_percent
        assert product.link_commission_rate_percent > product.commission_rate_percent
        assert product.affiliate_url == promotion_link(product.url, TRACKING_ID, HOT_LINK_TYPE)
    for product in ordinary:
        assert product.link_type == "normal"
        assert product.link_commission_rate_percent == product.commission_rate_percent
        assert product.affiliate_url == promotion_link(product.url, TRACKING_ID)
    (asked,) = link_calls(gateway)  # one batched call, for the hot ones only
    assert asked["promotion_link_type"] == "2"
    assert asked["tracking_id"] == TRACKING_ID
    assert asked["source_values"].split(",") == [p.url for p in hot]


async def test_more_hot_products_than_one_call_takes_are_batched(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    for product in gateway.catalog.products:
        product.setdefault("hot_product_commission_rate", "9.9%")
    page = await hot_products(client, SETTINGS, ProductSearchParams(page_size=50))
    assert len(page.products) > 20
    assert all(p.link_type == "hot" for p in page.products)
    assert [len(c["source_values"].split(",")) for c in link_calls(gateway)] == [20] * (
        len(page.products) // 20
    ) + ([len(page.products) % 20] if len(page.products) % 20 else [])


async def test_one_product_and_a_batch_get_hot_links_too(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    one = await get_product(client, SETTINGS, ProductParams(product_id=HOT))
    assert (one.link_type, one.link_commission_rate_percent) == ("hot", 22.5)
    assert one.images  # still the detail shape
    batch = await get_products(client, SETTINGS, ProductBatchParams(ids=[HOT, ORDINARY]))
    assert [p.link_type for p in batch.products] == ["hot", "normal"]


async def test_promotion_products_get_hot_links(client: AliExpressClient) -> None:
    params = PromotionProductsParams(name="Hot Product", page_size=50)
    page = await promotion_products(client, SETTINGS, params)
    assert any(p.link_type == "hot" for p in page.products)


async def test_without_hot_products_there_is_no_extra_call(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    page = await get_product(client, SETTINGS, ProductParams(product_id=ORDINARY))
    assert page.link_type == "normal"
    assert link_calls(gateway) == []


async def test_without_a_tracking_id_nothing_is_asked_and_no_link_is_claimed(
    make_client: Callable[..., AliExpressClient], gateway: FakeGateway
) -> None:
    client = make_client(tracking_id=None)
    page = await hot_products(client, SETTINGS, ProductSearchParams(page_size=20))
    assert all(p.affiliate_url is None and p.link_type is None for p in page.products)
    assert all(p.link_commission_rate_percent is None for p in page.products)
    assert link_calls(gateway) == []


@pytest.mark.parametrize("fault", [Fault.HTTP_500, Fault.API_CALL_LIMIT, Fault.SLOW])
async def test_a_failed_hot_link_call_keeps_the_ordinary_links(
    make_client: Callable[..., AliExpressClient], gateway: FakeGateway, fault: Fault
) -> None:
    client = make_client(deadline=8.0)
    gateway.slow_seconds = 30.0
    gateway.faults.inject(fault, times=None, method=LINK_METHOD)
    page = await hot_products(client, SETTINGS, ProductSearchParams(page_size=20))
    assert page.products
    assert all(p.link_type == "normal" for p in page.products)
    assert all(p.affiliate_url == promotion_link(p.url, TRACKING_ID) for p in page.products)


async def test_search_answers_are_cached_with_their_hot_links(
    make_client: Callable[..., AliExpressClient], gateway: FakeGateway
) -> None:
    client = make_client(cache=TTLCache())
    params = ProductSearchParams(q="phone", page_size=50)
    first = await search_products(client, SETTINGS, params)
    calls = len(gateway.calls)
    assert await search_products(client, SETTINGS, params) == first
    assert len(gateway.calls) == calls
