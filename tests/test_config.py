"""lib/config.py: what is missing, unusable (problems) or leaves a feature off (warnings)."""

from __future__ import annotations

from lib.config import load_settings

CREDENTIALS = {"ALIEXPRESS_APP_KEY": "key", "ALIEXPRESS_APP_SECRET": "secret"}
LIVE = {**CREDENTIALS, "ALIEXPRESS_TRACKING_ID": "tracking"}


def test_complete_settings_are_live_with_nothing_to_report() -> None:
    settings = load_settings(LIVE)
    assert (settings.mode, settings.missing, settings.problems, settings.warnings) == (
        "live",
        (),
        (),
        (),
    )


def test_partial_credentials_name_the_missing_half() -> None:
    settings = load_settings({"ALIEXPRESS_APP_KEY": "key"})
    assert settings.missing == ("ALIEXPRESS_APP_SECRET",)
    assert settings.mode == "unconfigured"


def test_codes_follow_the_query_rule_case_insensitive_and_normalised() -> None:
    settings = load_settings(
        {
            **LIVE,
            "ALIEXPRESS_CURRENCY": "eur",
            "ALIEXPRESS_LANGUAGE": " de ",
            "ALIEXPRESS_SHIP_TO": "fr\n",
        }
    )
    assert (settings.currency, settings.language, settings.ship_to) == ("EUR", "DE", "FR")
    assert settings.problems == ()


def test_an_unassigned_country_is_a_problem_like_a_malformed_one() -> None:
    for value in ("XX", "USA"):
        settings = load_settings({**LIVE, "ALIEXPRESS_SHIP_TO": value})
        assert settings.problems == (
            "ALIEXPRESS_SHIP_TO must be an assigned ISO 3166-1 alpha-2 country code, "
            "e.g. US, GB, DE.",
        )
        assert settings.mode == "unconfigured"


def test_an_http_public_base_url_is_a_problem_that_leaves_data_routes_working() -> None:
    settings = load_settings({**LIVE, "PUBLIC_BASE_URL": "http://proxy.example.com/"})
    assert settings.problems == settings.spec_problems
    assert settings.problems[0].startswith("PUBLIC_BASE_URL must be an https:// URL")
    assert settings.upstream_problems == ()
    assert settings.configured and settings.mode == "live"
    assert load_settings({**LIVE, "PUBLIC_BASE_URL": "https://proxy.example.com"}).problems == ()


def test_a_missing_tracking_id_warns_naming_what_stops_working() -> None:
    (warning,) = load_settings(CREDENTIALS).warnings
    assert warning.startswith("ALIEXPRESS_TRACKING_ID is not set")
    assert "/api/links" in warning and "affiliate_url" in warning
    assert load_settings(CREDENTIALS).mode == "live"  # a warning, not a problem


def test_upstream_problems_make_the_deployment_unconfigured() -> None:
    settings = load_settings(
        {**LIVE, "ALIEXPRESS_SIGN_METHOD": "sha1", "ALIEXPRESS_API_URL": "ftp://gateway"}
    )
    assert settings.upstream_problems == (
        "ALIEXPRESS_SIGN_METHOD must be sha256 or md5.",
        "ALIEXPRESS_API_URL must be an http(s) URL.",
    )
    assert settings.mode == "unconfigured"


def test_repr_never_shows_a_secret() -> None:
    settings = load_settings(
        {**CREDENTIALS, "PROXY_API_KEY": "proxy-key-1", "OWNER_API_KEY": "owner-key-1"}
    )
    shown = repr(settings) + str(settings) + f"{settings}"
    assert "app_key='key'" in shown
    assert not any(value in shown for value in ("secret", "proxy-key-1", "owner-key-1"))
