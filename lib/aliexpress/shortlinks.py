"""AliExpress short and share links -> product IDs, by following redirects safely.

Links copied from the AliExpress app or from affiliate posts are short links
(``https://a.aliexpress.com/_EQPyrLx``, ``https://s.click.aliexpress.com/e/_DmXyZ12``):
the product ID is only in the URL they redirect to. This is the project's only
fetch of a URL a caller supplied, so it is built so that it cannot be pointed at
any other host (SSRF):

- a link starts only on a host of :data:`SHORT_LINK_HOSTS`, matched exactly on the
  whole authority: ``https`` only, default port only, no userinfo, no IP literal,
  printable ASCII only (nothing that could split a request line);
- every redirect is checked again before it is followed: a hop may only go to
  :data:`HOP_HOSTS` under the same rules; a ``Location`` that names a product on any
  AliExpress site ends the walk *without* contacting it (the ID is in the URL);
  one that leaves AliExpress ends it with a 502, contacting nothing;
- at most :data:`MAX_HOPS` requests, each a request for headers only (the probe
  never reads a body), all within one time budget; loops are caught;
- successes are cached per instance (and concurrent look-ups of one link coalesce).

Failures are :class:`ShortLinkError`: 422 ``invalid_request`` when the link is not
one we follow or leads to no product, 502 ``upstream_error`` when AliExpress's
answer is unusable (a redirect away from AliExpress, a loop, too many hops, no
answer in time). Both messages name the link. The network is a :class:`LinkProbe`,
injectable: production uses :class:`lib.aliexpress.link_probe.HeadProbe` (h11 over
TLS), tests and the dev server's demo a double that records every URL it is asked
for. :func:`install_probe` sets the probe for the resolvers this process makes
afterwards, without any environment variable: the dev server and the runtime
tests call it; a deployed function never does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from lib.aliexpress.errors import AliExpressError
from lib.aliexpress.product_refs import is_aliexpress_url, parse_product_ref, product_id_from_url
from lib.cache import TTLCache

# Hosts a pasted short link may start on: the app's share links and affiliate
# short links (forms seen in the public trackers of AliExpress client libraries).
SHORT_LINK_HOSTS = frozenset({"a.aliexpress.com", "s.click.aliexpress.com"})
# Hosts a redirect may lead the resolver to contact next: the short-link hosts and
# the app's share page. Product pages are never contacted: their URL has the ID.
HOP_HOSTS = SHORT_LINK_HOSTS | {"star.aliexpress.com"}
MAX_HOPS = 4
BUDGET_SECONDS = 4.0  # whole resolution; the upstream call still has its deadline after it
CACHE_TTL = 24 * 3600.0  # a short link points at one product for good
MAX_LINK_LENGTH = 2000
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PRODUCT_PAGE = "https://www.aliexpress.com/item/{id}.html"


class LinkProbe(Protocol):
    """The network: ask ``url`` for its headers; ``(status, Location or None)``.

    Called only with URLs the resolver has checked. Raises ``OSError`` (including
    ``TimeoutError``) when there is no usable answer.
    """

    async def head(self, url: str) -> tuple[int, str | None]: ...


class ShortLinkError(AliExpressError):
    """A short link that could not be turned into a product ID; names the link."""

    def __init__(self, link: str, problem: str) -> None:
        shown = link if len(link) <= 100 else link[:100] + "..."
        self.link = link
        super().__init__(f"Short link {shown!r} {problem}")


class ShortLinkRejected(ShortLinkError):
    """Not a link we follow, or it leads to no product: the caller can fix it."""

    status = 422
    code = "invalid_request"


class ShortLinkFailed(ShortLinkError):
    """AliExpress's answer to the link was unusable."""


def is_short_link(ref: str) -> bool:
    """True when ``ref`` looks like a URL on a short-link host (checked fully later)."""
    try:
        host = urlsplit(ref.strip()).hostname
    except ValueError:
        return False
    return host in SHORT_LINK_HOSTS


