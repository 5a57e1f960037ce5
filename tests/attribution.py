"""What the attribution tests share: one tracking ID per channel, and how to tell which
tracking ID an affiliate URL carries (the fake gateway's links are a hash of both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from devtools.fake_gateway.catalog import promotion_link
from tests.conftest import TRACKING_ID

# ALIEXPRESS_TRACKING_ID_<CHANNEL>; the api channel keeps the default (TRACKING_ID).
CHANNEL_IDS = {"gpt": "owner_gpt", "mcp": "owner_mcp", "web": "owner_web"}
TRACKING_IDS = {**CHANNEL_IDS, "api": TRACKING_ID}
CHANNEL_ENV = {f"ALIEXPRESS_TRACKING_ID_{c.upper()}": tid for c, tid in CHANNEL_IDS.items()}
# The entrance each REST channel is reached through (lib/http/channels.py).
ENTRANCES = {"gpt": "/gpt", "web": "/web", "api": ""}


def carried_by(affiliate_url: str, source: str) -> str | None:
    """The tracking ID (of TRACKING_IDS) an affiliate URL for ``source`` carries."""
    for tracking_id in TRACKING_IDS.values():
        if affiliate_url == promotion_link(source, tracking_id):
            return tracking_id
    return None


def products_of(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The products of any product-carrying answer (a page, a batch, one product)."""
    if "products" in answer:
        return list(answer["products"])
    return [answer]


def wrong_links(answer: Mapping[str, Any], tracking_id: str) -> list[str]:
    """Every affiliate URL in ``answer`` that does not carry ``tracking_id`` (empty: right).
    An answer without any affiliate URL is wrong too: there is nothing to attribute."""
    pairs: Iterable[tuple[str | None, str]]
    if "links" in answer:
        pairs = [(link["affiliate_url"], link["url"]) for link in answer["links"]]
    else:
        pairs = [(p.get("affiliate_url"), p["url"]) for p in products_of(answer)]
    pairs = list(pairs)
    if not pairs:
        return ["(no affiliate URLs in the answer)"]
    return [
        f"{url} carries {carried_by(url, source) if url else None}"
        for url, source in pairs
        if url != promotion_link(source, tracking_id)
    ]
