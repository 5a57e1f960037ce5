"""Affiliate links for AliExpress URLs."""

import re

from pydantic import BaseModel, Field

from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.errors import NotConfiguredError
from lib.aliexpress.link_models import LinkBatch
from lib.aliexpress.product_refs import is_aliexpress_url
from lib.aliexpress.shortlinks import ShortLinkResolver, resolve_link_targets
from lib.config import Settings
from lib.http.errors import InvalidParameter
from lib.upstream import link_resolvers

MAX_URLS = 20
MAX_URL_LENGTH = 2000
# Split "a,b" lists only where a new URL starts: commas inside a URL stay.
_URL_SEPARATOR = re.compile(r",\s*(?=https?://)", re.IGNORECASE)


class AffiliateLinksParams(BaseModel):
    """createAffiliateLinks (REST ``url``) / affiliate_links (``urls``)."""

    urls: list[str] = Field(
        min_length=1,
        max_length=MAX_URLS,
        description="1-20 AliExpress URLs (products, stores, promotions, or short links "
        "from the app), e.g. "
        "https://www.aliexpress.com/item/1005006123456789.html.",
    )


async def affiliate_links(
    client: AliExpressClient,
    settings: Settings,
    params: AffiliateLinksParams,
    resolver: ShortLinkResolver | None = None,
) -> LinkBatch:
    """A short link becomes its product page first, so the affiliate link carries the
    caller's channel's tracking ID, the client's (``resolver``: this instance's unless
    given)."""
    urls = aliexpress_urls(params.urls)
    tracking_id = client.tracking_id
    if not tracking_id:
        raise NotConfiguredError(("ALIEXPRESS_TRACKING_ID",))
    sources = await resolve_link_targets(urls, resolver or link_resolvers.get())
    links = await client.generate_links(sources, tracking_id)
    # Answer with the URLs as sent: a short link's entry names the short link.
    links = [link.model_copy(update={"url": sent}) for sent, link in zip(urls, links, strict=True)]
    return LinkBatch(links=links, tracking_id=tracking_id)


def aliexpress_urls(values: list[str]) -> list[str]:
    """Distinct URLs in request order; an entry may hold comma-separated URLs."""
    urls = [part.strip() for value in values for part in _URL_SEPARATOR.split(value)]
    urls = [u for u in urls if u]
    if not urls:
        raise InvalidParameter("urls", "give at least one AliExpress URL.")
    if len(urls) > MAX_URLS:
        raise InvalidParameter("urls", f"at most {MAX_URLS} URLs, got {len(urls)}.")
    for candidate in urls:
        if len(candidate) > MAX_URL_LENGTH or not is_aliexpress_url(candidate):
            raise InvalidParameter("urls", f"{candidate[:80]!r} is not an AliExpress URL.")
    return list(dict.fromkeys(urls))
