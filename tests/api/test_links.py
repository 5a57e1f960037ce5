"""api/links.py: affiliate links for AliExpress URLs."""

from __future__ import annotations

import pytest

from devtools.fake_gateway import FakeGateway
from devtools.fake_gateway.short_links import FakeShortLinks
from tests.api.conftest import FULL_CONFIG, Caller, assert_error
from tests.conftest import TRACKING_ID

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]

PRODUCT = "https://www.aliexpress.com/item/1005006123456789.html"
STORE = "https://www.aliexpress.com/store/912345"


async def test_links_for_repeated_and_comma_separated_urls(call: Caller) -> None:
    third = "https://aliexpress.ru/item/1005006123456790.html?sku_id=1,2"
    response = await call(
        "links", "/api/links", params=[("url", f"{PRODUCT},{STORE}"), ("url", third)]
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tracking_id"] == TRACKING_ID
    assert [link["url"] for link in body["links"]] == [PRODUCT, STORE, third]
    assert all(link["affiliate_url"].startswith("https://s.click.") for link in body["links"])


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ([], "'url'"),
        ([("url", "")], "'url'"),
        ([("url", "https://www.amazon.com/dp/B0")], "not an AliExpress URL"),
        ([("url", "javascript:alert(1)")], "not an AliExpress URL"),
        ([("url", ",".join([PRODUCT] * 21))], "at most 20"),
    ],
)
async def test_bad_urls_are_422(call: Caller, params: list, fragment: str) -> None:
    error = assert_error(await call("links", "/api/links", params=params), 422, "invalid_request")
    assert fragment in error["message"]


async def test_missing_tracking_id_is_503_naming_it(call: Caller, env) -> None:
    env(**{k: v for k, v in FULL_CONFIG.items() if k != "ALIEXPRESS_TRACKING_ID"})
    error = assert_error(
        await call("links", "/api/links", params={"url": PRODUCT}), 503, "not_configured"
    )
    assert "ALIEXPRESS_TRACKING_ID" in error["message"]


async def test_a_short_link_gets_this_deployments_link_for_its_product(
    call: Caller, gateway: FakeGateway, short_links: FakeShortLinks
) -> None:
    short = "https://s.click.aliexpress.com/e/_DemoDeal"
    response = await call("links", "/api/links", params=[("url", short), ("url", STORE)])
    assert response.status_code == 200, response.text
    links = response.json()["links"]
    assert [link["url"] for link in links] == [short, STORE]  # as sent
    assert all(link["affiliate_url"] for link in links)
    sent = gateway.calls[-1]["source_values"].split(",")
    assert sent == ["https://www.aliexpress.com/item/1005006106755911.html", STORE]
    assert short_links.hosts == {"s.click.aliexpress.com"}


async def test_a_short_link_leading_away_is_named(
    call: Caller, gateway: FakeGateway, short_links: FakeShortLinks
) -> None:
    away = "https://a.aliexpress.com/_DemoAway"
    error = assert_error(
        await call("links", "/api/links", params={"url": away}), 502, "upstream_error"
    )
    assert away in error["message"] and "away from AliExpress" in error["message"]
    assert gateway.calls == []
    assert short_links.asked == [away]
