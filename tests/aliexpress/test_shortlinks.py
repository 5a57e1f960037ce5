"""lib/aliexpress/shortlinks.py: short links become product IDs, and the resolver
contacts nothing but the listed AliExpress hosts (the fake records every URL asked)."""

from __future__ import annotations

import asyncio

import pytest

from devtools.fake_gateway.short_links import SLOW, FakeShortLinks
from lib.aliexpress.shortlinks import (
    HOP_HOSTS,
    SHORT_LINK_HOSTS,
    ShortLinkError,
    ShortLinkFailed,
    ShortLinkRejected,
    ShortLinkResolver,
    resolve_product_refs,
)
from tests.conftest import load_function, modules_after

pytestmark = pytest.mark.anyio

SHORT = "https://a.aliexpress.com/_EQPyrLx"
CLICK = "https://s.click.aliexpress.com/e/_DmXyZ12"
PRODUCT = "1005006123456789"


def resolver_for(routes: dict, **options: float) -> tuple[ShortLinkResolver, FakeShortLinks]:
    fake = FakeShortLinks(routes)
    return ShortLinkResolver(fake, **options), fake  # type: ignore[arg-type]


# -- links that resolve ----------------------------------------------------------------


@pytest.mark.parametrize(
    "location",
    [
        f"https://www.aliexpress.com/item/{PRODUCT}.html?aff_fcid=x",
        f"https://aliexpress.ru/item/{PRODUCT}.html?sku_id=1",
        f"https://es.aliexpress.com/item/{PRODUCT}.html",
        f"https://fr.aliexpress.com/item/Some-Title/{PRODUCT}.html",
        f"https://www.aliexpress.us/item/{PRODUCT}.html",
        f"https://m.aliexpress.com/item/{PRODUCT}.html",
        f"https://pt.aliexpress.com/item/{PRODUCT}.html",
        f"https://star.aliexpress.com/share/share.htm?platform=AE&businessType=ProductDetail"
        f"&redirectUrl=https%3A%2F%2Fm.aliexpress.com%2Fitem%2F{PRODUCT}.html%3Fa%3D1",
        f"https://s.click.aliexpress.com/deep_link.htm?aff_short_key=_x"
        f"&dl_target_url=https%3A%2F%2Fpt.aliexpress.com%2Fitem%2F{PRODUCT}.html",
    ],
)
async def test_a_short_link_resolves_to_the_product_of_any_country_site(location: str) -> None:
    resolver, fake = resolver_for({SHORT: (302, location)})
    assert await resolver.resolve(SHORT) == PRODUCT
    # The product page itself is never contacted: its URL holds the ID.
    assert fake.asked == [SHORT]


async def test_an_affiliate_link_is_followed_hop_by_hop_on_listed_hosts() -> None:
    second = "https://s.click.aliexpress.com/e/_second"
    resolver, fake = resolver_for(
        {
            CLICK: (302, "/e/_second"),  # relative: same host
            second: (301, "https://star.aliexpress.com/share/share.htm?x=1"),
            "https://star.aliexpress.com/share/share.htm?x=1": (
                307,
                f"https://www.aliexpress.com/item/{PRODUCT}.html",
            ),
        }
    )
    assert await resolver.resolve(CLICK) == PRODUCT
    assert fake.asked == [CLICK, second, "https://star.aliexpress.com/share/share.htm?x=1"]
    assert fake.hosts <= HOP_HOSTS


async def test_host_case_is_normalised_and_fragments_are_not_sent() -> None:
    resolver, fake = resolver_for({SHORT: (302, f"https://aliexpress.ru/item/{PRODUCT}.html")})
    assert await resolver.resolve("  https://A.AliExpress.com/_EQPyrLx#share ") == PRODUCT
    assert fake.asked == [SHORT]


