"""The landing page (public/index.html) in a real browser against the dev server:
demo mode (the fake gateway) and an unconfigured deployment (no credentials at all)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from devtools.browser import wait_for_photos

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CARDS = ".pc-card:not(.pc-skeleton)"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_demo_status_says_the_data_is_demo_data(page, demo_server) -> None:
    page.goto(demo_server + "/")
    page.locator("#mode[data-mode=demo]").wait_for()
    assert page.locator("#mode").inner_text() == "Demo data"
    status = page.locator("#status-text").inner_text()
    assert "made-up demo data" in status and "not real AliExpress" in status
    assert "ALIEXPRESS_APP_KEY and ALIEXPRESS_APP_SECRET" in status


def test_hot_products_are_shown_on_arrival(page, demo_server) -> None:
    hot = get_json(demo_server + "/api/products/hot?page_size=8")
    page.goto(demo_server + "/")
    page.locator(CARDS).first.wait_for()
    titles = page.locator(f"{CARDS} .pc-title").all_inner_texts()
    assert titles == [product["title"] for product in hot["products"]]
    assert page.locator(".results-note").inner_text().endswith("(demo data)")


def test_search_shows_the_same_cards_as_the_api(page, demo_server) -> None:
    # The landing page is the web channel: its links carry ALIEXPRESS_TRACKING_ID_WEB.
    answer = get_json(demo_server + "/web/api/products/search?page_size=12&q=phone+case")
    other = get_json(demo_server + "/api/products/search?page_size=12&q=phone+case")
    page.goto(demo_server + "/")
    page.locator(CARDS).first.wait_for()  # hot products first
    page.fill("#q", "phone case")
    page.click("button[type=submit]")
    page.get_by_text("Results for \u201cphone case\u201d").wait_for()
    cards = page.locator(CARDS)
    assert cards.count() == len(answer["products"])
    first = answer["products"][0]
    assert cards.first.locator(".pc-title").inner_text() == first["title"]
    assert cards.first.locator(".pc-now").inner_text() == f"${first['price']['amount']}"
    days = first["delivery_days"]  # the search's ship_to_days
    assert cards.first.locator(".pc-delivery").inner_text() == f"Delivery in about {days} days"
    link = cards.first.locator("a.pc-action")
    assert link.get_attribute("href") == first["affiliate_url"]
    assert first["affiliate_url"] != other["products"][0]["affiliate_url"]  # demo_web's own
    assert link.get_attribute("rel") == "noopener sponsored"


def test_invalid_query_shows_the_error_envelope(page, demo_server) -> None:
    page.goto(demo_server + "/")
    page.fill("#q", "x" * 201)
    page.click("button[type=submit]")
    error = page.locator(".pc-state--error")
    error.wait_for()
    text = error.inner_text()
    assert text.startswith("The search failed")
    assert "'q'" in text and "(invalid_request)" in text and "request dev1::" in text


def test_urls_to_paste_are_absolute_and_copyable(page, demo_server) -> None:
    page.goto(demo_server + "/")
    urls = page.locator(".url-row code").all_inner_texts()
    assert urls == [
        demo_server + "/openapi-gpt.json",
        demo_server + "/mcp",
        demo_server + "/privacy.html",
    ]
    page.locator(".url-row button").nth(1).click()
    # The copy is a clipboard promise: wait for the button to say so, do not race it.
    expect(page.locator(".url-row button").nth(1)).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == demo_server + "/mcp"


def test_fits_360_px(page, demo_server) -> None:
    page.goto(demo_server + "/")
    wait_for_photos(page.main_frame)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    boxes = [page.locator(CARDS).nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"]  # two cards per row on a phone


def test_unconfigured_status_names_what_is_missing(page, unconfigured_server) -> None:
    page.goto(unconfigured_server + "/")
    page.locator("#mode[data-mode=unconfigured]").wait_for()
    assert page.locator("#mode").inner_text() == "Not configured"
    status = page.locator("#status-text").inner_text()
    assert "AliExpress credentials are missing" in status
    assert "Add ALIEXPRESS_APP_KEY and ALIEXPRESS_APP_SECRET in Vercel" in status
    assert page.locator(CARDS).count() == 0  # no hot products without credentials


def test_unconfigured_search_shows_not_configured(page, unconfigured_server) -> None:
    page.goto(unconfigured_server + "/")
    page.locator("#mode[data-mode=unconfigured]").wait_for()
    page.fill("#q", "phone case")
    page.click("button[type=submit]")
    error = page.locator(".pc-state--error")
    error.wait_for()
    assert "(not_configured)" in error.inner_text()
    assert "ALIEXPRESS_APP_KEY" in error.inner_text()


def test_page_sends_nothing_off_the_machine(page, context, demo_server) -> None:
    page.goto(demo_server + "/")
    wait_for_photos(page.main_frame)
    assert context.refused == []
