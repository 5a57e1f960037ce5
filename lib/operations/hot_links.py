"""Hot-product links: a product AliExpress marks as hot gets a link that earns its hot rate.

A hot product pays ``hot_product_commission_rate`` instead of ``commission_rate`` only
when its link was made as a hot-product link (``link.generate`` with
``promotion_link_type=2``, CONTRACT §9); the ``promotion_link`` a product search sends is
an ordinary one. So every operation that answers with products passes them through
:func:`with_hot_links`: the hot ones (a hot rate above 0 and an affiliate link) get one
batched ``link.generate`` call of type 2 for the channel's tracking ID, and the answer
says which link it is (``link_type``) and what it earns (``link_commission_rate_percent``).
If that call fails, the products keep their ordinary links: a shopper's answer never fails
for a better commission, and the request log says why (``hot_links``).

Verified against published SDK models (not the live gateway, which we cannot reach):
- sergioteula/python-aliexpress-api ``models/request_parameters.py``: ``LinkType``
  ``NORMAL = 0``, ``HOTLINK = 2``, sent as ``promotion_link_type`` by its
  ``get_affiliate_links``;
- ``hot_product_commission_rate`` is a product field there (``models/product.py``), in
  bububa/opentaobao ``model/aecreatives/Product.go`` and in moh3a/ae_sdk
  ``Affiliate_Base_Product_Details``, a percent string like ``commission_rate``.
NOT verified, and assumed here: that a type-2 link earns exactly the hot rate the product
record states; what type 2 does for a product that is not hot (we never ask for that);
and whether ``hotproduct.query``'s own ``promotion_link`` is already a hot link (we make
one either way: at worst the same link, one cached call more).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from lib.aliexpress.client import HOT_LINK, AliExpressClient
from lib.aliexpress.errors import AliExpressError
from lib.aliexpress.models import Product, ProductPage, SimilarPage
from lib.http.context import annotate

# Bounds the extra call: the page is already here, the better link must not delay it long.
HOT_LINK_DEADLINE = 4.0
LINKS_PER_CALL = 20  # as /api/links asks: source_values is one comma-separated parameter


async def with_hot_links[P: Product](client: AliExpressClient, products: Sequence[P]) -> list[P]:
    """``products`` with hot-product links where AliExpress marks them hot."""
    hot_urls = list(dict.fromkeys(p.url for p in products if _is_hot(p) and p.url))
    if not hot_urls or client.tracking_id is None:
        return list(products)
    batches = [hot_urls[i : i + LINKS_PER_CALL] for i in range(0, len(hot_urls), LINKS_PER_CALL)]
    try:
        answers = await asyncio.gather(
            *(
                client.promotion_links(
                    batch, client.tracking_id, link_type=HOT_LINK, deadline=HOT_LINK_DEADLINE
                )
                for batch in batches
            )
        )
    except AliExpressError as error:
        annotate(hot_links=error.code)  # ordinary links stay: they still earn
        return list(products)
    made = {url: link for answer in answers for url, link in answer.items()}
    annotate(hot_links=len(made))
    return [_hot(p, made[p.url]) if _is_hot(p) and p.url in made else p for p in products]


async def hot_page[Page: (ProductPage, SimilarPage)](client: AliExpressClient, page: Page) -> Page:
    """A page of products whose hot products carry hot-product links."""
    return page.model_copy(update={"products": await with_hot_links(client, page.products)})


def _is_hot(product: Product) -> bool:
    rate = product.hot_commission_rate_percent
    return rate is not None and rate > 0 and product.affiliate_url is not None


def _hot[P: Product](product: P, affiliate_url: str) -> P:
    return product.model_copy(
        update={
            "affiliate_url": affiliate_url,
            "link_type": "hot",
            "link_commission_rate_percent": product.hot_commission_rate_percent,
        }
    )
