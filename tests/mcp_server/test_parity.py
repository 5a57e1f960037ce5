"""Parity: for every tool, structuredContent equals the REST answer for the same request.

Both go through ``lib.operations`` - one implementation per operation - and this
proves it: same arguments in, same JSON out, errors included (same code, same rule).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from devtools.fake_gateway import FakeGateway
from lib.mcp_server.tools import TOOLS
from tests.mcp_server.conftest import tool_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]

CASE = "1005006107718769"  # ships to six countries, paid shipping, SKUs
ITEM = "https://www.aliexpress.com/item/{id}.html"


def cases(gateway: FakeGateway) -> list[tuple[str, dict, str, str]]:
    """(tool, arguments, REST function, REST path) asking the same thing."""
    first, second = (str(p["product_id"]) for p in gateway.catalog.products[:2])
    search = {"q": "phone case", "sort": "price_asc", "page_size": 4, "ship_to": "gb"}
    search_rest = urlencode(search)
    hot = {"category_id": 44, "min_price": 1.5, "max_price": 500, "currency": "EUR"}
    ids = [first, ITEM.format(id=second), "1005000000000002"]
    urls = [ITEM.format(id=first), "https://www.aliexpress.com/store/1234"]
    deals = {"name": "Best Seller", "category_id": 509, "sort": "orders_desc", "ship_to": "de"}
    similar = "1005006107718769"
    return [
        ("search_products", search, "products", f"/api/products/search?{search_rest}"),
        ("hot_products", hot, "products", f"/api/products/hot?{urlencode(hot)}"),
        ("hot_products", {}, "products", "/api/products/hot"),
        (
            "get_products",
            {"ids": ids},
            "products",
            "/api/products?" + urlencode({"ids": ",".join(ids)}),
        ),
        (
            "affiliate_links",
            {"urls": urls},
            "links",
            "/api/links?" + urlencode({"url": urls}, doseq=True),
        ),
        ("list_categories", {}, "categories", "/api/categories"),
        ("list_categories", {"parent_id": "509"}, "categories", "/api/categories?parent_id=509"),
        ("list_promotions", {}, "promotions", "/api/promotions"),
        (
            "promotion_products",
            deals,
            "promotions",
            f"/api/promotions/products?{urlencode(deals)}",
        ),
        (
            "promotion_products",
            {"name": "No Such Deal"},
            "promotions",
            "/api/promotions/products?name=No+Such+Deal",
        ),
        (
            "similar_products",
            {"product_id": similar, "page": 2, "currency": "EUR"},
            "products",
            f"/api/products/{similar}/similar?page=2&currency=EUR",
        ),
        (
            "similar_products",
            {"product_id": "1005000000000002"},
            "products",
            "/api/products/1005000000000002/similar",
        ),
        (
            "get_shipping",
            {"product_id": similar, "ship_to": "de", "currency": "EUR"},
            "products",
            f"/api/products/{similar}/shipping?ship_to=de&currency=EUR",
        ),
        (
            "get_shipping",
            {"product_id": similar, "ship_to": "JP", "sku_id": "120000771876902"},
            "products",
            f"/api/products/{similar}/shipping?ship_to=JP&sku_id=120000771876902",
        ),
        (
            "get_variants",
            {"product_id": "1005006159840274", "ship_to": "DE"},
            "products",
            "/api/products/1005006159840274/variants?ship_to=DE",
        ),
    ]


ERROR_CASES = [
    ("search_products", {}, "products", "/api/products/search"),
    (
        "search_products",
        {"q": "a", "min_price": 9, "max_price": 1},
        "products",
        "/api/products/search?q=a&min_price=9&max_price=1",
    ),
    ("get_products", {"ids": ["x1"]}, "products", "/api/products?ids=x1"),
    ("promotion_products", {"name": " "}, "promotions", "/api/promotions/products?name=%20"),
    (
        "affiliate_links",
        {"urls": ["https://example.com/"]},
        "links",
        "/api/links?url=https://example.com/",
    ),
]


async def test_every_tool_answers_exactly_what_rest_answers(
    session_for,
    call,
    gateway: FakeGateway,
) -> None:
    checked = set()
    async with session_for() as (session, _):
        for tool, arguments, function, path in cases(gateway):
            result = await session.call_tool(tool, arguments)
            response = await call(function, path)
            assert response.status_code == 200, (path, response.text)
            assert not result.is_error, (tool, result)
            assert result.structured_content == response.json(), tool
            checked.add(tool)
    assert checked == {definition.name for definition in TOOLS}


@pytest.mark.parametrize(("tool", "arguments", "function", "path"), ERROR_CASES)
async def test_a_bad_request_is_the_same_error_both_ways(
    session_for,
    call,
    tool: str,
    arguments: dict,
    function: str,
    path: str,
) -> None:
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool(tool, arguments))
    rest = (await call(function, path)).json()["error"]
    assert (error["code"], rest["code"]) == ("invalid_request", "invalid_request")
    # The same rule fired: the messages agree once the parameter's REST spelling is used.
    assert error["message"].replace("'urls'", "'url'") == rest["message"]


@pytest.mark.parametrize(
    ("tool", "arguments", "path"),
    [
        ("get_shipping", {"product_id": CASE, "ship_to": "ZZ"}, "shipping?ship_to=ZZ"),
        ("get_shipping", {"product_id": CASE, "sku_id": "-1"}, "shipping?sku_id=-1"),
        ("get_variants", {"product_id": CASE, "ship_to": "1"}, "variants?ship_to=1"),
    ],
)
async def test_bad_delivery_arguments_are_invalid_both_ways(
    session_for, call, tool: str, arguments: dict, path: str
) -> None:
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool(tool, arguments))
    rest = (await call("products", f"/api/products/{CASE}/{path}")).json()["error"]
    assert (error["code"], rest["code"]) == ("invalid_request", "invalid_request")
    name = path.split("?")[1].split("=")[0]
    assert f"'{name}'" in error["message"] and f"'{name}'" in rest["message"]
