"""The MCP Apps view of product results: its ``ui://`` URI, its document, and the
metadata each kind of host reads (CONTRACT §8).

**One source.** The card component and its stylesheet live once, in ``public/cards/``
(``card.js``, ``card.css``), where Vercel serves them to the landing page. The view is
``public/cards/view.html`` plus its protocol script ``view.js``; :func:`assemble` makes
the self-contained document hosts need (no external scripts) by inlining the files the
page references. Vercel's Python builder never bundles a ``public/`` folder (58.10.0:
``**/public/**`` is in its predefined excludes and it ignores ``includeFiles``), so the
assembled document is generated into ``lib/product_view.html`` by ``make view`` and
checked in, like the GPT spec: a test fails when it drifts from ``public/cards/``.
:func:`view_html` reads it on first use. Only the MCP function's bundle holds it
(vercel.json ``excludeFiles``; ``make vercel-check`` proves it). Standard library only.

**Which host reads what** (checked 2026-11; re-check when a host changes):

- MCP Apps hosts (Claude, VS Code, Goose, ChatGPT, ...), ext-apps spec 2026-01-26
  (github.com/modelcontextprotocol/ext-apps, ``specification/2026-01-26/apps.mdx``):
  tool ``_meta.ui.resourceUri``; resource MIME type ``text/html;profile=mcp-app``;
  resource ``_meta.ui.csp.resourceDomains`` for images ("Restrictive Default" blocks
  every undeclared origin), ``_meta.ui.permissions.clipboardWrite`` (the promo code's
  Copy button), ``_meta.ui.prefersBorder``. ``_meta.ui.linkTrustedDomains`` (origins
  ``ui/open-link`` may open without a confirmation) is from the ext-apps migration
  guide (``docs/migrate_from_openai_apps.md``); hosts that do not know it ignore it.
- ChatGPT: OpenAI's Apps SDK reference (developers.openai.com/apps-sdk/reference) says
  ChatGPT implements the MCP Apps standard and to use its fields and the ``ui/*``
  bridge by default; its "MCP Apps compatibility in ChatGPT" page keeps the older
  ``_meta["openai/outputTemplate"]`` as an alias of ``_meta.ui.resourceUri``, and the
  ext-apps migration guide maps ``openai/widgetCSP`` (snake_case domain lists),
  ``openai/widgetPrefersBorder`` and ``openai/widgetDescription`` (no MCP Apps
  equivalent: what the model is told the widget shows). We send those aliases too, so
  a ChatGPT that still reads only its own keys renders the same view. ChatGPT reportedly
  rejects wildcard CSP domains, so the image hosts are listed one by one.
- Hosts without MCP Apps ignore ``_meta``: the tools' text and ``structuredContent``
  stay complete on their own.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

VIEW_URI = "ui://aliexpress/product-cards.html"
MIME_TYPE = "text/html;profile=mcp-app"
CARDS_DIR = Path(__file__).resolve().parents[1] / "public" / "cards"
VIEW_FILE = "view.html"
ASSEMBLED = Path(__file__).with_name("product_view.html")  # `make view` writes it

# AliExpress's product image CDNs, as the affiliate API's image URLs name them.
IMAGE_ORIGINS = (
    "https://ae01.alicdn.com",
    "https://ae02.alicdn.com",
    "https://ae03.alicdn.com",
    "https://ae04.alicdn.com",
    "https://ae05.alicdn.com",
    "https://ae-pic-a1.aliexpress-media.com",
)
# Where the view's one action goes: affiliate links and product pages.
LINK_ORIGINS = ("https://s.click.aliexpress.com", "https://www.aliexpress.com")
DESCRIPTION = (
    "Shows the products as cards: photo, title, price with original price and discount, "
    "rating, orders, shop, promo code and a button that opens the affiliate link. "
    "The shopper already sees these details; do not repeat the whole list in text."
)

# The only references view.html may make; each is replaced by the file's text.
_REFERENCE = re.compile(
    r'<link rel="stylesheet" href="(?P<style>[\w.-]+)">|<script src="(?P<script>[\w.-]+)"></script>'
)


class ViewAssemblyError(RuntimeError):
    """The view's sources cannot make one self-contained document."""


@functools.lru_cache(maxsize=1)
def view_html() -> str:
    """The view as one document (``lib/product_view.html``), read once per instance."""
    return ASSEMBLED.read_text(encoding="utf-8")


def assemble(folder: Path = CARDS_DIR) -> str:
    """view.html from ``folder`` with its stylesheet and scripts inlined."""
    page = (folder / VIEW_FILE).read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        tag = "style" if match["style"] else "script"
        text = (folder / (match["style"] or match["script"])).read_text(encoding="utf-8")
        if f"</{tag}" in text.lower():  # would end the inline element early
            raise ViewAssemblyError(f"{match[0]!r}: the file contains '</{tag}'")
        return f"<{tag}>\n{text}</{tag}>"

    html = _REFERENCE.sub(inline, page)
    leftover = re.search(r"<script[^>]*\bsrc=|<link\b", html, re.IGNORECASE)
    if leftover:
        raise ViewAssemblyError(f"an external reference is left at offset {leftover.start()}")
    return html


def tool_meta() -> dict[str, Any]:
    """``_meta`` for every tool whose result is a list of products."""
    return {"ui": {"resourceUri": VIEW_URI}, "openai/outputTemplate": VIEW_URI}


def resource_meta() -> dict[str, Any]:
    """``_meta`` of the view resource (its listing and its ``resources/read`` content)."""
    return {
        "ui": {
            "csp": {"resourceDomains": list(IMAGE_ORIGINS), "connectDomains": []},
            "permissions": {"clipboardWrite": {}},  # the promo code's Copy button
            "prefersBorder": False,
            "linkTrustedDomains": list(LINK_ORIGINS),
        },
        "openai/widgetCSP": {
            "resource_domains": list(IMAGE_ORIGINS),
            "connect_domains": [],
            "redirect_domains": list(LINK_ORIGINS),
        },
        "openai/widgetPrefersBorder": False,
        "openai/widgetDescription": DESCRIPTION,
    }
