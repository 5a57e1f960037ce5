"""Signing: every published vector, plus the properties the platform relies on."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.aliexpress.signing import (
    compute_signature,
    sign,
    sign_request,
    signable_params,
    string_to_sign,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "signing_vectors.json").read_text())[
    "vectors"
]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_published_vector(vector: dict) -> None:
    assert (
        sign(vector["params"], vector["secret"], vector["sign_method"], vector["api_path"])
        == (vector["sign"])
    )


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if "string_to_sign" in v], ids=lambda v: v["name"]
)
def test_published_string_to_sign(vector: dict) -> None:
    assert string_to_sign(vector["params"], vector["api_path"]) == vector["string_to_sign"]


def test_sign_parameter_is_excluded() -> None:
    vector = VECTORS[1]
    with_sign = {**vector["params"], "sign": "WHATEVER"}
    assert sign(with_sign, vector["secret"], "md5") == vector["sign"]


def test_empty_values_are_neither_signed_nor_sent() -> None:
    params = {"keywords": "phone", "category_ids": None, "sort": "", "page_no": 1}
    assert signable_params(params) == {"keywords": "phone", "page_no": "1"}
    assert string_to_sign(params) == "keywordsphonepage_no1"


def test_sha256_is_hmac_not_plain_hash_with_secret_around() -> None:
    # The replaced system computed sha256(secret + text + secret): a wrong signature.
    import hashlib

    text = "app_key123"
    wrong = hashlib.sha256(b"s" + text.encode() + b"s").hexdigest().upper()
    assert compute_signature(text, "s", "sha256") != wrong


def test_unknown_sign_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        compute_signature("x", "secret", "sha1")  # type: ignore[arg-type]


def test_sign_request_adds_system_params_and_uses_the_given_clock() -> None:
    signed = sign_request(
        "aliexpress.affiliate.product.query",
        {"keywords": "phone case", "page_no": 1, "tracking_id": None},
        app_key="123",
        secret="s3cret",
        sign_method="sha256",
        timestamp_ms=1_700_000_000_000,
    )
    assert signed["timestamp"] == "1700000000000"
    assert signed["method"] == "aliexpress.affiliate.product.query"
    assert signed["sign_method"] == "sha256"
    assert "tracking_id" not in signed
    assert signed["sign"] == sign(signed, "s3cret", "sha256")


def test_business_params_cannot_override_system_params() -> None:
    signed = sign_request(
        "m",
        {"app_key": "evil", "method": "other"},
        app_key="k",
        secret="s",
        sign_method="md5",
        timestamp_ms=1,
    )
    assert (signed["app_key"], signed["method"]) == ("k", "m")


params_strategy = st.dictionaries(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8),
    st.text(st.characters(codec="utf-8"), max_size=12),
    max_size=8,
)


@given(params_strategy, st.sampled_from(["sha256", "md5"]))
def test_parameter_order_does_not_matter(params: dict, method: str) -> None:
    reordered = dict(reversed(list(params.items())))
    assert sign(params, "secret", method) == sign(reordered, "secret", method)


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20))
def test_unicode_values_sign_over_utf8(value: str) -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", ("q" + value).encode(), hashlib.sha256).hexdigest().upper()
    assert sign({"q": value}, "k", "sha256") == expected


def test_sort_is_byte_order_not_alphabetical() -> None:
    # Uppercase sorts before lowercase in ASCII.
    assert string_to_sign({"b": "1", "B": "2", "a": "3"}) == "B2a3b1"
