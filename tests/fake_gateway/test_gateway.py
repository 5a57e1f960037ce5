"""The fake gateway behaves as the platform does, checked with raw HTTP requests."""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway, Fault
from devtools.fake_gateway.catalog import Catalog

pytestmark = pytest.mark.anyio


def signed(params: dict[str, str], secret: str = DEMO_APP_SECRET) -> dict[str, str]:
    base = {
        "app_key": DEMO_APP_KEY,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        **params,
    }
    text = "".join(k + v for k, v in sorted(base.items()))
    base["sign"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    return base


async def post(gateway: FakeGateway, data: dict[str, str], path: str = "/sync") -> httpx.Response:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        return await client.post(path, data=data)


async def test_catalog_is_realistic() -> None:
    catalog = Catalog.load()
    assert len(catalog.products) >= 40
    assert len({p["first_level_category_id"] for p in catalog.products}) >= 6
    assert sum("evaluate_rate" not in p for p in catalog.products) >= 2
    assert sum(bool(p.get("target_price_missing")) for p in catalog.products) >= 2
    assert {type(p["product_id"]) for p in catalog.products} == {int, str}


async def test_success_envelope_with_wrapped_lists(gateway: FakeGateway) -> None:
    response = await post(
        gateway, signed({"method": "aliexpress.affiliate.product.query", "keywords": "phone case"})
    )
    body = response.json()["aliexpress_affiliate_product_query_response"]
    assert body["request_id"]
    assert body["resp_result"]["resp_code"] == 200
    assert body["resp_result"]["result"]["products"]["product"]


async def test_no_results_is_resp_code_405(gateway: FakeGateway) -> None:
    response = await post(
        gateway, signed({"method": "aliexpress.affiliate.product.query", "keywords": "qqqqqq"})
    )
    result = response.json()["aliexpress_affiliate_product_query_response"]["resp_result"]
    assert result["resp_code"] == 405 and "result" not in result


async def test_query_string_params_are_accepted_too(gateway: FakeGateway) -> None:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        response = await client.get(
            "/sync", params=signed({"method": "aliexpress.affiliate.category.get"})
        )
    assert "aliexpress_affiliate_category_get_response" in response.json()


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda p: p.update(sign="0" * 64), "IncompleteSignature"),
        (lambda p: p.update(keywords="tampered"), "IncompleteSignature"),
        (lambda p: p.pop("sign"), "MissingParameter"),
        (lambda p: p.update(app_key="other"), "InvalidAppKey"),
        (lambda p: p.update(method="taobao.item.get"), "InvalidApiPath"),
        (lambda p: p.update(timestamp="1"), "InvalidTimestamp"),
        (lambda p: p.update(sign_method="sha1"), "InvalidSignMethod"),
    ],
)
async def test_requests_are_checked_as_the_platform_does(
    gateway: FakeGateway, mutate: object, code: str
) -> None:
    params = signed({"method": "aliexpress.affiliate.product.query", "keywords": "case"})
    mutate(params)  # type: ignore[operator]
    error = (await post(gateway, params)).json()["error_response"]
    assert error["code"] == code and error["type"] == "ISV" and error["request_id"]


async def test_wrong_secret_is_incomplete_signature(gateway: FakeGateway) -> None:
    params = signed({"method": "aliexpress.affiliate.category.get"}, secret="wrong")
    assert (await post(gateway, params)).json()["error_response"]["code"] == "IncompleteSignature"


async def test_faults_can_be_injected_over_http(gateway: FakeGateway) -> None:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        await client.post("/__faults", json={"fault": "http_503", "times": 1})
        first = await client.post(
            "/sync", data=signed({"method": "aliexpress.affiliate.category.get"})
        )
        second = await client.post(
            "/sync", data=signed({"method": "aliexpress.affiliate.category.get"})
        )
    assert (first.status_code, second.status_code) == (503, 200)


@pytest.mark.parametrize("body", [b'{"fault": "slo"}', b"{}", b"not json", b'["slow"]'])
async def test_a_bad_fault_request_is_told_what_is_accepted(
    gateway: FakeGateway, body: bytes
) -> None:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        response = await client.post("/__faults", content=body)
    assert response.status_code == 400
    assert "http_503" in response.text
    assert gateway.faults.take("aliexpress.affiliate.category.get") is None


