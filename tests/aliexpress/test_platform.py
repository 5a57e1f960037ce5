"""lib/aliexpress/platform.py: one rule for codes, whether a query parameter or a setting."""

from __future__ import annotations

import pytest

from lib.aliexpress.platform import (
    COUNTRIES,
    CURRENCIES,
    LANGUAGES,
    normalise_country,
    normalise_currency,
    normalise_language,
)


@pytest.mark.parametrize(
    ("normalise", "given", "expected"),
    [
        (normalise_country, "de", "DE"),
        (normalise_country, " Gb\n", "GB"),
        (normalise_currency, "eur", "EUR"),
        (normalise_currency, "Usd", "USD"),
        (normalise_language, "fr", "FR"),
        (normalise_language, "IW", "IW"),
    ],
)
def test_codes_are_case_insensitive_and_upper_cased(normalise, given: str, expected: str) -> None:
    assert normalise(given) == expected


@pytest.mark.parametrize(
    ("normalise", "given", "rule"),
    [
        (normalise_country, "XX", "assigned ISO 3166-1 alpha-2"),  # well-formed, no country
        (normalise_country, "UK", "assigned ISO 3166-1 alpha-2"),  # reserved, not assigned
        (normalise_country, "USA", "assigned ISO 3166-1 alpha-2"),
        (normalise_country, "", "assigned ISO 3166-1 alpha-2"),
        (normalise_currency, "XXX", "must be one of USD, GBP"),
        (normalise_currency, "euro", "must be one of USD, GBP"),
        (normalise_language, "klingon", "must be one of EN, RU"),
        (normalise_language, "\u0131n", "must be one of EN, RU"),  # dotless i upper-cases to I
    ],
)
def test_anything_else_is_refused_with_the_rule_not_the_value(
    normalise, given: str, rule: str
) -> None:
    with pytest.raises(ValueError, match=rule) as raised:
        normalise(given)
    assert given.strip() == "" or given not in str(raised.value)


def test_the_country_list_is_the_assigned_iso_codes() -> None:
    assert len(COUNTRIES) == 249
    assert {"US", "GB", "DE", "FR", "BR", "SS", "BQ", "AX"} <= COUNTRIES
    assert COUNTRIES.isdisjoint({"UK", "EU", "XK", "AN", "YU"})  # reserved or withdrawn


def test_currency_and_language_lists_are_the_contracts() -> None:
    assert len(CURRENCIES) == 19 and CURRENCIES[0] == "USD"
    assert len(LANGUAGES) == 21 and LANGUAGES[0] == "EN"
