"""The MCP tools through the official SDK client (CONTRACT §7), in process."""

from __future__ import annotations

import jsonschema
import pytest

from devtools.fake_gateway import FakeGateway, Fault
from lib.mcp_server.server import SERVER_NAME, SERVER_VERSION
from lib.mcp_server.tools import TOOLS
from tests.mcp_server.conftest import tool_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]

TOOL_NAMES = {
    "search_products",
    "hot_products",
    "get_products",
    "affiliate_links",
    "list_categories",
    "list_promotions",
    "promotion_products",
    "similar_products",
    "get_shipping",
    "get_variants",
}
PRODUCT_URL = "https://www.aliexpress.com/item/{id}.html"
SIMILAR_TO = "1005006107718769"  # a phone case with a promo code in the fake catalog


async def test_initialize_names_the_server_and_tells_a_model_what_to_do(session_for) -> None:
    async with session_for() as (_, init):
        assert (init.server_info.name, init.server_info.version) == (SERVER_NAME, SERVER_VERSION)
        assert init.capabilities.tools is not None
        for tool in TOOL_NAMES:
            assert tool in init.instructions
        assert "affiliate_url" in init.instructions


async def test_every_tool_is_listed_with_schemas_and_read_only_annotations(session_for) -> None:
    async with session_for() as (session, _):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == TOOL_NAMES
    for definition in TOOLS:
        tool = tools[definition.name]
        assert len(tool.description) > 80  # written for a model, not a label
        assert tool.input_schema == definition.params.model_json_schema()
        assert tool.output_schema["type"] == "object"
        assert set(tool.output_schema["properties"]) == set(definition.output.model_fields)
        hints = tool.annotations
        assert (hints.read_only_hint, hints.destructive_hint, hints.open_world_hint) == (
            True,
            False,
            True,
        )
    assert tools["get_products"].input_schema["properties"]["ids"]["type"] == "array"
    assert tools["affiliate_links"].input_schema["properties"]["urls"]["type"] == "array"
    assert "parent_id" in tools["list_categories"].input_schema["properties"]


async def test_every_tool_answers_with_structured_content_and_text(
    session_for, gateway: FakeGateway
) -> None:
    first, second = (str(p["product_id"]) for p in gateway.catalog.products[:2])
    calls = {
        "search_products": {"q": "phone case", "page_size": 3, "currency": "EUR"},
        "hot_products": {"page_size": 2},
        "get_products": {"ids": [first, PRODUCT_URL.format(id=second), "1005000000000002"]},
        "affiliate_links": {"urls": [PRODUCT_URL.format(id=first)]},
        "list_categories": {},
        "list_promotions": {},
        "promotion_products": {"name": "Best Seller", "page_size": 50},
        "similar_products": {"product_id": SIMILAR_TO, "currency": "EUR"},
        "get_shipping": {"product_id": SIMILAR_TO, "ship_to": "DE", "currency": "EUR"},
        "get_variants": {"product_id": "1005006159840274", "ship_to": "DE"},
    }
    async with session_for() as (session, _):
        schemas = {tool.name: tool.output_schema for tool in (await session.list_tools()).tools}
        results = {
            name: await session.call_tool(name, arguments) for name, arguments in calls.items()
        }
    for name, result in results.items():
        assert not result.is_error, (name, result)
        jsonschema.validate(result.structured_content, schemas[name])
        assert result.structured_content, name
        assert result.content[0].type == "text" and result.content[0].text, name
        assert len(result.content[0].text) < 4000, name  # short: the data is structured
    page = results["search_products"].structured_content
    assert len(page["products"]) == 3 and page["products"][0]["price"]["currency"] == "EUR"
    assert page["products"][0]["affiliate_url"] in results["search_products"].content[0].text
    batch = results["get_products"].structured_content
    assert [p["id"] for p in batch["products"]] == [first, second]
    assert batch["not_found"] == ["1005000000000002"]
    assert results["affiliate_links"].structured_content["links"][0]["affiliate_url"]
    assert results["list_categories"].structured_content["categories"]
    assert results["get_shipping"].content[0].text.startswith("Shipping to DE 2.75 EUR · ")
    variants = results["get_variants"].content[0].text
    assert "Color: Black, Blue, Pink; Size: S, M, L" in variants
    assert "- Blue / M: 75.65 USD [sku_id 120005984027405]" in variants


async def test_list_arguments_sent_as_one_string_still_work(
    session_for, gateway: FakeGateway
) -> None:
    first = str(gateway.catalog.products[0]["product_id"])
    async with session_for() as (session, _):
        as_json = await session.call_tool("get_products", {"ids": f'["{first}"]'})
        as_text = await session.call_tool("get_products", {"ids": first})
    assert as_json.structured_content == as_text.structured_content
    assert as_json.structured_content["products"][0]["id"] == first