async def test_fault_can_target_one_method(gateway: FakeGateway) -> None:
    gateway.faults.inject(Fault.EMPTY, times=None, method="aliexpress.affiliate.link.generate")
    response = await post(gateway, signed({"method": "aliexpress.affiliate.category.get"}))
    assert (
        response.json()["aliexpress_affiliate_category_get_response"]["resp_result"]["resp_code"]
        == 200
    )


async def test_unknown_path_is_an_html_404(gateway: FakeGateway) -> None:
    response = await post(gateway, {}, path="/rest/whatever")
    assert response.status_code == 404 and "html" in response.headers["content-type"]


async def test_prices_follow_the_target_currency(gateway: FakeGateway) -> None:
    product = next(p for p in gateway.catalog.products if not p.get("target_price_missing"))
    response = await post(
        gateway,
        signed(
            {
                "method": "aliexpress.affiliate.productdetail.get",
                "product_ids": str(product["product_id"]),
                "target_currency": "JPY",
            }
        ),
    )
    record = response.json()["aliexpress_affiliate_productdetail_get_response"]["resp_result"][
        "result"
    ]["products"]["product"][0]
    assert record["target_sale_price_currency"] == "JPY"
    assert record["sale_price_currency"] == "USD"


# -- aliexpress.affiliate.order.list --------------------------------------------------

ORDER_LIST = "aliexpress.affiliate.order.list"
AUTUMN = {"start_time": "2026-09-01 00:00:00", "end_time": "2026-11-28 23:59:59"}


async def order_list(gateway: FakeGateway, **params: str) -> dict:
    response = await post(gateway, signed({"method": ORDER_LIST, **params}))
    return response.json()["aliexpress_affiliate_order_list_response"]["resp_result"]


async def test_orders_are_realistic() -> None:
    orders = Catalog.load().orders
    assert len(orders) >= 40
    assert {o["order_status"] for o in orders} == {
        "Payment Completed",
        "Buyer Confirmed Receipt",
        "Completed Settlement",
        "Invalid",
    }
    assert max(o["order_id"] for o in orders) > 2**53  # what a float would corrupt
    assert all(isinstance(o["paid_amount"], int) for o in orders)  # integer cents


async def test_order_list_pages_through_one_status(gateway: FakeGateway) -> None:
    status = "Buyer Confirmed Receipt"
    expected = [o for o in gateway.catalog.orders if o["order_status"] == status]
    seen = []
    for page in (1, 2, 3, 4):
        result = await order_list(
            gateway, **AUTUMN, status=status, page_no=str(page), page_size="5"
        )
        if result["resp_code"] == 405:
            break
        body = result["result"]
        assert body["total_record_count"] == len(expected)
        assert body["total_page_no"] == -(-len(expected) // 5)
        seen += body["orders"]["order"]
    assert seen == expected


async def test_order_list_filters_by_paid_time(gateway: FakeGateway) -> None:
    result = await order_list(
        gateway, start_time="2026-11-02 00:00:00", end_time="2026-11-02 23:59:59", page_size="50"
    )
    orders = result["result"]["orders"]["order"] if result["resp_code"] == 200 else []
    assert all(o["paid_time"].startswith("2026-11-02") for o in orders)
    that_day = [o for o in gateway.catalog.orders if o["paid_time"].startswith("2026-11-02")]
    assert len(orders) == len(that_day)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "start_time is required"),
        ({"start_time": "2026-11-01", "end_time": "2026-11-02 00:00:00"}, "start_time"),
        ({**AUTUMN, "status": "Shipped"}, "Invalid status"),
        ({"start_time": "2026-01-01 00:00:00", "end_time": "2026-06-30 23:59:59"}, "180 days"),
        ({"start_time": "2026-11-02 00:00:00", "end_time": "2026-11-01 00:00:00"}, "before"),
        ({**AUTUMN, "page_size": "51"}, "page_size"),
    ],
)
async def test_order_list_rejects_what_the_platform_would(
    gateway: FakeGateway, params: dict, message: str
) -> None:
    result = await order_list(gateway, **params)
    assert result["resp_code"] == 402 and message in result["resp_msg"]
