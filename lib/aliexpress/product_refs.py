"""Product references: product IDs, AliExpress product URLs in their common forms."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# ASCII digits only: Python's \d also matches Arabic-Indic and full-width digits.
PRODUCT_ID_PATTERN = r"[0-9]{6,20}"
_PRODUCT_ID = re.compile(PRODUCT_ID_PATTERN)
_ALIEXPRESS_HOST = re.compile(r"(?:[a-z0-9-]+\.)*aliexpress\.(?:[a-z]{2,3})(?:\.[a-z]{2})?")
# /item/ID.html, /item/Some-Title/ID.html, /i/ID.html, /store/product/x/STORE_ID.html
_ITEM_PATH = re.compile(r"/(?:item|i)/(?:[^/]+/)?([0-9]{6,20})\.html?$")
_STORE_PRODUCT_PATH = re.compile(r"/store/product/[^/]+/[0-9]+_([0-9]{6,20})\.html?$")


def is_aliexpress_url(url: str) -> bool:
    """True for an absolute http(s) URL on an AliExpress host (any country/subdomain)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(_ALIEXPRESS_HOST.fullmatch(host))


# Links that carry the product page they lead to as a parameter: affiliate deep
# links (s.click.aliexpress.com/deep_link.htm?dl_target_url=...) and the app's share
# page (star.aliexpress.com/share/share.htm?redirectUrl=...).
_TARGET_KEYS = ("dl_target_url", "redirectUrl")


def product_id_from_url(url: str, *, nested: bool = True) -> str | None:
    """The product ID in an AliExpress product URL of any common form, else ``None``."""
    if not is_aliexpress_url(url):
        return None
    parts = urlsplit(url.strip())
    for pattern in (_ITEM_PATH, _STORE_PRODUCT_PATH):
        match = pattern.search(parts.path)
        if match:
            return match.group(1)
    query = parse_qs(parts.query)
    for key in ("productId", "product_id", "itemId"):
        for candidate in query.get(key, []):
            if _PRODUCT_ID.fullmatch(candidate):
                return candidate
    if nested:  # one level: the target itself must be a plain product URL
        for key in _TARGET_KEYS:
            for target in query.get(key, []):
                found = product_id_from_url(target, nested=False)
                if found:
                    return found
    return None


def parse_product_ref(ref: str) -> str | None:
    """A product ID from a bare ID or an AliExpress product URL, else ``None``."""
    ref = ref.strip()
    if _PRODUCT_ID.fullmatch(ref):
        return ref
    return product_id_from_url(ref)


def unknown_product_message(product_id: str) -> str:
    """What a 404 for a product says: the affiliate API only knows affiliate products."""
    return (
        f"No AliExpress product with ID {product_id} in the affiliate programme. It may "
        "exist on AliExpress but not be offered to affiliates (0% commission): such "
        "products are not available through the affiliate API."
    )
