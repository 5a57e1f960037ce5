"""api/promotions.py: the featured promotions and one promotion's products (CONTRACT §2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from tests.api.conftest import API_KEY, FULL_CONFIG, Caller, assert_error
from tests.api.test_products import PRODUCT_KEYS

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]
FIXED = ["Hot Product", "New Arrival", "Best Seller", "weeklydeals"]


async def test_promotions_list_the_featured_deals(call: Caller) -> None:
    response = await call("promotions", "/api/promotions")
    assert response.status_code == 200
    promotions = response.json()["promotions"]
    assert [p["name"] for p in promotions] == FIXED
    for promotion in promotions:
        assert set(promotion) == {"name", "description", "product_count"}
        assert promotion["product_count"] > 0


async def test_promotions_are_cached_an_hour(call: Caller, gateway: FakeGateway) -> None:
    first = await call("promotions", "/api/promotions")
    second = await call("promotions", "/api/promotions")
    assert first.json() == second.json()
    assert len(gateway.calls) == 1  # the client cache answered the second
    assert first.headers["cache-control"] == (
        "public, max-age=0, s-maxage=3600, stale-while-revalidate=3600"
    )


async def test_promotions_stay_private_with_an_api_key(call: Caller, env) -> None:
    env(**FULL_CONFIG, PROXY_API_KEY=API_KEY)
    response = await call(
        "promotions", "/api/promotions", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert_error(await call("promotions", "/api/promotions"), 401, "unauthorized")


async def test_promotion_products_answer_like_search(call: Caller) -> None:
    response = await call("promotions", "/api/promotions/products?name=Best+Seller&page_size=4")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"page", "page_size", "total", "has_more", "products"}
    assert (body["page"], body["page_size"], len(body["products"])) == (1, 4, 4)
    assert body["has_more"] and body["total"] > 4
    for product in body["products"]:
        assert set(product) == PRODUCT_KEYS
        assert product["affiliate_url"].startswith("https://s.click.aliexpress.com/")


async def test_promotion_products_map_every_parameter(call: Caller, gateway: FakeGateway) -> None:
    response = await call(
        "promotions",
        "/api/promotions/products?name=Hot+Product&category_id=509&sort=price_desc&page=1"
        "&page_size=5&ship_to=gb&currency=GBP&language=DE",
    )
    assert response.status_code == 200, response.text
    sent = gateway.last_call("aliexpress.affiliate.featuredpromo.products.get")
    assert sent["method"] == "aliexpress.affiliate.featuredpromo.products.get"
    assert sent["promotion_name"] == "Hot Product" and sent["category_id"] == "509"
    assert sent["sort"] == "priceDesc" and sent["page_size"] == "5"
    assert (sent["country"], sent["target_currency"], sent["target_language"]) == (
        "GB",
        "GBP",
        "DE",
    )
    prices = [Decimal(p["price"]["amount"]) for p in response.json()["products"]]
    assert prices and prices == sorted(prices, reverse=True)


async def test_promo_codes_reach_the_shopper(call: Caller) -> None:
    response = await call("promotions", "/api/promotions/products?name=Best+Seller&page_size=50")
    products = response.json()["products"]
    codes = [p["promo_code"] for p in products if p["promo_code"]]
    assert codes and any(p["promo_code"] is None for p in products)
    assert set(codes[0]) == {
        "code",
        "value",
        "min_spend",
        "starts_at",
        "ends_at",
        "remaining",
        "url",
    }
    assert codes[0]["code"] and codes[0]["value"]


async def test_an_unknown_promotion_is_an_empty_page(call: Caller) -> None:
    response = await call("promotions", "/api/promotions/products?name=No+Such+Deal")
    assert response.status_code == 200
    assert response.json() == {
        "page": 1,
        "page_size": 10,
        "total": 0,
        "has_more": False,
        "products": [],
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "name"),
        ("name=", "name"),
        ("name=%20", "name"),
        ("name=" + "x" * 101, "name"),
        ("name=x&page=0", "page"),
        ("name=x&page_size=51", "page_size"),
        ("name=x&sort=cheapest", "sort"),
        ("name=x&category_id=abc", "category_id"),
        ("name=x&currency=XXX", "currency"),
        ("name=x&ship_to=USA", "ship_to"),
    ],
)
async def test_bad_promotion_parameters_are_named(
    call: Caller, gateway: FakeGateway, query: str, parameter: str
) -> None:
    response = await call("promotions", f"/api/promotions/products?{query}")
    error = assert_error(response, 422, "invalid_request")
    assert f"'{parameter}'" in error["message"]
    assert gateway.calls == []


async def test_search_parameters_promotions_do_not_take_are_ignored(
    call: Caller, gateway: FakeGateway
) -> None:
    response = await call("promotions", "/api/promotions/products?name=weeklydeals&q=case")
    assert response.status_code == 200
    assert "keywords" not in gateway.last_call("aliexpress.affiliate.featuredpromo.products.get")


@pytest.mark.parametrize("path", ["/api/promotions", "/api/promotions/products?name=weeklydeals"])
async def test_upstream_failures_keep_their_contract_codes(
    call: Caller, gateway: FakeGateway, path: str
) -> None:
    gateway.faults.inject(Fault.API_CALL_LIMIT, times=None)
    response = await call("promotions", path)
    assert_error(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "1"
