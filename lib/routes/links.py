"""Affiliate links for AliExpress URLs (``api/links.py``)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Query

from lib.aliexpress.errors import NotConfiguredError
from lib.aliexpress.models import LinkBatch, is_aliexpress_url
from lib.aliexpress.shortlinks import resolve_link_targets
from lib.data_api import ClientDep, LinkResolverDep, SettingsDep, data_router
from lib.http.errors import InvalidRequest

router = data_router()

MAX_URLS = 20
# Split "a,b" lists only where a new URL starts: commas inside a URL stay.
_URL_SEPARATOR = re.compile(r",\s*(?=https?://)", re.IGNORECASE)


@router.get(
    "/api/links",
    operation_id="createAffiliateLinks",
    summary="Turn AliExpress URLs into affiliate links",
    description="Give any AliExpress URLs (products, stores, promotions, or short links "
    "from the app); returns a tracked affiliate link for each, in the same order. "
    "affiliate_url is null where AliExpress could not make one.",
    response_model=LinkBatch,
)
async def create_links(
    client: ClientDep,
    settings: SettingsDep,
    resolver: LinkResolverDep,
    url: Annotated[
        list[str],
        Query(
            min_length=1,
            description="AliExpress URL; repeat the parameter or separate URLs with commas "
            "(1-20 in all).",
            examples=[["https://www.aliexpress.com/item/1005006123456789.html"]],
        ),
    ],
) -> LinkBatch:
    urls = parse_urls(url)
    if not settings.tracking_id:
        raise NotConfiguredError(("ALIEXPRESS_TRACKING_ID",))
    sources = await resolve_link_targets(urls, resolver)
    links = await client.generate_links(sources, settings.tracking_id)
    # Answer with the URLs as sent: a short link's entry names the short link.
    links = [link.model_copy(update={"url": sent}) for sent, link in zip(urls, links, strict=True)]
    return LinkBatch(links=links, tracking_id=settings.tracking_id)


def parse_urls(values: list[str]) -> list[str]:
    urls = [part.strip() for value in values for part in _URL_SEPARATOR.split(value)]
    urls = [u for u in urls if u]
    if not urls:
        raise InvalidRequest("Invalid query parameter 'url': give at least one AliExpress URL.")
    if len(urls) > MAX_URLS:
        raise InvalidRequest(
            f"Invalid query parameter 'url': at most {MAX_URLS} URLs, got {len(urls)}."
        )
    for candidate in urls:
        if len(candidate) > 2000 or not is_aliexpress_url(candidate):
            raise InvalidRequest(
                f"Invalid query parameter 'url': {candidate[:80]!r} is not an AliExpress URL."
            )
    return list(dict.fromkeys(urls))
