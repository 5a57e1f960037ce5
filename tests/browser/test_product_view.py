"""The MCP Apps view in a real browser, inside a test host (devtools/mcp_apps_host.html).

The view document and the tool results come from the MCP function itself (the dev
server's ``/mcp``, demo data from the fake gateway); the host renders the view in a
sandboxed iframe under the CSP its resource metadata declares and plays the host side
of the protocol (ext-apps spec 2026-01-26).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from playwright.sync_api import expect

from devtools.browser import SAMPLE_PROMO_CODE, open_view, view_scenario, wait_for_photos
from devtools.dev_process import mcp_request, read_view
from devtools.fake_gateway.catalog import Catalog
from lib.product_view import VIEW_URI

pytestmark = [pytest.mark.browser, pytest.mark.slow]
QUERY = {"q": "phone case", "page_size": 4}
PROMO_CODE = SAMPLE_PROMO_CODE  # used only when the demo data carries no promo code


@pytest.fixture(scope="module")
def view(demo_server: str) -> dict[str, Any]:
    return read_view(demo_server, VIEW_URI)


@pytest.fixture(scope="module")
def search_result(demo_server: str) -> dict[str, Any]:
    result = mcp_request(demo_server, "tools/call", {"name": "search_products", "arguments": QUERY})
    assert not result["isError"] and len(result["structuredContent"]["products"]) == 4
    products = result["structuredContent"]["products"]
    if not any(product.get("promo_code") for product in products):
        products[0]["promo_code"] = PROMO_CODE
    return result


def cards(frame: Any) -> Any:
    return frame.locator(".pc-card:not(.pc-skeleton)")


def test_view_is_served_self_contained_with_its_csp(view: dict[str, Any]) -> None:
    assert view["mimeType"] == "text/html;profile=mcp-app"
    assert "<script src" not in view["text"] and "<link" not in view["text"]
    assert "https://ae01.alicdn.com" in view["_meta"]["ui"]["csp"]["resourceDomains"]


def test_handshake_initialize_then_initialized(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    cards(frame).first.wait_for()
    methods = [m.get("method") for m in page.evaluate("window.hostLog")]
    assert methods[:2] == ["ui/initialize", "ui/notifications/initialized"]
    initialize = page.evaluate("window.hostLog[0]")
    assert initialize["params"]["protocolVersion"] == "2026-01-26"
    assert initialize["params"]["appInfo"]["name"]


def test_cards_show_the_products_of_the_tool_result(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    wait_for_photos(frame)
    products = search_result["structuredContent"]["products"]
    assert cards(frame).count() == len(products)
    first, shown = products[0], cards(frame).first
    assert shown.locator(".pc-title").inner_text() == first["title"]
    assert shown.locator(".pc-now").inner_text() == f"${first['price']['amount']}"
    assert shown.locator(".pc-was").inner_text() == f"${first['original_price']['amount']}"
    assert shown.locator(".pc-badge").inner_text() == f"\u2212{first['discount_percent']}%"
    assert shown.locator(".pc-rating").inner_text() == f"{first['rating_percent']}% positive"
    assert shown.locator(".pc-orders").inner_text() == f"{first['orders']:,} sold"
    assert shown.locator(".pc-shop").inner_text() == f"Sold by {first['shop']['name']}"
    image = shown.locator("img")
    assert image.get_attribute("alt") == f"Photo: {first['title']}"
    assert image.evaluate("img => img.naturalWidth") > 0  # allowed by the declared CSP
    assert "for \u201cphone case\u201d" in frame.locator(".view-summary").inner_text()


def test_promo_code_is_shown_and_copied(page, context, view, search_result) -> None:
    products = search_result["structuredContent"]["products"]
    with_code = next(i for i, p in enumerate(products) if p.get("promo_code"))
    without = next(i for i, p in enumerate(products) if not p.get("promo_code"))
    code = products[with_code]["promo_code"]
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    promo = cards(frame).nth(with_code).locator(".pc-promo")
    assert promo.locator(".pc-promo-code").inner_text() == code["code"]
    assert f"{code['value']} off" in promo.locator(".pc-promo-terms").inner_text()
    assert f"orders over {code['min_spend']}" in promo.locator(".pc-promo-terms").inner_text()
    promo.locator("button").click()
    # The copy is a clipboard promise: wait for the button to say so, do not race it.
    expect(promo.locator("button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == code["code"]
    assert cards(frame).nth(without).locator(".pc-promo").count() == 0  # null promo_code: none


def test_action_opens_the_affiliate_url_through_the_host(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    second = search_result["structuredContent"]["products"][1]
    cards(frame).nth(1).locator(".pc-action").click()
    page.wait_for_function("window.openedLinks.length === 1")
    assert page.evaluate("window.openedLinks") == [second["affiliate_url"]]
    opened = [m for m in page.evaluate("window.hostLog") if m.get("method") == "ui/open-link"]
    assert opened[0]["params"] == {"url": second["affiliate_url"]} and "id" in opened[0]
    assert frame.url == "about:srcdoc"  # the frame itself did not navigate


def test_loading_state_names_the_query_until_the_result(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, None, QUERY))
    status = frame.locator(".pc-state--loading")
    # tool-input arrives by postMessage after the view starts: wait for it, do not race it
    expect(status).to_have_text("Searching AliExpress for \u201cphone case\u201d\u2026")
    page.evaluate(
        "r => window.sendToView({method: 'ui/notifications/tool-result', params: r})",
        search_result,
    )
    cards(frame).first.wait_for()
    assert status.count() == 0


def test_empty_result(page, view, search_result) -> None:
    empty = copy.deepcopy(search_result)
    empty["structuredContent"].update(products=[], total=0, has_more=False)
    frame = open_view(page, view_scenario(view, empty, QUERY))
    state = frame.locator(".pc-state--empty")
    state.wait_for()
    assert state.inner_text().startswith("No products found")
    assert cards(frame).count() == 0


def test_tool_error_is_shown_from_its_content(page, view, demo_server) -> None:
    arguments = {"q": "x", "page_size": 99}
    result = mcp_request(
        demo_server, "tools/call", {"name": "search_products", "arguments": arguments}
    )
    assert result["isError"]
    frame = open_view(page, view_scenario(view, result, arguments))
    error = frame.locator(".pc-state--error")
    error.wait_for()
    assert "AliExpress could not answer" in error.inner_text()
    assert "invalid_request" in error.inner_text() and "page_size" in error.inner_text()


def test_dark_theme_from_the_host_context(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY, theme="dark"))
    cards(frame).first.wait_for()
    assert frame.locator("html").get_attribute("data-theme") == "dark"
    background = cards(frame).first.evaluate("card => getComputedStyle(card).backgroundColor")
    assert background == "rgb(27, 27, 29)"


def test_host_style_variables_and_context_changes_apply(page, view, search_result) -> None:
    styles = {"variables": {"--color-text-primary": "rgb(1, 2, 3)"}}
    frame = open_view(page, view_scenario(view, search_result, QUERY, styles=styles))
    title = cards(frame).first.locator(".pc-title")
    assert title.evaluate("node => getComputedStyle(node).color") == "rgb(1, 2, 3)"
    page.evaluate(
        "() => window.sendToView({method: 'ui/notifications/host-context-changed',"
        " params: {theme: 'dark', displayMode: 'fullscreen'}})"
    )
    frame.locator("html[data-theme=dark]").wait_for(state="attached")
    assert "pc-list--row" not in frame.locator(".pc-list").get_attribute("class")


def test_fits_360_px_and_reports_its_size(page, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    wait_for_photos(frame)
    widths = frame.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1]  # only the card row scrolls sideways, not the page
    assert cards(frame).first.bounding_box()["width"] >= 180
    page.wait_for_function("window.hostLog.some(m => m.method === 'ui/notifications/size-changed')")
    frame_height = page.locator("#view").bounding_box()["height"]
    assert frame_height >= cards(frame).first.bounding_box()["height"]


def test_desktop_width_shows_several_cards_side_by_side(page, view, search_result) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    wait_for_photos(frame)
    tops = {round(cards(frame).nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(tops) == 1


def test_image_from_an_undeclared_origin_falls_back(page, view, search_result) -> None:
    foreign = copy.deepcopy(search_result)
    foreign["structuredContent"]["products"][0]["image_url"] = "https://images.example.com/a.jpg"
    frame = open_view(page, view_scenario(view, foreign, QUERY))
    placeholder = cards(frame).first.locator(".pc-noimage")
    placeholder.wait_for()
    assert placeholder.get_attribute("aria-label") == "No photo available"


def test_view_sends_nothing_off_the_machine(page, context, view, search_result) -> None:
    frame = open_view(page, view_scenario(view, search_result, QUERY))
    wait_for_photos(frame)
    assert context.refused == []


def test_get_products_result_names_what_was_not_found(page, view, demo_server) -> None:
    known = Catalog.load().products[0]
    arguments = {"ids": [str(known["product_id"]), "1005000000000001"]}
    result = mcp_request(
        demo_server, "tools/call", {"name": "get_products", "arguments": arguments}
    )
    frame = open_view(page, view_scenario(view, result, arguments))
    cards(frame).first.wait_for()
    assert cards(frame).count() == 1
    assert cards(frame).first.locator(".pc-title").inner_text() == known["product_title"]
    assert (
        frame.locator(".view-summary").inner_text()
        == "1 product \u00b7 not found: 1005000000000001"
    )


def call_tool(server: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return mcp_request(server, "tools/call", {"name": name, "arguments": arguments})


def test_shipping_result_is_one_delivery_line(page, view, demo_server) -> None:
    arguments = {"product_id": "1005006107718769", "ship_to": "DE"}
    result = call_tool(demo_server, "get_shipping", arguments)
    frame = open_view(page, view_scenario(view, result, arguments))
    line = frame.locator(".view-delivery")
    line.wait_for()
    assert line.inner_text() == "Shipping to DE $2.99 \u00b7 7\u201312 days"
    arguments = {"product_id": "1005006107718769", "ship_to": "JP"}
    result = call_tool(demo_server, "get_shipping", arguments)
    frame = open_view(page, view_scenario(view, result, arguments))
    expect(frame.locator(".view-delivery")).to_have_text("Does not ship to JP")


def test_variant_picker_shows_the_chosen_skus_price(page, view, demo_server) -> None:
    arguments = {"product_id": "1005006159840274", "ship_to": "DE"}
    result = call_tool(demo_server, "get_variants", arguments)
    frame = open_view(page, view_scenario(view, result, arguments))
    picker = frame.locator(".pc-variants")
    picker.wait_for()
    assert picker.locator("select").count() == 2
    chosen = frame.locator(".pc-variant-result")
    expect(chosen.locator(".pc-now")).to_have_text("$73.65")  # Black, S: the first SKU
    picker.locator("select[name=Color]").select_option("Blue")
    picker.locator("select[name=Size]").select_option("M")
    expect(chosen.locator(".pc-now")).to_have_text("$75.65")
    assert chosen.get_attribute("data-sku-id") == "120005984027405"
    picker.locator("select[name=Color]").select_option("Pink")
    picker.locator("select[name=Size]").select_option("L")
    expect(chosen.locator(".pc-soldout")).to_have_text("Sold out")
