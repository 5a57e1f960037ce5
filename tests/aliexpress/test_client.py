"""The real client against the fake gateway: every method, both sign methods, every fault."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from devtools.fake_gateway import FakeGateway, Fault
from devtools.fake_gateway.server import serve_in_thread
from devtools.httpx_transport import HttpxTransport
from lib.aliexpress.client import AliExpressClient, RetryPolicy, UpstreamCall, parse_response
from lib.aliexpress.errors import (
    AliExpressAPIError,
    BadResponseError,
    RateLimitedError,
    TransportError,
    UpstreamHTTPError,
    UpstreamTimeoutError,
)
from lib.aliexpress.order_models import OrderQuery
from lib.aliexpress.queries import Locale, ProductQuery, PromotionProductQuery
from lib.aliexpress.transport import StreamTransport

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AliExpressClient]
SIGN_METHODS = pytest.mark.parametrize("sign_method", ["sha256", "md5"])


@SIGN_METHODS
async def test_query_products(make_client: MakeClient, sign_method: str) -> None:
    client = make_client(sign_method=sign_method)
    page = await client.query_products(ProductQuery(keywords="phone case", page_size=3))
    assert page.page == 1 and page.page_size == 3
    assert len(page.products) == 3
    assert page.total >= 6 and page.has_more
    for product in page.products:
        assert "phone case" in (product.title or "").lower()
        assert product.affiliate_url and product.affiliate_url.startswith("https://s.click")


@SIGN_METHODS
async def test_query_hot_products(make_client: MakeClient, sign_method: str) -> None:
    client = make_client(sign_method=sign_method)
    page = await client.query_hot_products(ProductQuery(page_size=50))
    assert page.products
    assert all((p.commission_rate_percent or 0) >= 8 for p in page.products)


@SIGN_METHODS
async def test_get_product_details(
    make_client: MakeClient, gateway: FakeGateway, sign_method: str
) -> None:
    ids = [str(p["product_id"]) for p in gateway.catalog.products[:3]] + ["1005000000000000"]
    details = await make_client(sign_method=sign_method).get_product_details(
        ids, Locale(currency="EUR")
    )
    assert [d.id for d in details] == ids[:3]
    assert all(d.price is None or d.price.currency in ("EUR", "USD") for d in details)


@SIGN_METHODS
async def test_generate_links(make_client: MakeClient, sign_method: str) -> None:
    urls = ["https://www.aliexpress.com/item/1005006123456789.html", "https://aliexpress.ru/"]
    links = await make_client(sign_method=sign_method).generate_links(urls, "my_tracking")
    assert [link.url for link in links] == urls
    assert all(
        link.affiliate_url and "s.click.aliexpress.com" in link.affiliate_url for link in links
    )


@SIGN_METHODS
async def test_get_categories(make_client: MakeClient, sign_method: str) -> None:
    categories = await make_client(sign_method=sign_method).get_categories()
    top = [c for c in categories if c.parent_id is None]
    assert len(top) >= 6
    assert any(c.parent_id == "509" for c in categories)


@SIGN_METHODS
async def test_get_featured_promotions(make_client: MakeClient, sign_method: str) -> None:
    promotions = await make_client(sign_method=sign_method).get_featured_promotions()
    names = [p.name for p in promotions]
    assert names == ["Hot Product", "New Arrival", "Best Seller", "weeklydeals"]
    assert all(p.description and p.product_count for p in promotions)


@SIGN_METHODS
async def test_query_promotion_products(make_client: MakeClient, sign_method: str) -> None:
    client = make_client(sign_method=sign_method)
    page = await client.query_promotion_products(
        PromotionProductQuery(name="Best Seller", page_size=4)
    )
    assert (page.page, page.page_size, len(page.products)) == (1, 4, 4)
    assert page.total > 4 and page.has_more
    assert all(p.affiliate_url for p in page.products)
    last = await client.query_promotion_products(
        PromotionProductQuery(name="Best Seller", page=-(-page.total // 4), page_size=4)
    )
    assert last.products and not last.has_more


async def test_promotion_parameters_reach_the_gateway_under_their_own_names(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    query = PromotionProductQuery(
        name="Hot Product",
        category_id=509,
        sort="price_asc",
        page_size=50,
        locale=Locale(ship_to="GB", currency="GBP", language="FR"),
    )
    page = await make_client().query_promotion_products(query)
    sent = gateway.calls[-1]
    assert sent["method"] == "aliexpress.affiliate.featuredpromo.products.get"
    assert sent["promotion_name"] == "Hot Product" and sent["category_id"] == "509"
    assert sent["country"] == "GB" and "ship_to_country" not in sent
    assert sent["sort"] == "priceAsc" and sent["tracking_id"] == "gpt_proxy_test"
    assert (sent["target_currency"], sent["target_language"]) == ("GBP", "FR")
    prices = [Decimal(p.price.amount) for p in page.products if p.price]
    assert prices and prices == sorted(prices)
    assert all(p.price is None or p.price.currency in ("GBP", "USD") for p in page.products)


async def test_promotion_country_filters_what_ships_there(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    limited = {str(p["product_id"]) for p in gateway.catalog.products if p.get("ship_to")}
    everywhere = await make_client().query_promotion_products(
        PromotionProductQuery(name="Hot Product", page_size=50)
    )
    narrowed = await make_client().query_promotion_products(
        PromotionProductQuery(name="Hot Product", page_size=50, locale=Locale(ship_to="ZW"))
    )
    assert limited & {p.id for p in everywhere.products}
    assert not limited & {p.id for p in narrowed.products}


async def test_unknown_promotion_is_an_empty_page(make_client: MakeClient) -> None:
    page = await make_client().query_promotion_products(
        PromotionProductQuery(name="No Such Promotion")
    )
    assert page.products == [] and page.total == 0 and not page.has_more


async def test_products_carry_promo_codes_when_upstream_sends_them(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    with_code = [p for p in gateway.catalog.products if p.get("promo_code_info")]
    ids = [str(p["product_id"]) for p in gateway.catalog.products[:2] + with_code]
    details = await make_client().get_product_details(ids, Locale())
    codes = {d.id: d.promo_code for d in details}
    assert all(codes[str(p["product_id"])] for p in with_code)
    assert codes[ids[0]] is None
    page = await make_client().query_promotion_products(
        PromotionProductQuery(name="Best Seller", page_size=50)
    )
    assert {p.promo_code is None for p in page.products} == {True, False}
    partial = next(d for d in details if d.promo_code and d.promo_code.min_spend is None)
    assert partial.promo_code.code and partial.promo_code.ends_at is None


@SIGN_METHODS
async def test_get_similar_products(
    make_client: MakeClient, gateway: FakeGateway, sign_method: str
) -> None:
    anchor = "1005006107718769"  # a phone case: ten products in its top-level category
    client = make_client(sign_method=sign_method)
    first = await client.get_similar_products(anchor, Locale(currency="EUR"))
    second = await client.get_similar_products(anchor, Locale(currency="EUR"), page=2)
    assert first.page == 1 and first.has_more and first.products
    assert second.page == 2 and not second.has_more and second.products
    ids = [p.id for p in first.products + second.products]
    assert anchor not in ids and len(ids) == len(set(ids))
    assert "Phone Case" in (first.products[0].title or "")  # the same category comes first
    sent = gateway.calls[-1]
    assert sent["method"] == "aliexpress.affiliate.product.smartmatch"
    assert (sent["product_id"], sent["page_no"], sent["country"]) == (anchor, "2", "US")
    assert "ship_to_country" not in sent and sent["target_currency"] == "EUR"


async def test_similar_products_of_an_unknown_product_is_an_empty_page(
    make_client: MakeClient,
) -> None:
    page = await make_client().get_similar_products("1005000000000000", Locale())
    assert page.products == [] and not page.has_more


async def test_search_parameters_reach_the_gateway(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    query = ProductQuery(
        keywords="case",
        min_price=Decimal("12.5"),
        max_price=Decimal(30),
        sort="price_asc",
        page=2,
        page_size=2,
        max_delivery_days=7,
        locale=Locale(ship_to="GB", currency="GBP"),
    )
    await make_client().query_products(query)
    sent = gateway.calls[-1]
    assert sent["min_sale_price"] == "1250" and sent["max_sale_price"] == "3000"
    assert sent["sort"] == "SALE_PRICE_ASC" and sent["delivery_days"] == "7"
    assert sent["page_no"] == "2" and sent["ship_to_country"] == "GB"
    assert sent["target_currency"] == "GBP" and sent["tracking_id"] == "gpt_proxy_test"


async def test_price_sort_and_range_are_honoured(make_client: MakeClient) -> None:
    page = await make_client().query_products(
        ProductQuery(
            min_price=Decimal(10),
            max_price=Decimal(40),
            sort="price_desc",
            page_size=50,
            category_id=509,
        )
    )
    prices = [Decimal(p.price.amount) for p in page.products if p.price]
    assert prices == sorted(prices, reverse=True)
    assert all(Decimal(10) <= price <= Decimal(40) for price in prices)


async def test_no_result_is_an_empty_page(make_client: MakeClient) -> None:
    page = await make_client().query_products(ProductQuery(keywords="zzzz-no-such-thing"))
    assert page.products == [] and page.total == 0 and not page.has_more


async def test_wrong_secret_gets_incomplete_signature(make_client: MakeClient) -> None:
    with pytest.raises(AliExpressAPIError) as caught:
        await make_client(app_secret="not-the-secret").get_categories()
    assert caught.value.api_code == "IncompleteSignature"
    assert caught.value.status == 502


async def test_wrong_app_key_is_an_api_error(make_client: MakeClient) -> None:
    with pytest.raises(AliExpressAPIError, match="InvalidAppKey"):
        await make_client(app_key="nobody").get_categories()


async def test_stale_timestamp_is_rejected(make_client: MakeClient) -> None:
    client = make_client(clock=lambda: time.time() - 3600)
    with pytest.raises(AliExpressAPIError, match="InvalidTimestamp"):
        await client.get_categories()


FAULTS = [
    (Fault.SLOW, UpstreamTimeoutError, 504),
    (Fault.HTTP_500, UpstreamHTTPError, 502),
    (Fault.HTTP_503, UpstreamHTTPError, 502),
    (Fault.HTML_PAGE, BadResponseError, 502),
    (Fault.MALFORMED_JSON, BadResponseError, 502),
    (Fault.WRONG_ENVELOPE, BadResponseError, 502),
    (Fault.INCOMPLETE_SIGNATURE, AliExpressAPIError, 502),
    (Fault.API_CALL_LIMIT, RateLimitedError, 429),
    (Fault.BUSINESS_ERROR, AliExpressAPIError, 502),
    (Fault.ISV_ERROR, AliExpressAPIError, 502),
    (Fault.DEEP_JSON, BadResponseError, 502),
    (Fault.HUGE_BAN, RateLimitedError, 429),
]


@pytest.mark.parametrize(("fault", "error", "status"), FAULTS, ids=[f[0].value for f in FAULTS])
async def test_each_fault_surfaces_as_its_error_within_the_deadline(
    make_client: MakeClient, gateway: FakeGateway, fault: Fault, error: type, status: int
) -> None:
    gateway.faults.inject(fault, times=None)
    deadline = 0.6
    client = make_client(deadline=deadline, attempt_timeout=0.25)
    started = time.monotonic()
    with pytest.raises(error) as caught:
        await client.query_products(ProductQuery(keywords="phone"))
    elapsed = time.monotonic() - started
    assert type(caught.value) is error
    assert caught.value.status == status
    assert elapsed < deadline + 0.2


async def test_transient_fault_is_retried_then_succeeds(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    calls: list[UpstreamCall] = []
    gateway.faults.inject(Fault.HTTP_503, times=2)
    page = await make_client(on_call=calls.append).query_products(ProductQuery(keywords="phone"))
    assert page.products
    assert len(gateway.calls) == 3
    assert calls == [
        UpstreamCall("aliexpress.affiliate.product.query", 3, calls[0].elapsed_ms, "ok")
    ]


@pytest.mark.parametrize(
    "fault",
    [Fault.INCOMPLETE_SIGNATURE, Fault.BUSINESS_ERROR, Fault.HTML_PAGE, Fault.WRONG_ENVELOPE],
)
async def test_permanent_faults_are_not_retried(
    make_client: MakeClient, gateway: FakeGateway, fault: Fault
) -> None:
    gateway.faults.inject(fault, times=None)
    with pytest.raises(Exception):  # noqa: B017 - the type is checked in the matrix above
        await make_client().get_categories()
    assert len(gateway.calls) == 1


async def test_rate_limit_is_retried_only_when_the_ban_fits_the_deadline(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.API_CALL_LIMIT, times=1)
    # The ban lasts 1 s: with a 0.8 s deadline there is no time to wait it out.
    with pytest.raises(RateLimitedError) as caught:
        await make_client(deadline=0.8).get_categories()
    assert caught.value.retry_after == 1
    assert len(gateway.calls) == 1


async def test_a_ban_of_thousands_of_digits_is_capped_at_a_day(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.HUGE_BAN, times=1)
    started = time.monotonic()
    with pytest.raises(RateLimitedError) as caught:
        await make_client().get_categories()
    assert caught.value.retry_after == 86_400
    assert len(caught.value.message) < 300  # upstream's text is quoted, not echoed whole
    assert len(gateway.calls) == 1
    assert time.monotonic() - started < 0.5


async def test_absurd_numbers_in_an_answer_become_nulls(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.ABSURD_NUMBERS, times=1)
    started = time.monotonic()
    page = await make_client().query_products(ProductQuery(keywords="phone"))
    assert time.monotonic() - started < 0.5
    assert page.products and (page.total, page.has_more) == (0, False)
    for product in page.products:
        assert product.price is None and product.original_price is None
        assert product.discount_percent is None and product.rating_percent is None
        assert product.orders is None and product.commission_rate_percent is None


async def test_rate_limit_waits_out_a_short_ban(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.API_CALL_LIMIT, times=1)
    categories = await make_client(deadline=3.0).get_categories()
    assert categories and len(gateway.calls) == 2


async def test_attempts_are_bounded(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.faults.inject(Fault.HTTP_500, times=None)
    client = make_client(retry=RetryPolicy(max_attempts=4, base_delay=0.001), deadline=5.0)
    with pytest.raises(UpstreamHTTPError):
        await client.get_categories()
    assert len(gateway.calls) == 4


async def test_connection_refused_is_a_transport_error(make_client: MakeClient) -> None:
    client = make_client(transport=None, api_url="http://127.0.0.1:9/sync", deadline=1.0)
    with pytest.raises(TransportError) as caught:
        await client.get_categories()
    assert type(caught.value) is TransportError
    assert "127.0.0.1" not in caught.value.message
    await client.aclose()


async def test_the_default_transport_is_created_once_and_reused(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    with serve_in_thread(gateway) as url:
        client = make_client(transport=None, api_url=url)
        await client.get_categories()
        first = client._active
        await client.get_categories()
        assert isinstance(first, StreamTransport) and client._active is first
        assert (first.connections_opened, gateway.connections) == (1, 1)
        await client.aclose()
        assert client._active is None


async def test_secret_is_never_sent_or_shown(make_client: MakeClient, gateway: FakeGateway) -> None:
    client = make_client()
    await client.get_categories()
    assert client.app_secret not in repr(client)
    assert all(client.app_secret not in value for value in gateway.calls[-1].values())


async def test_the_whole_call_respects_the_deadline_even_with_retries(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.faults.inject(Fault.SLOW, times=None)
    client = make_client(
        deadline=0.5, attempt_timeout=0.2, retry=RetryPolicy(max_attempts=10, base_delay=0.01)
    )
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        await client.get_categories()
    assert time.monotonic() - started < 0.7
    assert 2 <= len(gateway.calls) <= 3


async def test_concurrent_calls_share_one_client(make_client: MakeClient) -> None:
    client = make_client()
    pages = await asyncio.gather(
        *(client.query_products(ProductQuery(keywords="phone")) for _ in range(5))
    )
    assert all(page.products for page in pages)


async def test_an_injected_transport_sees_a_signed_form_post() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        envelope = {"resp_result": {"resp_code": 200, "result": {"categories": {}}}}
        return httpx.Response(200, json={"aliexpress_affiliate_category_get_response": envelope})

    client = AliExpressClient(
        app_key="k",
        app_secret="s",
        api_url="https://gw.example/sync",
        transport=HttpxTransport(httpx.MockTransport(answer)),
    )
    assert await client.get_categories() == []
    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", "https://gw.example/sync")
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    form = dict(parse_qsl(request.content.decode()))
    assert form["method"] == "aliexpress.affiliate.category.get"
    assert form["app_key"] == "k" and len(form["sign"]) == 64
    assert "s" not in form.values()  # the secret signs; it never travels


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ReadTimeout("slow"), UpstreamTimeoutError),
        (httpx.ConnectTimeout("slow"), UpstreamTimeoutError),
        (httpx.ConnectError("refused"), TransportError),
        (httpx.RemoteProtocolError("garbage"), TransportError),
    ],
)
async def test_transport_failures_are_translated_once(failure: Exception, error: type) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    client = AliExpressClient(
        app_key="k",
        app_secret="s",
        transport=HttpxTransport(httpx.MockTransport(fail)),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(error):
        await client.get_categories()


async def test_identical_calls_are_served_from_cache(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    from lib.cache import TTLCache

    calls: list[UpstreamCall] = []
    client = make_client(cache=TTLCache(), on_call=calls.append)
    first = await client.query_products(ProductQuery(keywords="phone"))
    second = await client.query_products(ProductQuery(keywords="phone"))
    other = await client.query_products(
        ProductQuery(keywords="phone", locale=Locale(currency="EUR"))
    )
    assert first == second != other
    assert len(gateway.calls) == 2  # the EUR query is a different key
    assert [c.cache for c in calls] == ["miss", "hit", "miss"]
    assert calls[1].attempts == 0


async def test_concurrent_identical_calls_reach_upstream_once(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    from lib.cache import TTLCache

    gateway.latency = 0.05
    client = make_client(cache=TTLCache())
    await asyncio.gather(*(client.get_categories() for _ in range(25)))
    assert len(gateway.calls) == 1


async def test_failures_are_not_cached(make_client: MakeClient, gateway: FakeGateway) -> None:
    from lib.cache import TTLCache

    client = make_client(cache=TTLCache())
    gateway.faults.inject(Fault.INCOMPLETE_SIGNATURE, times=1)
    with pytest.raises(AliExpressAPIError):
        await client.get_categories()
    assert await client.get_categories()
    assert len(gateway.calls) == 2


async def test_featured_promotions_are_cached_for_an_hour(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    from lib.cache import TTLCache

    now = [0.0]
    client = make_client(cache=TTLCache(clock=lambda: now[0]))
    await client.get_featured_promotions()
    now[0] = 3599.0
    await client.get_featured_promotions()
    assert len(gateway.calls) == 1
    now[0] = 3601.0
    await client.get_featured_promotions()
    assert len(gateway.calls) == 2


def answering(method: str, result: dict) -> AliExpressClient:
    """A client whose gateway answers ``method`` with this ``result``."""

    def answer(request: httpx.Request) -> httpx.Response:
        envelope = {"resp_result": {"resp_code": 200, "result": result}}
        return httpx.Response(200, json={method.replace(".", "_") + "_response": envelope})

    return AliExpressClient(
        app_key="k", app_secret="s", transport=HttpxTransport(httpx.MockTransport(answer))
    )


@pytest.mark.parametrize(
    ("is_finished", "has_more"),
    [(False, True), ("false", True), (True, False), ("true", False), (None, False)],
)
async def test_a_page_without_total_follows_is_finished(
    is_finished: object, has_more: bool
) -> None:
    products = {"product": [{"product_id": i} for i in (1005001, 1005002)]}
    result = {"products": products, "is_finished": is_finished}
    method = "aliexpress.affiliate.featuredpromo.products.get"
    page = await answering(method, result).query_promotion_products(
        PromotionProductQuery(name="Best Seller", page=3, page_size=2)
    )
    assert (page.total, page.has_more) == (6, has_more)  # what is known to exist so far
    similar = await answering(
        "aliexpress.affiliate.product.smartmatch", result
    ).get_similar_products("1005001", Locale())
    assert similar.has_more is has_more
    assert [p.id for p in similar.products] == ["1005002"]  # never the product itself


@SIGN_METHODS
async def test_list_orders(make_client: MakeClient, gateway: FakeGateway, sign_method: str) -> None:
    client = make_client(sign_method=sign_method)
    query = OrderQuery(
        start=date(2026, 9, 1), end=date(2026, 11, 28), status="settled", page_size=5
    )
    page = await client.list_orders(query)
    settled = [o for o in gateway.catalog.orders if o["order_status"] == "Completed Settlement"]
    assert (page.total, page.has_more, len(page.orders)) == (len(settled), True, 5)
    assert {order.status for order in page.orders} == {"settled"}
    sent = gateway.calls[-1]
    assert (sent["start_time"], sent["end_time"], sent["status"]) == (
        "2026-09-01 00:00:00",
        "2026-11-28 23:59:59",
        "Completed Settlement",
    )


def test_ids_and_amounts_sent_as_json_numbers_never_go_through_float() -> None:
    body = (
        b'{"aliexpress_affiliate_order_list_response": {"resp_result": {"resp_code": 200,'
        b' "result": {"orders": {"order": [{"order_id": 9007199254740993, "paid_amount": 1999,'
        b' "estimated_paid_commission": 139.5, "product_id": 1005006123456789123}]}}}}}'
    )
    (record,) = parse_response("aliexpress.affiliate.order.list", 200, body)["orders"]["order"]
    assert record["order_id"] == 9007199254740993  # float would make it ...992
    assert record["estimated_paid_commission"] == Decimal("139.5")
