"""Hostile input gets a 4xx in the envelope; nothing a caller sends reaches upstream
as anything but a value, and nothing changes the upstream host."""

from __future__ import annotations

import httpx
import pytest

from devtools.fake_gateway import FakeGateway
from devtools.httpx_transport import HttpxTransport
from lib.data_api import get_client_provider
from lib.upstream import ClientProvider
from tests.api.conftest import Caller, assert_error

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]
PID = "1005006100402689"
THOUSAND_IDS = ",".join(str(1005006000000000 + i) for i in range(1000))


@pytest.mark.parametrize(
    ("function", "path", "status"),
    [
        ("products", "/api/products/search?q=" + "x" * 10_000, 422),
        ("products", "/api/products/search?q=phone&page=1e309", 422),
        ("products", "/api/products/search?q=phone&page=-1", 422),
        ("products", "/api/products/search?q=phone&page=99999999999999999999999", 422),
        ("products", "/api/products/search?q=phone&page_size=1.5", 422),
        ("products", "/api/products/search?q=phone&min_price=1e400", 422),
        ("products", "/api/products/search?q=phone&category_id=0x10", 422),
        ("products", "/api/products/search?q=phone&currency=usd%00", 422),
        ("products", "/api/products/search?q=phone&ship_to=%F0%9F%87%BA%F0%9F%87%B8", 422),
        ("products", f"/api/products?ids={THOUSAND_IDS}", 422),
        ("products", "/api/products?ids=" + "1" * 9000, 422),
        ("products", "/api/products?ids=%E2%80%8B1005006100402689", 422),
        ("products", "/api/products?ids=https://a.aliexpress.com/_x%0D%0AHost:%20evil", 422),
        ("products", "/api/products?ids=https://a.aliexpress.com@169.254.169.254/_x", 422),
        ("products", "/api/products?ids=https://a.aliexpress.com:22/_x", 422),
        ("products", "/api/products?ids=http://s.click.aliexpress.com/e/_x", 422),
        ("products", "/api/products/..%2F..%2Fetc%2Fpasswd", 404),
        ("products", "/api/products/%00", 422),
        ("products", "/api/products/" + "9" * 5000, 422),
        ("products", "/api/products/1005006100402689/../../x", 404),
        ("products", "/api/" + "a/" * 3000, 404),
        ("links", "/api/links?url=javascript:alert(1)", 422),
        ("links", "/api/links?url=data:text/html,<script>", 422),
        ("links", "/api/links?url=https://aliexpress.com.evil.example/item/1.html", 422),
        ("links", "/api/links?url=https://evil.example/?https://www.aliexpress.com/", 422),
        ("links", "/api/links?url=https://www.aliexpress.com/" + "a" * 3000, 422),
        ("links", "/api/links?" + "&".join(["url=https://aliexpress.com/"] * 21), 422),
        ("categories", "/api/categories?parent_id=1%20OR%201=1", 422),
        ("promotions", "/api/promotions/products?name=" + "x" * 10_000, 422),
        ("promotions", "/api/promotions/products?name=%20%20", 422),
        ("promotions", "/api/promotions/products?name=weeklydeals&page=1e309", 422),
        ("promotions", "/api/promotions/products?name=weeklydeals&page_size=51", 422),
        ("promotions", "/api/promotions/products?name=weeklydeals&category_id=-1", 422),
        ("promotions", "/api/promotions/products?name=weeklydeals&sort=SALE_PRICE_ASC", 422),
        ("promotions", "/api/promotions/products?name=weeklydeals&ship_to=%00%00", 422),
        ("promotions", "/api/promotions/..%2F..%2Fetc%2Fpasswd", 404),
        ("promotions", "/api/promotions/products/x", 404),
        ("products", f"/api/products/{PID}/similar?page=0", 422),
        ("products", f"/api/products/{PID}/shipping?ship_to=%F0%9F%87%A9%F0%9F%87%AA", 422),
        ("products", f"/api/products/{PID}/shipping?ship_to=de%00", 422),
        ("products", f"/api/products/{PID}/shipping?sku_id=1e309", 422),
        ("products", f"/api/products/{PID}/shipping?sku_id=" + "9" * 5000, 422),
        ("products", f"/api/products/{PID}/shipping?sku_id=%E2%80%8B1", 422),
        ("products", f"/api/products/{PID}/variants?ship_to=XX", 422),
        ("products", f"/api/products/{PID}/variants?currency=usd%00", 422),
        ("products", "/api/products/" + "9" * 5000 + "/shipping", 422),
        ("products", f"/api/products/{PID}/similar?page=1e309", 422),
        ("products", "/api/products/%00/similar", 422),
        ("products", "/api/products/" + "9" * 5000 + "/similar", 422),
        ("products", "/api/products/..%2F..%2Fetc/similar", 404),
        ("products", f"/api/products/{PID}/similar/x", 404),
        ("health", "/api/health/../../etc/passwd", 404),
    ],
)
async def test_hostile_input_is_a_4xx_in_the_envelope(
    call: Caller, function: str, path: str, status: int
) -> None:
    response = await call(function, path)
    expected_code = {422: "invalid_request", 404: "not_found"}[status]
    assert_error(response, status, expected_code)
    assert len(response.text) < 2_000  # never echoes a huge input back


ARABIC_INDIC = "١٠٠٥٠٠٦١٠٠٤٠٢٦٨٩"
FULL_WIDTH = "１００５００６１００４０２６８９"


