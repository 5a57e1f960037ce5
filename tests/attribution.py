"""What the attribution tests share: one tracking ID per channel, and how to tell which
tracking ID an affiliate URL carries (the fake gateway's links are a hash of both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from devtools.fake_gateway.catalog import HOT_LINK_TYPE, promotion_link
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
        for link_type in (0, HOT_LINK_TYPE):
            if affiliate_url == promotion_link(source, tracking_id, link_type):
                return tracking_id
    return None


def link_type_code(entry: Mapping[str, Any]) -> int:
    """The link.generate type an answer says its link is (links answers: ordinary)."""
    return HOT_LINK_TYPE if entry.get("link_type") == "hot" else 0


def products_of(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The products of any product-carrying answer (a page, a batch, one product)."""
    if "products" in answer:
        return list(answer["products"])
    return [answer]


def wrong_links(answer: Mapping[str, Any], tracking_id: str) -> list[str]:
    """Every affiliate URL in ``answer`` that does not carry ``tracking_id`` (empty: right).
    An answer without any affiliate URL is wrong too: there is nothing to attribute."""
    entries: Iterable[Mapping[str, Any]]
    entries = answer["links"] if "links" in answer else products_of(answer)
    found = [(e.get("affiliate_url"), e["url"], link_type_code(e)) for e in entries]
    if not found:
        return ["(no affiliate URLs in the answer)"]
    return [
        f"{url} carries {carried_by(url, source) if url else None}"
        for url, source, link_type in found
        if url != promotion_link(source, tracking_id, link_type)
    ]