@pytest.mark.parametrize(
    ("tool", "arguments", "parameter"),
    [
        ("search_products", {}, "q"),
        ("search_products", {"q": "a", "page_size": 51}, "page_size"),
        ("search_products", {"q": "a", "currency": "XXX"}, "currency"),
        ("search_products", {"q": "a", "min_price": 20, "max_price": 10}, "min_price"),
        ("hot_products", {"max_delivery_days": 4}, "max_delivery_days"),
        ("get_products", {}, "ids"),
        ("get_products", {"ids": []}, "ids"),
        ("get_products", {"ids": ["not-a-product"]}, "ids"),
        ("affiliate_links", {"urls": ["https://www.amazon.com/dp/B0"]}, "urls"),
        ("list_categories", {"parent_id": "abc"}, "parent_id"),
        ("promotion_products", {}, "name"),
        ("promotion_products", {"name": "  "}, "name"),
        ("promotion_products", {"name": "weeklydeals", "sort": "cheapest"}, "sort"),
        ("similar_products", {}, "product_id"),
        ("similar_products", {"product_id": "12ab"}, "product_id"),
        ("similar_products", {"product_id": SIMILAR_TO, "page": 0}, "page"),
        ("get_shipping", {"product_id": SIMILAR_TO, "ship_to": "ZZ"}, "ship_to"),
        ("get_shipping", {"product_id": SIMILAR_TO, "sku_id": "1.5"}, "sku_id"),
        ("get_variants", {}, "product_id"),
    ],
)
async def test_bad_arguments_are_tool_errors_naming_the_argument(
    session_for, gateway: FakeGateway, tool: str, arguments: dict, parameter: str
) -> None:
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool(tool, arguments))
    assert error["code"] == "invalid_request"
    assert f"'{parameter}'" in error["message"]
    assert error["request_id"]
    assert gateway.calls == []


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault.API_CALL_LIMIT, "rate_limited"),
        (Fault.INCOMPLETE_SIGNATURE, "upstream_error"),
        (Fault.HTTP_500, "upstream_error"),
        (Fault.SLOW, "upstream_timeout"),
    ],
)
@pytest.mark.parametrize("client_options", [{"deadline": 0.3, "attempt_timeout": 0.1}])
async def test_upstream_failures_are_tool_errors_with_the_contract_code(
    session_for, gateway: FakeGateway, fault: Fault, code: str
) -> None:
    gateway.faults.inject(fault, times=None)
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool("search_products", {"q": "case"}))
    assert error["code"] == code


async def test_missing_configuration_is_a_tool_error_naming_the_variables(session_for, env) -> None:
    env()
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool("list_categories", {}))
    assert error["code"] == "not_configured"
    assert "ALIEXPRESS_APP_KEY" in error["message"]


async def test_links_without_a_tracking_id_are_not_configured(session_for, env) -> None:
    from tests.api.conftest import FULL_CONFIG

    env(**{k: v for k, v in FULL_CONFIG.items() if k != "ALIEXPRESS_TRACKING_ID"})
    url = PRODUCT_URL.format(id="1005006123456789")
    async with session_for() as (session, _):
        error = tool_error(await session.call_tool("affiliate_links", {"urls": [url]}))
    assert error["code"] == "not_configured" and "ALIEXPRESS_TRACKING_ID" in error["message"]


async def test_an_unknown_tool_is_an_error_result(session_for) -> None:
    async with session_for() as (session, _):
        result = await session.call_tool("delete_everything", {})
    assert result.is_error


async def test_deal_tools_show_coupons_and_never_the_product_itself(session_for) -> None:
    async with session_for() as (session, _):
        listed = await session.call_tool("list_promotions", {})
        deals = await session.call_tool(
            "promotion_products", {"name": "Best Seller", "page_size": 50}
        )
        similar = await session.call_tool("similar_products", {"product_id": SIMILAR_TO})
        unknown = await session.call_tool("promotion_products", {"name": "No Such Deal"})
    names = [p["name"] for p in listed.structured_content["promotions"]]
    assert names == ["Hot Product", "New Arrival", "Best Seller", "weeklydeals"]
    assert all(name in listed.content[0].text for name in names)
    shown = deals.structured_content["products"][:10]  # the text lists the first ten
    coupons = [p["promo_code"]["code"] for p in shown if p["promo_code"]]
    assert coupons and all(f"coupon {code}" in deals.content[0].text for code in coupons)
    assert SIMILAR_TO not in {p["id"] for p in similar.structured_content["products"]}
    assert similar.structured_content["has_more"] is True
    assert unknown.structured_content["products"] == [] and not unknown.is_error


async def test_a_new_tool_and_a_ui_view_plug_in_with_a_few_lines(gateway: FakeGateway) -> None:
    """How promotions/similar tools and an MCP Apps view are added (CONTRACT §8)."""
    import dataclasses

    import httpx2
    from mcp.server.apps import APP_MIME_TYPE
    from mcp.server.mcpserver.resources import TextResource

    from devtools.httpx_transport import gateway_transport
    from lib.mcp_server.app import create_mcp_app
    from lib.mcp_server.tools import SEARCH_PRODUCTS
    from lib.upstream import ClientProvider
    from tests.mcp_server.conftest import PUBLIC_URL, mcp_session

    view = "ui://aliexpress/products.html"
    with_view = dataclasses.replace(SEARCH_PRODUCTS, meta={"ui": {"resourceUri": view}})
    extra = dataclasses.replace(SEARCH_PRODUCTS, name="search_again", title="Search again")
    page = TextResource(uri=view, name="products", mime_type=APP_MIME_TYPE, text="<html></html>")
    app = create_mcp_app(
        (with_view, extra, *TOOLS[1:]),
        resources=[page],
        clients=ClientProvider(transport=gateway_transport(gateway)),
    )
    async with mcp_session(PUBLIC_URL, httpx2.ASGITransport(app=app)) as (session, _):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        read = await session.read_resource(view)
        result = await session.call_tool("search_again", {"q": "case"})
    assert tools["search_products"].meta == {"ui": {"resourceUri": view}}
    assert set(tools) == TOOL_NAMES | {"search_again"}
    assert read.contents[0].mime_type == APP_MIME_TYPE
    assert result.structured_content["products"]
