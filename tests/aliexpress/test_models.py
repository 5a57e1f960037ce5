"""Conversions from the platform's loose records to the compact public shapes."""

import time
from datetime import date
from decimal import Decimal

import pytest

from lib.aliexpress.models import to_product, to_product_detail, to_promo_code
from lib.aliexpress.money import Money
from lib.aliexpress.order_models import OrderQuery, cents_to_amount, to_order
from lib.aliexpress.product_refs import is_aliexpress_url, parse_product_ref, product_id_from_url
from lib.aliexpress.promotion_models import to_promotion
from lib.aliexpress.queries import Locale, ProductQuery, PromotionProductQuery
from lib.aliexpress.values import amount_to_cents, percent_to_float, to_int, unwrap_list

PID = "1005006123456789"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.aliexpress.com/item/{PID}.html",
        f"https://www.aliexpress.com/item/{PID}.html?spm=a2g0o.home.0.0&gatewayAdapt=glo2usa",
        f"http://aliexpress.com/item/{PID}.html",
        f"https://m.aliexpress.com/item/{PID}.html",
        f"https://m.aliexpress.com/i/{PID}.html",
        f"https://es.aliexpress.com/item/{PID}.html#reviews",
        f"https://pt.aliexpress.com/item/{PID}.html",
        f"https://aliexpress.ru/item/{PID}.html?sku_id=1234",
        f"https://www.aliexpress.us/item/{PID}.html",
        f"https://www.aliexpress.com/item/Phone-Case-Clear/{PID}.html",
        f"https://www.aliexpress.com/store/product/Some-Name/1234567_{PID}.html",
        f"https://m.aliexpress.com/item/detail.htm?productId={PID}",
        f"  https://WWW.AliExpress.com/item/{PID}.html  ",
    ],
)
def test_product_id_from_every_common_url_form(url: str) -> None:
    assert product_id_from_url(url) == PID


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.amazon.com/item/{PID}.html",
        f"https://aliexpress.com.evil.example/item/{PID}.html",
        f"https://evil-aliexpress.com/item/{PID}.html",
        "https://www.aliexpress.com/category/100003109/women-clothing.html",
        f"ftp://www.aliexpress.com/item/{PID}.html",
        "https://s.click.aliexpress.com/e/_DkVX8Jt",
        "not a url",
        "",
    ],
)
def test_urls_without_a_product_id(url: str) -> None:
    assert product_id_from_url(url) is None


def test_parse_product_ref_takes_ids_and_urls() -> None:
    assert parse_product_ref(PID) == PID
    assert parse_product_ref(f" {PID} ") == PID
    assert parse_product_ref(f"https://www.aliexpress.com/item/{PID}.html") == PID
    assert parse_product_ref("12ab") is None
    assert parse_product_ref("1" * 40) is None


def test_is_aliexpress_url() -> None:
    assert is_aliexpress_url("https://s.click.aliexpress.com/e/_DkVX8Jt")
    assert is_aliexpress_url("https://aliexpress.ru/")
    assert not is_aliexpress_url("javascript:alert(1)")
    assert not is_aliexpress_url("https://aliexpress.com@evil.example/")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("89.22%", 89.22),
        ("7.0%", 7.0),
        ("100%", 100.0),
        (" 5 % ", 5.0),
        (12, 12.0),
        ("", None),
        (None, None),
        ("n/a", None),
        ("nan%", None),
        (True, None),
    ],
)
def test_percent_to_float(raw: object, expected: float | None) -> None:
    assert percent_to_float(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(1523, 1523), ("1523", 1523), ("1523.0", 1523), ("x", None), (None, None)]
)
def test_to_int(raw: object, expected: int | None) -> None:
    assert to_int(raw) == expected


ABSURD = [
    "1e300000",  # int(Decimal(...)) of it burned seconds of CPU
    "1E+999999999999999999",  # ... and this one raised MemoryError
    "Infinity",
    "-inf",
    "NaN",
    "1e400",
    1e400,
    float("nan"),
    10**4000,
    "9" * 5000,
    "١٢٣",  # Arabic-Indic digits: int() takes them, the contract does not
    "１２３",  # full-width digits
    "0x10",
    "1_000",
    [1],
    {"a": 1},
]