@pytest.mark.parametrize(
    ("function", "path"),
    [
        ("products", f"/api/products/{ARABIC_INDIC}"),
        ("products", f"/api/products/{FULL_WIDTH}"),
        ("products", f"/api/products?ids={ARABIC_INDIC}"),
        ("products", f"/api/products?ids={PID},{FULL_WIDTH}"),
        ("products", f"/api/products?ids=https://www.aliexpress.com/item/{ARABIC_INDIC}.html"),
        (
            "products",
            f"/api/products?ids=https://aliexpress.com/i/detail.htm?productId={FULL_WIDTH}",
        ),
        ("categories", "/api/categories?parent_id=٣"),
    ],
)
async def test_non_ascii_digits_are_422_and_never_leave_the_function(
    call: Caller, gateway: FakeGateway, function: str, path: str
) -> None:
    assert_error(await call(function, path), 422, "invalid_request")
    assert gateway.calls == []


@pytest.mark.parametrize(
    "keywords",
    [
        "'; DROP TABLE products;--",
        "<script>alert(1)</script>",
        "телефон чехол",
        "手机壳 🔥",
        "phone&app_key=evil&sign=00",
        "${jndi:ldap://x}",
        "%00%0d%0aSet-Cookie: x",
    ],
)
async def test_injection_looking_keywords_travel_as_one_value(
    call: Caller, gateway: FakeGateway, keywords: str
) -> None:
    response = await call("products", "/api/products/search", params={"q": keywords})
    assert response.status_code == 200
    sent = gateway.last_call("aliexpress.affiliate.product.query")
    assert sent["keywords"] == keywords.strip()
    assert sent["app_key"] == gateway.app_key
    assert sent["method"] == "aliexpress.affiliate.product.query"


SEARCH_PARAMS = {
    "app_key",
    "method",
    "timestamp",
    "sign_method",
    "format",
    "v",
    "keywords",
    "page_no",
    "page_size",
    "ship_to_country",
    "target_currency",
    "target_language",
    "tracking_id",
}


async def test_callers_cannot_add_or_override_upstream_parameters(
    call: Caller, gateway: FakeGateway
) -> None:
    hostile = {
        "q": "phone",
        "app_key": "evil",
        "method": "aliexpress.affiliate.link.generate",
        "sign": "0" * 64,
        "sign_method": "md5",
        "timestamp": "1",
        "tracking_id": "attacker",
        "api_url": "http://evil.example/sync",
        "ALIEXPRESS_API_URL": "http://evil.example",
        "keywords": "override",
        "target_currency": "XXX",
        "fields": "secret",
        "v": "9",
    }
    response = await call("products", "/api/products/search", params=hostile)
    assert response.status_code == 200
    sent = gateway.last_call("aliexpress.affiliate.product.query")
    assert set(sent) == SEARCH_PARAMS
    assert sent["keywords"] == "phone"
    assert sent["tracking_id"] == "gpt_proxy_test"
    assert (sent["app_key"], sent["sign_method"]) == (gateway.app_key, "sha256")
    assert sent["target_currency"] == "USD"


async def test_the_upstream_host_is_fixed_by_configuration(
    apps: dict, gateway: FakeGateway
) -> None:
    hosts: list[str] = []
    inner = httpx.ASGITransport(app=gateway)

    class Recording(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            hosts.append(request.url.host)
            return await inner.handle_async_request(request)

    provider = ClientProvider(transport=HttpxTransport(Recording()))
    app = apps["products"]
    app.dependency_overrides[get_client_provider] = lambda: provider
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for params in ({"q": "x", "api_url": "http://evil"}, {"q": "y", "host": "evil.example"}):
            await c.get(
                "/api/products/search",
                params=params,
                headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
            )
    # Each search and its hot-product links: all to the configured host.
    assert len(hosts) >= 2 and set(hosts) == {"api-sg.aliexpress.com"}


async def test_bearer_check_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    from lib.http import auth

    compared: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    auth.check_api_key("Bearer right-key", "right-key")
    with pytest.raises(auth.Unauthorized):
        auth.check_api_key("Bearer wrong-key!", "right-key")
    assert compared == [(b"right-key", b"right-key"), (b"wrong-key!", b"right-key")]


PROMOTION_PARAMS = {
    "app_key",
    "method",
    "timestamp",
    "sign_method",
    "format",
    "v",
    "promotion_name",
    "page_no",
    "page_size",
    "country",
    "target_currency",
    "target_language",
    "tracking_id",
}


@pytest.mark.parametrize("name", ["weeklydeals&app_key=evil", "<script>", "每周 🔥", "a,b"])
async def test_a_promotion_name_travels_as_one_value(
    call: Caller, gateway: FakeGateway, name: str
) -> None:
    hostile = {"name": name, "method": "x", "sign": "0", "tracking_id": "attacker", "v": "9"}
    response = await call("promotions", "/api/promotions/products", params=hostile)
    assert response.status_code == 200 and response.json()["products"] == []
    sent = gateway.last_call("aliexpress.affiliate.featuredpromo.products.get")
    assert set(sent) == PROMOTION_PARAMS
    assert sent["promotion_name"] == name
    assert sent["method"] == "aliexpress.affiliate.featuredpromo.products.get"
    assert sent["tracking_id"] == "gpt_proxy_test"
