"""api/products.py: search, hot, one product, many products (CONTRACT §2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.fake_gateway.short_links import FakeShortLinks
from tests.api.conftest import Caller, assert_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]

PRODUCT_KEYS = {
    "id",
    "title",
    "price",
    "original_price",
    "discount_percent",
    "rating_percent",
    "orders",
    "image_url",
    "url",
    "affiliate_url",
    "shop",
    "category",
    "commission_rate_percent",
    "hot_commission_rate_percent",
    "link_type",
    "link_commission_rate_percent",
    "promo_code",
    "app_price",
    "delivery_days",
}


async def test_search_returns_compact_products(call: Caller) -> None:
    response = await call("products", "/api/products/search?q=phone+case")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"page", "page_size", "total", "has_more", "products"}
    assert (body["page"], body["page_size"]) == (1, 10)
    assert body["products"]
    for product in body["products"]:
        assert set(product) == PRODUCT_KEYS
        assert "phone case" in product["title"].lower()
        assert product["affiliate_url"].startswith("https://s.click.aliexpress.com/")
    assert len(response.text) < 100_000


async def test_search_maps_every_parameter(call: Caller, gateway: FakeGateway) -> None:
    response = await call(
        "products",
        "/api/products/search?q=case&category_id=509&min_price=1.5&max_price=80&sort=price_asc"
        "&page=1&page_size=3&ship_to=gb&currency=GBP&language=DE&max_delivery_days=10",
    )
    assert response.status_code == 200, response.text
    sent = gateway.last_call("aliexpress.affiliate.product.query")
    assert sent["min_sale_price"] == "150" and sent["max_sale_price"] == "8000"
    assert sent["sort"] == "SALE_PRICE_ASC" and sent["category_ids"] == "509"
    assert (sent["ship_to_country"], sent["target_currency"], sent["target_language"]) == (
        "GB",
        "GBP",
        "DE",
    )
    assert sent["delivery_days"] == "10" and sent["page_size"] == "3"
    prices = [Decimal(p["price"]["amount"]) for p in response.json()["products"]]
    assert prices == sorted(prices)


async def test_search_defaults_come_from_env(call: Caller, env, gateway: FakeGateway) -> None:
    from tests.api.conftest import FULL_CONFIG

    env(
        **FULL_CONFIG,
        ALIEXPRESS_CURRENCY="eur\n",
        ALIEXPRESS_LANGUAGE="FR",
        ALIEXPRESS_SHIP_TO="fr",
    )
    response = await call("products", "/api/products/search?q=case")
    assert response.status_code == 200
    sent = gateway.last_call("aliexpress.affiliate.product.query")
    assert (sent["target_currency"], sent["target_language"], sent["ship_to_country"]) == (
        "EUR",
        "FR",
        "FR",
    )
    assert "sort" not in sent  # relevance: no sort sent


async def test_codes_are_case_insensitive_like_the_settings(
    call: Caller, gateway: FakeGateway
) -> None:
    response = await call(
        "products", "/api/products/search?q=case&currency=eur&language=fr&ship_to=de"
    )
    assert response.status_code == 200, response.text
    sent = gateway.last_call("aliexpress.affiliate.product.query")
    assert (sent["target_currency"], sent["target_language"], sent["ship_to_country"]) == (
        "EUR",
        "FR",
        "DE",
    )
    assert "EUR" in {p["price"]["currency"] for p in response.json()["products"]}


async def test_an_unknown_country_is_422_naming_the_rule(call: Caller, gateway) -> None:
    error = assert_error(
        await call("products", "/api/products/1005006100402689?ship_to=xx"), 422, "invalid_request"
    )
    assert error["message"] == (
        "Invalid query parameter 'ship_to': must be an assigned ISO 3166-1 alpha-2 country "
        "code, e.g. US, GB, DE."
    )
    assert gateway.calls == []


async def test_search_without_results_is_an_empty_page(call: Caller) -> None:
    response = await call("products", "/api/products/search?q=nothing-matches-this")
    assert response.status_code == 200
    assert response.json() == {
        "page": 1,
        "page_size": 10,
        "total": 0,
        "has_more": False,
        "products": [],
    }


async def test_search_by_category_only(call: Caller) -> None:
    response = await call("products", "/api/products/search?category_id=44")
    assert response.status_code == 200
    assert response.json()["products"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=" + "x" * 201, "q"),
        ("q=a&page=0", "page"),
        ("q=a&page=abc", "page"),
        ("q=a&page_size=51", "page_size"),
        ("q=a&page_size=0", "page_size"),
        ("q=a&sort=cheapest", "sort"),
        ("q=a&currency=XXX", "currency"),
        ("q=a&language=xx", "language"),
        ("q=a&ship_to=USA", "ship_to"),
        ("q=a&ship_to=XX", "ship_to"),  # well-formed, but no such country
        ("q=a&currency=euro", "currency"),
        ("q=a&min_price=-1", "min_price"),
        ("q=a&min_price=nan", "min_price"),
        ("q=a&max_price=inf", "max_price"),
        ("q=a&min_price=20&max_price=10", "min_price"),
        ("q=a&max_delivery_days=4", "max_delivery_days"),
        ("q=a&category_id=-3", "category_id"),
    ],
)
async def test_bad_search_parameters_are_named(call: Caller, query: str, parameter: str) -> None:
    error = assert_error(
        await call("products", f"/api/products/search?{query}"), 422, "invalid_request"
    )
    assert f"'{parameter}'" in error["message"]


async def test_hot_products(call: Caller) -> None:
    response = await call("products", "/api/products/hot?page_size=5")
    assert response.status_code == 200
    body = response.json()
    assert 0 < len(body["products"]) <= 5
    assert all(p["commission_rate_percent"] >= 8 for p in body["products"])


async def test_one_product_with_details(call: Caller, gateway: FakeGateway) -> None:
    product_id = str(gateway.catalog.products[0]["product_id"])
    response = await call("products", f"/api/products/{product_id}?currency=EUR")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product_id
    assert set(body) == PRODUCT_KEYS | {"images", "video_url"}
    assert body["price"]["currency"] == "EUR"


async def test_unknown_product_is_404_and_says_why_it_may_be_unknown(call: Caller) -> None:
    response = await call("products", "/api/products/1005000000000001")
    error = assert_error(response, 404, "not_found")
    assert "1005000000000001" in error["message"]
    assert "may exist on AliExpress but not be offered to affiliates" in error["message"]


async def test_malformed_product_id_is_422(call: Caller) -> None:
    error = assert_error(await call("products", "/api/products/abc123"), 422, "invalid_request")
    assert "'product_id'" in error["message"]


async def test_many_products_by_ids_and_urls(call: Caller, gateway: FakeGateway) -> None:
    first, second = (str(p["product_id"]) for p in gateway.catalog.products[:2])
    url = f"https://www.aliexpress.com/item/{second}.html?spm=x"
    response = await call(
        "products", "/api/products", params={"ids": f"{first},{url},1005000000000002,{first}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["products"]] == [first, second]
    assert body["not_found"] == ["1005000000000002"]


async def test_pasted_short_links_resolve_to_products(
    call: Caller, gateway: FakeGateway, short_links: FakeShortLinks
) -> None:
    first, second = (str(p["product_id"]) for p in gateway.catalog.products[:2])
    ids = f"https://a.aliexpress.com/_DemoCase,https://s.click.aliexpress.com/e/_DemoDeal,{first}"
    response = await call("products", "/api/products", params={"ids": ids})
    assert response.status_code == 200, response.text
    assert [p["id"] for p in response.json()["products"]] == [first, second]
    assert gateway.calls[-1]["product_ids"] == f"{first},{second}"
    assert short_links.hosts == {"a.aliexpress.com", "s.click.aliexpress.com"}


@pytest.mark.parametrize(
    "url",
    [
        "https://www.aliexpress.com/item/{id}.html",
        "https://aliexpress.ru/item/{id}.html?sku_id=1",
        "https://es.aliexpress.com/item/{id}.html",
        "https://fr.aliexpress.com/item/Title/{id}.html",
        "https://www.aliexpress.us/item/{id}.html",
        "https://m.aliexpress.com/item/{id}.html",
        "https://pt.aliexpress.com/i/{id}.html",
        "https://s.click.aliexpress.com/deep_link.htm?aff_short_key=k"
        "&dl_target_url=https%3A%2F%2Fwww.aliexpress.com%2Fitem%2F{id}.html",
    ],
)
async def test_country_sites_and_deep_links_need_no_request(
    call: Caller, gateway: FakeGateway, short_links: FakeShortLinks, url: str
) -> None:
    product_id = str(gateway.catalog.products[0]["product_id"])
    ids = url.format(id=product_id)
    response = await call("products", "/api/products", params={"ids": ids})
    assert [p["id"] for p in response.json()["products"]] == [product_id]
    assert short_links.asked == []


@pytest.mark.parametrize(
    ("link", "status", "code", "fragment"),
    [
        ("https://a.aliexpress.com/_DemoAway", 502, "upstream_error", "away from AliExpress"),
        ("https://a.aliexpress.com/_DemoLoop", 502, "upstream_error", "loop"),
        ("https://a.aliexpress.com/_DemoStore", 422, "invalid_request", "not a product"),
        ("https://a.aliexpress.com/_Nope", 422, "invalid_request", "unknown to AliExpress"),
        ("http://a.aliexpress.com/_DemoCase", 422, "invalid_request", "https link on"),
        ("https://a.aliexpress.com:8443/_x", 422, "invalid_request", "https link on"),
        ("https://bit.ly/3abcdef", 422, "invalid_request", "neither a product ID"),
    ],
)
async def test_short_links_that_lead_nowhere_are_named(
    call: Caller,
    gateway: FakeGateway,
    short_links: FakeShortLinks,
    link: str,
    status: int,
    code: str,
    fragment: str,
) -> None:
    response = await call("products", "/api/products", params={"ids": f"1005006100402689,{link}"})
    error = assert_error(response, status, code)
    assert fragment in error["message"]
    assert link[:60] in error["message"]
    assert gateway.calls == []  # nothing asked upstream for a half-understood request
    assert short_links.hosts <= {"a.aliexpress.com", "s.click.aliexpress.com"}


@pytest.mark.parametrize(
    ("ids", "fragment"),
    [
        ("", "'ids'"),
        (",,,", "'ids'"),
        (",".join(str(1005006000000000 + i) for i in range(21)), "at most 20"),
        ("123abc", "neither a product ID"),
        ("https://www.amazon.com/item/1005006123456789.html", "neither a product ID"),
    ],
)
async def test_bad_ids_are_422(call: Caller, ids: str, fragment: str) -> None:
    error = assert_error(
        await call("products", "/api/products", params={"ids": ids}), 422, "invalid_request"
    )
    assert fragment in error["message"]


async def test_ids_are_required(call: Caller) -> None:
    error = assert_error(await call("products", "/api/products"), 422, "invalid_request")
    assert "'ids'" in error["message"]


async def test_an_unregistered_publisher_is_told_where_to_check(
    call: Caller, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.PUBLISHER_NOT_REGISTERED, times=None)
    response = await call("products", "/api/products/search?q=case")
    error = assert_error(response, 502, "upstream_error")
    assert "This publisher is not registered" in error["message"]
    assert "approved affiliate publisher" in error["message"]
    assert "https://portals.aliexpress.com" in error["message"]


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault.HTTP_500, 502, "upstream_error"),
        (Fault.INCOMPLETE_SIGNATURE, 502, "upstream_error"),
        (Fault.API_CALL_LIMIT, 429, "rate_limited"),
    ],
)
async def test_upstream_failures_map_to_the_contract(
    call: Caller, gateway: FakeGateway, fault: Fault, status: int, code: str
) -> None:
    gateway.faults.inject(fault, times=None)
    response = await call("products", "/api/products/search?q=case")
    assert_error(response, status, code)
    if status == 429:
        assert response.headers["retry-after"] == "1"


SIMILAR_TO = "1005006107718769"  # a phone case in the fake catalog


async def test_similar_products_never_include_the_product(call: Caller) -> None:
    response = await call("products", f"/api/products/{SIMILAR_TO}/similar")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"page", "has_more", "products"}
    assert body["page"] == 1 and body["has_more"] and body["products"]
    assert all(set(p) == PRODUCT_KEYS for p in body["products"])
    assert SIMILAR_TO not in {p["id"] for p in body["products"]}


async def test_similar_products_page_and_locale(call: Caller, gateway: FakeGateway) -> None:
    response = await call(
        "products", f"/api/products/{SIMILAR_TO}/similar?page=2&currency=EUR&ship_to=de"
    )
    body = response.json()
    assert body["page"] == 2 and not body["has_more"]
    sent = gateway.last_call("aliexpress.affiliate.product.smartmatch")
    assert sent["method"] == "aliexpress.affiliate.product.smartmatch"
    assert (sent["product_id"], sent["page_no"], sent["country"]) == (SIMILAR_TO, "2", "DE")
    assert sent["target_currency"] == "EUR" and "ship_to_country" not in sent


async def test_similar_products_of_an_unknown_product_is_an_empty_list(call: Caller) -> None:
    response = await call("products", "/api/products/1005000000000001/similar")
    assert response.status_code == 200
    assert response.json() == {"page": 1, "has_more": False, "products": []}


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/products/12ab/similar", "product_id"),
        ("/api/products/search/similar", "product_id"),
        ("/api/products/12345/similar", "product_id"),
        (f"/api/products/{SIMILAR_TO}/similar?page=0", "page"),
        (f"/api/products/{SIMILAR_TO}/similar?currency=XXX", "currency"),
    ],
)
async def test_bad_similar_parameters_are_named(
    call: Caller, gateway: FakeGateway, path: str, parameter: str
) -> None:
    error = assert_error(await call("products", path), 422, "invalid_request")
    assert f"'{parameter}'" in error["message"]
    assert gateway.calls == []


async def test_the_similar_route_leaves_the_product_route_alone(call: Caller) -> None:
    detail = await call("products", f"/api/products/{SIMILAR_TO}")
    assert detail.status_code == 200 and detail.json()["id"] == SIMILAR_TO
    assert_error(await call("products", f"/api/products/{SIMILAR_TO}/other"), 404, "not_found")


async def test_search_filters_by_platform_product_type(call: Caller, gateway: FakeGateway) -> None:
    response = await call("products", "/api/products/search?q=a&platform_product_type=tmall")
    assert response.status_code == 200, response.text
    assert (
        gateway.last_call("aliexpress.affiliate.product.query")["platform_product_type"] == "TMALL"
    )
    found = {p["id"] for p in response.json()["products"]}
    assert found == {"1005006116831171", "1005006136497315"}  # the catalog's Tmall stores


async def test_bad_platform_product_type_is_named(call: Caller) -> None:
    error = assert_error(
        await call("products", "/api/products/search?q=a&platform_product_type=EBAY"),
        422,
        "invalid_request",
    )
    assert "'platform_product_type'" in error["message"] and "TMALL" in error["message"]


async def test_products_carry_delivery_days_and_app_price(call: Caller) -> None:
    response = await call("products", "/api/products/1005006100402689?currency=EUR")
    product = response.json()
    assert product["delivery_days"] == 7
    assert product["app_price"]["currency"] == "EUR"
    assert Decimal(product["app_price"]["amount"]) < Decimal(product["price"]["amount"])
    plain = (await call("products", "/api/products/1005006106755911")).json()
    assert (plain["app_price"], plain["delivery_days"]) == (None, 15)
