"""lib.operations for deals and discovery: promotions and similar products, framework-free."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.fake_gateway import FakeGateway
from lib.aliexpress.client import AliExpressClient
from lib.config import Settings
from lib.http.errors import InvalidParameter, InvalidRequest
from lib.operations.params import parse_params
from lib.operations.products import SimilarProductsParams, similar_products
from lib.operations.promotions import (
    PromotionListParams,
    PromotionProductsParams,
    list_promotions,
    promotion_products,
)
from tests.conftest import TRACKING_ID, modules_after

pytestmark = pytest.mark.anyio

SETTINGS = Settings(app_key="k", app_secret="s", tracking_id=TRACKING_ID)
PHONE_CASE = "1005006107718769"


@pytest.fixture
def client(make_client: Callable[..., AliExpressClient]) -> AliExpressClient:
    return make_client()


async def test_list_promotions(client: AliExpressClient) -> None:
    listed = await list_promotions(client, SETTINGS, PromotionListParams())
    assert {p.name for p in listed.promotions} >= {"Hot Product", "weeklydeals"}


async def test_promotion_products_use_the_deployments_locale(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    settings = Settings(app_key="k", app_secret="s", currency="EUR", ship_to="FR")
    params = PromotionProductsParams(name=" weeklydeals ", language="DE")
    page = await promotion_products(client, settings, params)
    assert page.products
    sent = gateway.last_call("aliexpress.affiliate.featuredpromo.products.get")
    assert sent["promotion_name"] == "weeklydeals"
    assert (sent["target_currency"], sent["country"], sent["target_language"]) == (
        "EUR",
        "FR",
        "DE",
    )


async def test_a_blank_promotion_name_is_named(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    with pytest.raises(InvalidParameter) as raised:
        await promotion_products(client, SETTINGS, PromotionProductsParams(name="   "))
    assert raised.value.parameter == "name"
    assert gateway.calls == []


def test_promotion_products_need_a_name() -> None:
    with pytest.raises(InvalidRequest, match="'name'"):
        parse_params(PromotionProductsParams, {"page": 2})


async def test_similar_products_pages(client: AliExpressClient) -> None:
    first = await similar_products(client, SETTINGS, SimilarProductsParams(product_id=PHONE_CASE))
    second = await similar_products(
        client, SETTINGS, SimilarProductsParams(product_id=PHONE_CASE, page=2)
    )
    assert first.has_more and not second.has_more
    ids = [p.id for p in first.products + second.products]
    assert PHONE_CASE not in ids and len(ids) == len(set(ids))


@pytest.mark.parametrize("arguments", [{}, {"product_id": "12ab"}, {"product_id": "1" * 21}])
def test_similar_products_need_a_product_id(arguments: dict) -> None:
    with pytest.raises(InvalidRequest, match="'product_id'"):
        parse_params(SimilarProductsParams, arguments)


def test_deal_operations_never_import_a_web_framework() -> None:
    loaded = modules_after("import lib.operations.promotions, lib.operations.products")
    assert not {"fastapi", "starlette"} & {name.split(".")[0] for name in loaded}
