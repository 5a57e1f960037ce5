"""api/links.py: affiliate links for AliExpress URLs."""

from __future__ import annotations

import pytest

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
