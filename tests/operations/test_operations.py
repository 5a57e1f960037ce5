"""lib.operations: one implementation per operation, callable without any web framework."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.fake_gateway import FakeGateway
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import NotConfiguredError
from lib.aliexpress.queries import Locale
from lib.config import Settings
from lib.http.errors import InvalidParameter, InvalidRequest, NotFound
from lib.operations.categories import CategoryParams, list_categories
from lib.operations.links import AffiliateLinksParams, affiliate_links
from lib.operations.params import LocaleParams, parse_params
from lib.operations.products import (
    ProductBatchParams,
    ProductParams,
    ProductSearchParams,
    get_product,
    get_products,
    hot_products,
    search_products,
)
from tests.conftest import TRACKING_ID, load_function, modules_after

pytestmark = pytest.mark.anyio

SETTINGS = Settings(app_key="k", app_secret="s", tracking_id=TRACKING_ID)


@pytest.fixture
def client(make_client: Callable[..., AliExpressClient]) -> AliExpressClient:
    return make_client()


async def test_search_sends_the_callers_locale_else_the_deployments(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    settings = Settings(app_key="k", app_secret="s", currency="EUR", ship_to="FR")
    page = await search_products(client, settings, ProductSearchParams(q="case", language="DE"))
    assert page.products
    sent = gateway.calls[-1]
    assert (sent["target_currency"], sent["ship_to_country"], sent["target_language"]) == (
        "EUR",
        "FR",
        "DE",
    )


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({}, "q"),
        ({"q": "a", "min_price": 20, "max_price": 10}, "min_price"),
        ({"q": "a", "max_delivery_days": 4}, "max_delivery_days"),
    ],
)
async def test_search_rules_across_fields_name_the_parameter(
    client: AliExpressClient, gateway: FakeGateway, arguments: dict, parameter: str
) -> None:
    with pytest.raises(InvalidParameter) as raised:
        await search_products(client, SETTINGS, ProductSearchParams(**arguments))
    assert raised.value.parameter == parameter
    assert f"'{parameter}'" in raised.value.message
    assert gateway.calls == []


async def test_hot_products_need_no_keywords(client: AliExpressClient) -> None:
    page = await hot_products(client, SETTINGS, ProductSearchParams(page_size=3))
    assert 0 < len(page.products) <= 3


async def test_one_product_and_an_unknown_one(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    product_id = str(gateway.catalog.products[0]["product_id"])
    product = await get_product(client, SETTINGS, ProductParams(product_id=product_id))
    assert product.id == product_id
    with pytest.raises(NotFound):
        await get_product(client, SETTINGS, ProductParams(product_id="1005000000000001"))


async def test_batch_takes_ids_urls_and_comma_separated_entries(
    client: AliExpressClient, gateway: FakeGateway
) -> None:
    first, second = (str(p["product_id"]) for p in gateway.catalog.products[:2])
    refs = [f"{first},https://www.aliexpress.com/item/{second}.html", "1005000000000002", first]
    batch = await get_products(client, SETTINGS, ProductBatchParams(ids=refs))
    assert [p.id for p in batch.products] == [first, second]
    assert batch.not_found == ["1005000000000002"]


@pytest.mark.parametrize(
    ("ids", "fragment"),
    [
        ([","], "at least one"),
        (["1,2"], "neither a product ID"),
        ([",".join(["123456"] * 21)], "at most 20"),
    ],
)
async def test_bad_batch_refs_name_ids(client: AliExpressClient, ids: list, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=fragment) as raised:
        await get_products(client, SETTINGS, ProductBatchParams(ids=ids))
    assert raised.value.parameter == "ids"


async def test_links_need_aliexpress_urls_and_the_tracking_id(client: AliExpressClient) -> None:
    url = "https://www.aliexpress.com/item/1005006123456789.html"
    batch = await affiliate_links(client, SETTINGS, AffiliateLinksParams(urls=[url, url]))
    assert [link.url for link in batch.links] == [url]
    with pytest.raises(InvalidParameter, match="not an AliExpress URL"):
        await affiliate_links(client, SETTINGS, AffiliateLinksParams(urls=["https://a.com/x"]))
    # The tracking ID is the client's: the caller's channel's (lib/upstream.py).
    untracked = client.with_tracking_id(None)
    with pytest.raises(NotConfiguredError, match="ALIEXPRESS_TRACKING_ID"):
        await affiliate_links(untracked, SETTINGS, AffiliateLinksParams(urls=[url]))


async def test_categories_filter_by_parent(client: AliExpressClient) -> None:
    every = (await list_categories(client, SETTINGS, CategoryParams())).categories
    parent = next(c for c in every if c.parent_id is None)
    children = await list_categories(client, SETTINGS, CategoryParams(parent_id=parent.id))
    assert children.categories
    assert all(c.parent_id == parent.id for c in children.categories)


def test_parse_params_names_every_bad_field_in_the_callers_spelling() -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_params(AffiliateLinksParams, {"urls": []}, names={"urls": "url"})
    assert "'url'" in raised.value.message
    with pytest.raises(InvalidRequest) as raised:
        parse_params(ProductSearchParams, {"page": 0, "currency": "XXX"})
    assert "'page'" in raised.value.message and "'currency'" in raised.value.message


def test_renamed_keeps_the_detail() -> None:
    problem = InvalidParameter("urls", "give at least one AliExpress URL.").renamed({"urls": "url"})
    assert problem.message == "Invalid parameter 'url': give at least one AliExpress URL."


def test_locale_defaults() -> None:
    assert LocaleParams(ship_to="gb").locale(Settings()) == Locale(
        ship_to="GB", currency="USD", language="EN"
    )


def test_operations_never_import_a_web_framework() -> None:
    loaded = modules_after(
        "import lib.operations.products, lib.operations.links, lib.operations.categories\n"
        "import lib.upstream"
    )
    assert not {"fastapi", "starlette"} & {name.split(".")[0] for name in loaded}


def test_data_functions_still_load_as_vercel_loads_them() -> None:
    assert "lib.operations.products" in modules_after(load_function("products"))
