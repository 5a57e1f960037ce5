"""Errors that say what to do: the platform's account and credential errors, as the
fake gateway answers them, reach the caller with the setting to check - never its value."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.fake_gateway import DEMO_APP_SECRET, FakeGateway, Fault
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.diagnosis import diagnose
from lib.aliexpress.errors import AliExpressAPIError

pytestmark = pytest.mark.anyio
METHOD = "aliexpress.affiliate.category.get"


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (
            Fault.PUBLISHER_NOT_REGISTERED,
            ["approved affiliate publisher", "portals.aliexpress.com"],
        ),
        (Fault.INSUFFICIENT_PERMISSIONS, ["approved affiliate publisher", "Affiliate API"]),
        (Fault.INCOMPLETE_SIGNATURE, ["ALIEXPRESS_APP_SECRET", "ALIEXPRESS_SIGN_METHOD"]),
        (Fault.INVALID_APP_KEY, ["ALIEXPRESS_APP_KEY"]),
    ],
)
async def test_account_and_credential_errors_say_what_to_check(
    make_client: Callable[..., AliExpressClient],
    gateway: FakeGateway,
    fault: Fault,
    says: list[str],
) -> None:
    gateway.faults.inject(fault)
    with pytest.raises(AliExpressAPIError) as raised:
        await make_client().call(METHOD, {})
    error = raised.value
    assert (error.status, error.code) == (502, "upstream_error")  # codes as the contract says
    assert error.message.startswith(f"AliExpress API error {error.api_code}: ")
    for text in says:
        assert text in error.message


async def test_a_wrong_secret_is_diagnosed_without_its_value(
    make_client: Callable[..., AliExpressClient],
) -> None:
    with pytest.raises(AliExpressAPIError) as raised:
        await make_client(app_secret="wrong-secret-value").call(METHOD, {})
    assert raised.value.api_code == "IncompleteSignature"
    assert "check ALIEXPRESS_APP_SECRET" in raised.value.message
    assert "wrong-secret-value" not in raised.value.message
    assert DEMO_APP_SECRET not in raised.value.message


async def test_a_wrong_key_is_diagnosed_without_its_value(
    make_client: Callable[..., AliExpressClient],
) -> None:
    with pytest.raises(AliExpressAPIError) as raised:
        await make_client(app_key="wrong-key-value").call(METHOD, {})
    assert "check ALIEXPRESS_APP_KEY" in raised.value.message
    assert "wrong-key-value" not in raised.value.message


@pytest.mark.parametrize(
    ("code", "message"),
    [("ApiCallLimit", "ban will last 1 seconds"), ("402", "Invalid parameter"), ("15", "")],
)
def test_other_errors_get_no_guess(code: str, message: str) -> None:
    assert diagnose(code, message) is None
    assert AliExpressAPIError(code, message).message == f"AliExpress API error {code}: {message}"