async def test_results_are_cached_and_concurrent_lookups_share_one_request() -> None:
    resolver, fake = resolver_for({SHORT: (302, f"https://aliexpress.ru/item/{PRODUCT}.html")})
    results = await asyncio.gather(*(resolver.resolve(SHORT) for _ in range(5)))
    assert results == [PRODUCT] * 5
    assert await resolver.resolve(SHORT) == PRODUCT
    assert fake.asked == [SHORT]


async def test_failures_are_not_cached() -> None:
    resolver, fake = resolver_for({SHORT: ConnectionRefusedError()})
    for _ in range(2):
        with pytest.raises(ShortLinkFailed):
            await resolver.resolve(SHORT)
    assert fake.asked == [SHORT, SHORT]


# -- SSRF: what is never contacted -----------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "http://a.aliexpress.com/_EQPyrLx",  # not https
        "https://a.aliexpress.com:8443/_EQPyrLx",  # a port
        "https://a.aliexpress.com:443/_EQPyrLx",  # even the default one, spelled out
        "https://user@a.aliexpress.com/_EQPyrLx",  # userinfo
        "https://a.aliexpress.com:x@evil.example/_EQPyrLx",
        "https://evil.example/_EQPyrLx",  # another host
        "https://a.aliexpress.com.evil.example/_x",  # look-alikes
        "https://evil.example/#@a.aliexpress.com/_x",
        "https://xa.aliexpress.com/_x",
        "https://a.aliexpress.com./_x",  # trailing dot
        "https://www.aliexpress.com/_x",  # AliExpress, but not a short-link host
        "https://127.0.0.1/_x",  # IP literals
        "https://[::1]/_x",
        "https://2130706433/_x",
        "https://a.aliexpress.com/_x\r\nHost: evil.example",  # request-line injection
        "https://a.aliexpress.com/_x y",
        "https://a.aliexpress.com/_\u00e9",  # not ASCII
        "file:///etc/passwd",
        "https://a.aliexpress.com/" + "x" * 2100,
    ],
)
async def test_links_not_on_the_list_are_refused_without_any_request(link: str) -> None:
    resolver, fake = resolver_for({})
    with pytest.raises(ShortLinkRejected) as raised:
        await resolver.resolve(link)
    assert fake.asked == []
    assert raised.value.status == 422 and raised.value.code == "invalid_request"
    assert "is not an AliExpress short link this service follows" in raised.value.message


@pytest.mark.parametrize(
    ("location", "error", "text"),
    [
        ("https://example.com/phish", ShortLinkFailed, "redirects away from AliExpress"),
        ("http://169.254.169.254/latest/meta-data/", ShortLinkFailed, "away from AliExpress"),
        ("https://127.0.0.1/", ShortLinkFailed, "away from AliExpress"),
        ("https://a.aliexpress.com@evil.example/x", ShortLinkFailed, "away from AliExpress"),
        ("https://aliexpress.com.evil.example/x", ShortLinkFailed, "away from AliExpress"),
        ("//evil.example/x", ShortLinkFailed, "away from AliExpress"),  # scheme-relative
        ("http://a.aliexpress.com/_next", ShortLinkFailed, "does not follow"),  # downgrade
        ("https://s.click.aliexpress.com:8080/e/_x", ShortLinkFailed, "does not follow"),
        ("https://user@star.aliexpress.com/x", ShortLinkFailed, "does not follow"),
        ("https://[::1/x", ShortLinkFailed, "malformed URL"),
        ("https://www.aliexpress.com/store/1234", ShortLinkRejected, "not a product"),
        ("https://sale.aliexpress.com/promo.htm", ShortLinkRejected, "not a product"),
    ],
)
async def test_a_redirect_is_checked_again_and_never_followed_off_the_list(
    location: str, error: type[ShortLinkError], text: str
) -> None:
    resolver, fake = resolver_for({SHORT: (302, location)})
    with pytest.raises(error) as raised:
        await resolver.resolve(SHORT)
    assert fake.asked == [SHORT]  # the only request made: the pasted link itself
    assert text in raised.value.message
    assert SHORT in raised.value.message