@pytest.mark.parametrize("raw", ABSURD, ids=lambda raw: repr(raw)[:24])
def test_absurd_numbers_are_none_within_milliseconds(raw: object) -> None:
    started = time.perf_counter()
    assert to_int(raw) is None
    assert percent_to_float(raw) is None
    assert percent_to_float(f"{raw}%") is None
    assert time.perf_counter() - started < 0.01


def test_an_infinite_discount_is_null_not_an_overflow() -> None:
    product = to_product(dict(product_id=PID, discount="Infinity", evaluate_rate="NaN%"))
    assert (product.discount_percent, product.rating_percent) == (None, None)


@pytest.mark.parametrize("amount", ["12.34", "0.99", "1234", "1234567.00"])
def test_decimal_amounts_pass_exactly_as_sent(amount: str) -> None:
    product = to_product(dict(product_id=PID, target_sale_price=amount))
    assert product.price is not None and product.price.amount == amount


@pytest.mark.parametrize(
    "amount", ["US $1,234.56", "1,234.56", "$12", "12.", "1e3", "Infinity", "-1.00", "١٢.٣٤"]
)
def test_amounts_that_are_not_decimal_strings_are_null_with_a_log_line(
    amount: str, caplog: pytest.LogCaptureFixture
) -> None:
    product = to_product(
        dict(product_id=PID, target_sale_price=amount, target_original_price=amount)
    )
    assert (product.price, product.original_price) == (None, None)
    assert any("not a decimal string" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "digits", ["١٠٠٥٠٠٦١٢٣٤٥٦٧٨٩", "１００５００６１２３４５６７８９", "1005006١٢٣٤٥٦٧٨٩"]
)
def test_product_ids_are_ascii_digits_only(digits: str) -> None:
    assert parse_product_ref(digits) is None
    assert product_id_from_url(f"https://www.aliexpress.com/item/{digits}.html") is None
    assert (
        product_id_from_url(f"https://m.aliexpress.com/item/detail.htm?productId={digits}") is None
    )
    assert (
        product_id_from_url(f"https://www.aliexpress.com/store/product/x/1_{digits}.html") is None
    )


@pytest.mark.parametrize(
    ("amount", "cents"),
    [(Decimal("12.5"), 1250), (Decimal(3), 300), (Decimal("0.01"), 1), (Decimal("9.995"), 1000)],
)
def test_amount_to_cents(amount: Decimal, cents: int) -> None:
    assert amount_to_cents(amount) == cents


def test_unwrap_list_accepts_wrapped_bare_and_missing() -> None:
    assert unwrap_list({"product": [1, 2]}, "product") == [1, 2]
    assert unwrap_list([1], "product") == [1]
    assert unwrap_list({"product": {"a": 1}}, "product") == [{"a": 1}]
    assert unwrap_list(None, "product") == []
    assert unwrap_list("junk", "product") == []


FULL_RECORD = {
    "product_id": 1005006123456789,
    "product_title": "Clear Phone Case",
    "target_sale_price": "12.34",
    "target_sale_price_currency": "EUR",
    "sale_price": "13.50",
    "sale_price_currency": "USD",
    "target_original_price": "20.00",
    "target_original_price_currency": "EUR",
    "discount": "38%",
    "evaluate_rate": "96.5%",
    "lastest_volume": "1523",
    "product_main_image_url": "https://ae01.alicdn.com/kf/a.jpg",
    "product_small_image_urls": {"string": ["https://ae01.alicdn.com/kf/b.jpg"]},
    "product_video_url": "https://video.example/v.mp4",
    "product_detail_url": "https://www.aliexpress.com/item/1005006123456789.html",
    "promotion_link": "https://s.click.aliexpress.com/e/_abc",
    "shop_id": 912345,
    "shop_url": "https://www.aliexpress.com/store/912345",
    "shop_name": "Shop",
    "first_level_category_id": 509,
    "first_level_category_name": "Phones",
    "second_level_category_id": "380230",
    "second_level_category_name": "Cases",
    "commission_rate": "7.0%",
    "hot_product_commission_rate": "11.5%",
    "some_new_field": {"ignored": True},
}


