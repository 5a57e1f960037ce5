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


def test_redis_url_turns_on_shared_state_and_is_a_secret() -> None:
    settings = load_settings(
        {**CREDENTIALS, "REDIS_URL": " rediss://default:pw-123@eu.upstash.io:6379\n"}
    )
    assert (settings.shared_state, settings.problems) == ("redis", ())
    assert settings.presence()["REDIS_URL"] is True
    assert "pw-123" not in repr(settings)


def test_a_bad_redis_url_is_a_problem_that_never_repeats_it() -> None:
    settings = load_settings({**CREDENTIALS, "REDIS_URL": "https://default:pw-123@eu.upstash.io"})
    assert settings.shared_state == "in-process"
    assert settings.mode == "live"  # data routes still work, in-process
    assert settings.problems == (
        "REDIS_URL must start with redis:// or rediss://: the cache, rate limit and call "
        "budget stay in-process.",
    )
    assert "pw-123" not in str(settings.problems)


def test_limits_are_whole_numbers_or_off() -> None:
    settings = load_settings(
        {**CREDENTIALS, "RATE_LIMIT_PER_MINUTE": "60", "UPSTREAM_CALLS_PER_SECOND": "0",
         "UPSTREAM_CALLS_PER_DAY": "1e6"}
    )  # fmt: skip
    assert settings.limit("rate_limit_per_minute") == 60
    assert settings.limit("upstream_calls_per_second") is None
    assert settings.limit("upstream_calls_per_day") is None
    assert settings.problems == (
        "UPSTREAM_CALLS_PER_SECOND must be a whole number of at least 1: the limit is off.",
        "UPSTREAM_CALLS_PER_DAY must be a whole number of at least 1: the limit is off.",
    )
    assert load_settings(CREDENTIALS).limit("rate_limit_per_minute") is None


# -- a tracking ID per channel (#25) -----------------------------------------------------


def test_each_channel_falls_back_to_the_default_tracking_id() -> None:
    settings = load_settings({**LIVE, "ALIEXPRESS_TRACKING_ID_MCP": " owner_mcp\n"})
    assert settings.attribution() == {
        "gpt": "tracking",
        "mcp": "owner_mcp",
        "web": "tracking",
        "api": "tracking",
    }
    assert settings.attribution_sources()["mcp"] == "own"
    assert settings.channels_by_tracking_id() == {
        "tracking": ("gpt", "web", "api"),
        "owner_mcp": ("mcp",),
    }
    assert settings.problems == ()


def test_an_unknown_channel_gets_the_default() -> None:
    assert load_settings(LIVE).tracking_id_for("claude") == "tracking"


def test_every_tracking_id_follows_one_rule() -> None:
    bad = {
        "ALIEXPRESS_TRACKING_ID_GPT": "gpt id",
        "ALIEXPRESS_TRACKING_ID_WEB": "x" * 65,
        "ALIEXPRESS_TRACKING_ID_API": "a&b=c",
        "ALIEXPRESS_TRACKING_ID_MCP": "ok-id_1.2",
    }
    settings = load_settings({**LIVE, **bad})
    assert [p.split(" ")[0] for p in settings.problems] == [
        "ALIEXPRESS_TRACKING_ID_GPT",
        "ALIEXPRESS_TRACKING_ID_WEB",
        "ALIEXPRESS_TRACKING_ID_API",
    ]
    assert settings.mode == "live"
    assert settings.attribution() == {
        "gpt": "tracking",
        "mcp": "ok-id_1.2",
        "web": "tracking",
        "api": "tracking",
    }
    # Problems describe a value without repeating it.
    assert not any(value in " ".join(settings.problems) for value in ("gpt id", "a&b=c"))


def test_an_unusable_default_leaves_no_links_and_says_so() -> None:
    settings = load_settings({**CREDENTIALS, "ALIEXPRESS_TRACKING_ID": "tab\there"})
    assert settings.default_tracking_id is None
    assert settings.attribution() == dict.fromkeys(("gpt", "mcp", "web", "api"))
    assert settings.problems[0].startswith("ALIEXPRESS_TRACKING_ID must be")
    assert settings.warnings[0].startswith("ALIEXPRESS_TRACKING_ID is not set")


def test_presence_names_the_channel_variables_as_booleans() -> None:
    presence = load_settings({**LIVE, "ALIEXPRESS_TRACKING_ID_GPT": "owner_gpt"}).presence()
    assert presence["ALIEXPRESS_TRACKING_ID_GPT"] is True
    assert presence["ALIEXPRESS_TRACKING_ID_WEB"] is False