async def test_a_loop_is_caught_and_no_url_is_asked_twice() -> None:
    other = "https://s.click.aliexpress.com/e/_loop"
    resolver, fake = resolver_for({SHORT: (302, other), other: (302, SHORT)})
    with pytest.raises(ShortLinkFailed, match="loop"):
        await resolver.resolve(SHORT)
    assert fake.asked == [SHORT, other]


async def test_at_most_max_hops_requests() -> None:
    chain = [f"https://s.click.aliexpress.com/e/_{n}" for n in range(10)]
    resolver, fake = resolver_for(
        {url: (302, chain[n + 1]) for n, url in enumerate(chain[:-1])}, max_hops=4
    )
    with pytest.raises(ShortLinkFailed, match="more than 4 redirects"):
        await resolver.resolve(chain[0])
    assert fake.asked == chain[:4]


async def test_the_time_budget_bounds_the_whole_resolution() -> None:
    resolver, _ = resolver_for({SHORT: SLOW}, budget=0.05)
    with pytest.raises(ShortLinkFailed, match=r"within 0\.05 s") as raised:
        await resolver.resolve(SHORT)
    assert raised.value.status == 502 and raised.value.code == "upstream_error"


@pytest.mark.parametrize(
    ("answer", "error", "text"),
    [
        ((404, None), ShortLinkRejected, "unknown to AliExpress"),
        ((410, None), ShortLinkRejected, "unknown to AliExpress"),
        ((200, None), ShortLinkFailed, "HTTP 200 instead of a redirect"),
        ((302, None), ShortLinkFailed, "HTTP 302 instead of a redirect"),
        ((503, None), ShortLinkFailed, "HTTP 503"),
        (ConnectionResetError(), ShortLinkFailed, "a.aliexpress.com did not answer"),
    ],
)
async def test_unusable_answers_are_clear_errors(
    answer: object, error: type[ShortLinkError], text: str
) -> None:
    resolver, _ = resolver_for({SHORT: answer})
    with pytest.raises(error, match=text):
        await resolver.resolve(SHORT)


# -- many references at once -----------------------------------------------------------


async def test_refs_become_ids_in_order_without_repeats() -> None:
    resolver, fake = resolver_for(
        {
            SHORT: (302, f"https://aliexpress.ru/item/{PRODUCT}.html"),
            CLICK: (302, "https://www.aliexpress.com/item/1005000000000002.html"),
        }
    )
    refs = ["1005000000000001", SHORT, f"https://www.aliexpress.com/item/{PRODUCT}.html", CLICK]
    ids = await resolve_product_refs(refs, resolver)
    assert ids == ["1005000000000001", PRODUCT, "1005000000000002"]
    assert sorted(fake.asked) == sorted([SHORT, CLICK])


async def test_the_first_failing_link_in_request_order_is_the_error() -> None:
    away = "https://a.aliexpress.com/_away"
    resolver, _ = resolver_for({away: (302, "https://example.com/"), SHORT: (404, None)})
    with pytest.raises(ShortLinkError) as raised:
        await resolve_product_refs(["1005000000000001", away, SHORT], resolver)
    assert away in raised.value.message


def test_the_lists_hold_only_aliexpress_hosts() -> None:
    assert all(host.endswith(".aliexpress.com") for host in HOP_HOSTS)
    assert SHORT_LINK_HOSTS <= HOP_HOSTS


def test_the_network_probe_is_not_imported_until_a_short_link_is_followed() -> None:
    loaded = modules_after("import lib.aliexpress.shortlinks, lib.data_api")
    assert "lib.aliexpress.link_probe" not in loaded


def test_a_deployed_function_never_gets_the_fake_hosts() -> None:
    """Only the dev server and the tests install a probe; loading a function does not."""
    code = load_function("products") + (
        "import lib.aliexpress.shortlinks as s\nassert s._installed_probe is None\n"
    )
    loaded = modules_after(code)
    assert not any(name.startswith("devtools") for name in loaded)