def test_full_record_to_contract_product() -> None:
    product = to_product(FULL_RECORD)
    assert product.model_dump() == {
        "id": "1005006123456789",
        "title": "Clear Phone Case",
        "price": {"amount": "12.34", "currency": "EUR"},
        "original_price": {"amount": "20.00", "currency": "EUR"},
        "discount_percent": 38,
        "rating_percent": 96.5,
        "orders": 1523,
        "image_url": "https://ae01.alicdn.com/kf/a.jpg",
        "url": "https://www.aliexpress.com/item/1005006123456789.html",
        "affiliate_url": "https://s.click.aliexpress.com/e/_abc",
        "shop": {"id": "912345", "name": "Shop", "url": "https://www.aliexpress.com/store/912345"},
        "category": {"id": "380230", "name": "Cases"},
        "commission_rate_percent": 7.0,
        "hot_commission_rate_percent": 11.5,
        # What the record's own link earns: an ordinary one (hot_links makes hot ones).
        "link_type": "normal",
        "link_commission_rate_percent": 7.0,
        "promo_code": None,
        "app_price": None,
        "delivery_days": None,
    }


def test_a_product_without_a_link_has_no_link_type_or_link_commission() -> None:
    product = to_product({**FULL_RECORD, "promotion_link": None})
    assert (product.link_type, product.link_commission_rate_percent) == (None, None)
    assert (
        to_product({**FULL_RECORD, "hot_product_commission_rate": "n/a"}).model_dump()[
            "hot_commission_rate_percent"
        ]
        is None
    )


def test_detail_adds_images_and_video() -> None:
    detail = to_product_detail(FULL_RECORD)
    assert detail.images == ["https://ae01.alicdn.com/kf/b.jpg"]
    assert detail.video_url == "https://video.example/v.mp4"


def test_price_falls_back_to_sale_price_with_its_currency() -> None:
    record = {k: v for k, v in FULL_RECORD.items() if not k.startswith("target_sale")}
    product = to_product(record)
    assert product.price is not None
    assert (product.price.amount, product.price.currency) == ("13.50", "USD")


def test_missing_fields_are_null_never_invented() -> None:
    product = to_product({"product_id": "42"})
    dumped = product.model_dump()
    assert dumped.pop("id") == "42"
    assert all(value is None for value in dumped.values())


def test_first_level_category_when_second_is_missing() -> None:
    record = {"product_id": "1", "first_level_category_id": "509", "first_level_category_name": "P"}
    assert to_product(record).category.model_dump() == {
        "id": "509",
        "name": "P",
    }


def test_product_query_to_params() -> None:
    query = ProductQuery(
        keywords="case",
        min_price=Decimal("1.5"),
        sort="orders_desc",
        locale=Locale(ship_to="DE", currency="EUR", language="DE"),
    )
    params = query.to_params()
    assert params["min_sale_price"] == 150 and params["max_sale_price"] is None
    assert params["sort"] == "LAST_VOLUME_DESC"
    assert (params["ship_to_country"], params["target_currency"], params["target_language"]) == (
        "DE",
        "EUR",
        "DE",
    )
    assert ProductQuery().to_params()["sort"] is None  # relevance: no sort sent


PROMO_CODE_INFO = {
    "promo_code": "AFF3OFF",
    "code_campaigntype": "1",
    "code_value": "US $3.00",
    "code_availabletime_start": "2026-11-24 00:00:00",
    "code_availabletime_end": "2026-12-07 23:59:59",
    "code_mini_spend": "US $25.00",
    "code_quantity": 1840,
    "code_promotionurl": "https://s.click.aliexpress.com/e/_code",
}


def test_promo_code_info_becomes_the_contract_promo_code() -> None:
    product = to_product({**FULL_RECORD, "promo_code_info": PROMO_CODE_INFO})
    assert product.promo_code is not None
    assert product.promo_code.model_dump() == {
        "code": "AFF3OFF",
        "value": "US $3.00",
        "min_spend": "US $25.00",
        "starts_at": "2026-11-24 00:00:00",
        "ends_at": "2026-12-07 23:59:59",
        "remaining": "1840",
        "url": "https://s.click.aliexpress.com/e/_code",
    }


