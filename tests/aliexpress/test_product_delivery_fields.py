"""What search and details already carry about delivery and the app price (#23):
``ship_to_days`` -> ``delivery_days``, ``target_app_sale_price`` -> ``app_price``, and the
``platform_product_type`` filter (CONTRACT §9)."""

from decimal import Decimal

import pytest

from lib.aliexpress.models import ship_to_days, to_product
from lib.aliexpress.queries import ProductQuery

RECORD = {"product_id": "1005006123456789", "product_title": "Case"}


@pytest.mark.parametrize(
    ("sent", "days"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("7 days", 7),
        ("0", 0),
        ("365", 365),
        ("366", None),  # more than a year is no estimate
        ("1000000000", None),  # 10^9 days
        ("-3", None),  # negative days
        ("7-12", None),  # two numbers: which one? none
        ("US:7,DE:12", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_ship_to_days(sent: str | None, days: int | None) -> None:
    assert ship_to_days(sent) == days


def test_product_carries_delivery_days_and_app_price() -> None:
    product = to_product(
        {
            **RECORD,
            "ship_to_days": 9,  # a number where the model says string: read the same
            "target_app_sale_price": "10.50",
            "target_app_sale_price_currency": "EUR",
            "app_sale_price": "11.00",
            "app_sale_price_currency": "USD",
        }
    )
    assert product.delivery_days == 9
    assert product.app_price.model_dump() == {"amount": "10.50", "currency": "EUR"}


def test_app_price_falls_back_to_app_sale_price() -> None:
    product = to_product({**RECORD, "app_sale_price": "11.00", "app_sale_price_currency": "USD"})
    assert product.app_price.model_dump() == {"amount": "11.00", "currency": "USD"}


@pytest.mark.parametrize("amount", ["-1.00", "US $3.00", "1e9", ""])
def test_an_app_price_that_is_not_an_amount_is_null(amount: str) -> None:
    product = to_product({**RECORD, "target_app_sale_price": amount})
    assert product.app_price is None


def test_missing_fields_are_null() -> None:
    product = to_product(RECORD)
    assert (product.app_price, product.delivery_days) == (None, None)


def test_platform_product_type_is_sent_only_when_asked() -> None:
    assert "platform_product_type" not in {
        k for k, v in ProductQuery(keywords="x").to_params().items() if v is not None
    }
    params = ProductQuery(keywords="x", platform_product_type="TMALL", min_price=Decimal(1))
    assert params.to_params()["platform_product_type"] == "TMALL"