def checked_hop(url: str, hosts: frozenset[str]) -> str | None:
    """``url`` if it may be contacted (see the module docstring), else ``None``."""
    if len(url) > MAX_LINK_LENGTH or not url.isascii() or any(c <= " " for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    # The whole authority must be a listed host: this rules out userinfo, ports,
    # IP literals, trailing dots and look-alikes in one exact comparison.
    if parts.scheme.lower() != "https" or parts.netloc.lower() not in hosts:
        return None
    return parts._replace(scheme="https", netloc=parts.netloc.lower(), fragment="").geturl()


class ShortLinkResolver:
    """Short link -> product ID; one per event loop (its cache coalesces on that loop)."""

    def __init__(
        self,
        probe: LinkProbe | None = None,
        *,
        max_hops: int = MAX_HOPS,
        budget: float = BUDGET_SECONDS,
        cache: TTLCache | None = None,
    ) -> None:
        self._probe: LinkProbe | None = probe
        self.max_hops = max_hops
        self.budget = budget
        self.cache = cache if cache is not None else TTLCache(max_entries=1024)

    async def resolve(self, link: str) -> str:
        """The product ID the short link leads to; :class:`ShortLinkError` otherwise."""
        link = link.strip()
        start = checked_hop(link, SHORT_LINK_HOSTS)
        if start is None:
            raise ShortLinkRejected(
                link,
                "is not an AliExpress short link this service follows: give an https "
                "link on " + " or ".join(sorted(SHORT_LINK_HOSTS)) + " (no port, no "
                "user name), or the product's own URL or ID.",
            )
        product_id, _ = await self.cache.get_or_fetch(
            start, CACHE_TTL, lambda: self._walk(link, start)
        )
        return product_id

    async def _walk(self, link: str, url: str) -> str:
        seen = {url}
        try:
            async with asyncio.timeout(self.budget):
                for _ in range(self.max_hops):
                    url = await self._follow(link, url)
                    product_id = product_id_from_url(url)
                    if product_id is not None:
                        return product_id
                    url = self._next_hop(link, url)
                    if url in seen:
                        raise ShortLinkFailed(link, "redirects in a loop.")
                    seen.add(url)
        except TimeoutError:
            raise ShortLinkFailed(
                link, f"did not lead to a product within {self.budget:g} s; try again later."
            ) from None
        raise ShortLinkFailed(link, f"needs more than {self.max_hops} redirects.")

    async def _follow(self, link: str, url: str) -> str:
        """One checked request: the absolute URL its redirect names."""
        try:
            status, location = await self.probe.head(url)
        except TimeoutError:
            raise  # the budget's message, in _walk
        except OSError as exc:
            host = urlsplit(url).hostname
            raise ShortLinkFailed(
                link, f"could not be followed: {host} did not answer ({type(exc).__name__})."
            ) from None
        if status in (404, 410):
            raise ShortLinkRejected(link, "is unknown to AliExpress (expired or mistyped).")
        if status not in REDIRECTS or not location:
            raise ShortLinkFailed(link, f"was answered with HTTP {status} instead of a redirect.")
        try:
            return urljoin(url, location.strip())
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise ShortLinkFailed(link, "redirects to a malformed URL.") from None

    def _next_hop(self, link: str, url: str) -> str:
        """Where to go next when ``url`` names no product, or the reason not to."""
        if not is_aliexpress_url(url):
            raise ShortLinkFailed(link, "redirects away from AliExpress; it was not followed.")
        hop = checked_hop(url, HOP_HOSTS)
        if hop is not None:
            return hop
        if (urlsplit(url).hostname or "") in HOP_HOSTS:
            raise ShortLinkFailed(
                link,
                "redirects to a URL this service does not follow (not https, a port or "
                "a user name).",
            )
        raise ShortLinkRejected(
            link,
            "leads to an AliExpress page that is not a product (a store, a search or a "
            "promotion?): give the product's link or ID.",
        )

    @property
    def probe(self) -> LinkProbe:
        if self._probe is None:
            self._probe = _installed_probe or _network_probe()
        return self._probe


def _network_probe() -> LinkProbe:
    # Imported on the first short link only: h11 and TLS stay off the cold start.
    from lib.aliexpress.link_probe import HeadProbe

    return HeadProbe()


_installed_probe: LinkProbe | None = None


def install_probe(probe: LinkProbe | None) -> None:
    """Use ``probe`` as the network of resolvers made from now on (``None``: the real one).

    For the local dev server's demo and the runtime tests; never called by a function.
    """
    global _installed_probe
    _installed_probe = probe


async def resolve_product_refs(refs: Sequence[str], resolver: ShortLinkResolver) -> list[str]:
    """Product IDs for IDs, product URLs and short links: request order, no repeats.

    Short links are resolved concurrently; the first failing one (in request
    order) is the error.
    """

    async def one(ref: str) -> str:
        found = parse_product_ref(ref)
        return found if found is not None else await resolver.resolve(ref)

    results = await asyncio.gather(*(one(ref) for ref in refs), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(dict.fromkeys(results))  # type: ignore[arg-type]


async def resolve_link_targets(urls: Sequence[str], resolver: ShortLinkResolver) -> list[str]:
    """URLs to make affiliate links for: a short link becomes its product's page, so
    the link is this deployment's own rather than the one the short link carries."""

    async def one(url: str) -> str:
        if not is_short_link(url) or product_id_from_url(url) is not None:
            return url
        return PRODUCT_PAGE.format(id=await resolver.resolve(url))

    results = await asyncio.gather(*(one(url) for url in urls), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(results)  # type: ignore[arg-type]