def test_promo_code_parts_upstream_left_out_are_null() -> None:
    code = to_promo_code({"promo_code": "AFF1", "code_value": "US $1.00", "code_quantity": ""})
    assert code is not None
    assert code.model_dump() == {
        "code": "AFF1",
        "value": "US $1.00",
        "min_spend": None,
        "starts_at": None,
        "ends_at": None,
        "remaining": None,
        "url": None,
    }


@pytest.mark.parametrize("info", [None, {}, {"promo_code": "", "code_value": " "}, "AFF1", [1]])
def test_no_usable_promo_code_info_is_null(info: object) -> None:
    assert to_promo_code(info) is None
    assert to_product({"product_id": "1", "promo_code_info": info}).promo_code is None


def test_detail_carries_the_promo_code_too() -> None:
    record = {**FULL_RECORD, "promo_code_info": PROMO_CODE_INFO}
    assert to_product_detail(record).promo_code is not None


def test_promotion_from_a_promo_record() -> None:
    raw = {"promo_name": "Hot Product", "promo_desc": "High commission", "product_num": "5000"}
    assert to_promotion(raw).model_dump() == {
        "name": "Hot Product",
        "description": "High commission",
        "product_count": 5000,
    }
    assert to_promotion({"promo_desc": "no name"}) is None


def test_promotion_query_uses_the_method_own_names() -> None:
    query = PromotionProductQuery(
        name="Best Seller",
        category_id=509,
        sort="orders_desc",
        page=2,
        page_size=5,
        locale=Locale(ship_to="DE", currency="EUR", language="DE"),
    )
    params = query.to_params()
    assert params["promotion_name"] == "Best Seller" and params["category_id"] == 509
    assert params["country"] == "DE" and "ship_to_country" not in params
    assert params["sort"] == "volumeDesc"
    assert (params["page_no"], params["page_size"]) == (2, 5)
    assert (params["target_currency"], params["target_language"]) == ("EUR", "DE")
    sorts = {
        s: PromotionProductQuery(name="x", sort=s).to_params()["sort"]
        for s in ("relevance", "price_asc", "price_desc")
    }
    assert sorts == {"relevance": None, "price_asc": "priceAsc", "price_desc": "priceDesc"}


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        (1999, "19.99"),
        ("1999", "19.99"),
        (5, "0.05"),
        (0, "0.00"),
        (-250, "-2.50"),
        (123456789012345, "1234567890123.45"),
        (Decimal("19.99"), None),  # not whole cents: never guessed at
        ("19.99", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_cents_to_amount(raw: object, amount: str | None) -> None:
    assert cents_to_amount(raw) == amount


def test_raw_order_to_public_order() -> None:
    raw = {
        "order_id": 9007199254740993,
        "sub_order_id": 9007199254750993,
        "order_status": "Buyer Confirmed Receipt",
        "created_time": "2026-07-01 10:00:00",
        "paid_time": "2026-07-01 10:01:00",
        "paid_amount": 2599,
        "estimated_paid_commission": 182,
        "commission_rate": "7.00%",
        "settled_currency": "USD",
        "product_id": 1005006123456789,
        "product_title": "Phone case",
        "product_count": "2",
    }
    order = to_order(raw)
    assert order is not None
    assert (order.order_id, order.sub_order_id) == ("9007199254740993", "9007199254750993")
    assert order.status == "confirmed"
    assert order.paid_at == "2026-07-01T10:01:00-07:00"
    assert order.paid_amount == Money(amount="25.99", currency="USD")
    assert order.estimated_commission == Money(amount="1.82", currency="USD")
    assert order.estimated_finished_commission is None and order.finished_at is None
    assert (order.product.id, order.product.count) == ("1005006123456789", 2)
    assert order.commission_rate_percent == 7.0


def test_an_unknown_status_is_kept_and_a_record_without_id_dropped() -> None:
    assert to_order(dict(order_id="1", order_status="Frozen")).status == "Frozen"  # type: ignore[union-attr]
    assert to_order(dict(order_status="Invalid")) is None


def test_order_query_to_params() -> None:
    query = OrderQuery(start=date(2026, 11, 1), end=date(2026, 11, 2), page=2, page_size=50)
    assert query.to_params() == {
        "start_time": "2026-11-01 00:00:00",
        "end_time": "2026-11-02 23:59:59",
        "status": None,
        "page_no": 2,
        "page_size": 50,
    }
