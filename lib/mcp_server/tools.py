"""The operations of ``lib.operations`` as MCP tools (CONTRACT §7).

A :class:`ToolDefinition` pairs an operation with what a model needs to call it:
a name, a description written for a model, the operation's input model (its JSON
schema is the tool's ``inputSchema``) and its answer model (``outputSchema``).
:func:`run_tool` validates the arguments with the same model the REST route uses,
calls the same operation and returns ``structuredContent`` equal to the REST JSON,
plus a short text for clients that read only text. Every contract problem (bad
arguments, upstream failure, missing configuration) becomes a tool result with
``isError: true`` carrying the REST error envelope, so the model can correct itself.

Adding a tool is one more ``ToolDefinition`` (an operation of ``lib.operations``
with its params and answer models) appended to ``TOOLS``. An MCP Apps view is a
``meta={"ui": {"resourceUri": "ui://..."}}`` on the definition plus the ``ui://``
resource passed to ``lib.mcp_server.app.create_mcp_app(resources=[...])``
(tests/mcp_server/test_tools.py shows both).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

from lib.aliexpress.category_models import CategoryList
from lib.aliexpress.client import AliExpressClient
from lib.aliexpress.delivery_models import Shipping, VariantList
from lib.aliexpress.errors import AliExpressError
from lib.aliexpress.link_models import LinkBatch
from lib.aliexpress.models import ProductBatch, ProductPage, SimilarPage
from lib.aliexpress.promotion_models import PromotionList
from lib.config import Settings, get_settings
from lib.http.context import annotate, current_request_id
from lib.http.errors import HTTPProblem, error_document
from lib.http.rate_limit import enforce_client_rate_limit
from lib.operations import categories, delivery, links, products, promotions
from lib.operations.params import parse_params
from lib.upstream import ClientProvider

Operation = Callable[[AliExpressClient, Settings, Any], Awaitable[BaseModel]]

# Every tool reads the AliExpress catalogue: nothing is changed, the world is open.
CATALOGUE_READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=True)
TEXT_LINES = 10  # products listed in the text content; the full answer is structured


@dataclass(frozen=True)
class ToolDefinition:
    """One MCP tool over one operation.

    ``meta`` is the tool's ``_meta`` (e.g. ``{"ui": {"resourceUri": "ui://..."}}``
    for an MCP Apps view); ``summarize`` writes the short text content.
    """

    name: str
    title: str
    description: str
    params: type[BaseModel]
    output: type[BaseModel]
    operation: Operation
    summarize: Callable[[Any], str]
    annotations: ToolAnnotations = field(default_factory=lambda: CATALOGUE_READ)
    meta: Mapping[str, Any] | None = None

    def input_schema(self) -> dict[str, Any]:
        return self.params.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.output.model_json_schema()


async def run_tool(
    definition: ToolDefinition, arguments: Mapping[str, Any], clients: ClientProvider
) -> CallToolResult:
    """One ``tools/call``: the operation's answer, or its problem as a tool error."""
    try:
        params = parse_params(definition.params, lenient_lists(definition.params, arguments))
        settings = get_settings()
        await enforce_client_rate_limit(settings)
        # Every tool call is the mcp channel: its links carry ALIEXPRESS_TRACKING_ID_MCP.
        annotate(channel="mcp")
        answer = await definition.operation(clients.get(settings, "mcp"), settings, params)
    except (HTTPProblem, AliExpressError) as problem:
        annotate(tool_error=problem.code)
        return tool_error(problem.code, problem.message)
    return CallToolResult(
        content=[TextContent(type="text", text=definition.summarize(answer))],
        structured_content=answer.model_dump(mode="json"),
    )


def tool_error(code: str, message: str) -> CallToolResult:
    """The REST error envelope as the text of an ``isError`` result."""
    document = error_document(code, message, current_request_id())
    text = json.dumps(document, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def lenient_lists(model: type[BaseModel], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Models sometimes send a list argument as a JSON string or one bare value."""
    fixed = dict(arguments)
    for name, info in model.model_fields.items():
        value = fixed.get(name)
        if not isinstance(value, str) or typing.get_origin(info.annotation) is not list:
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = None
        fixed[name] = decoded if isinstance(decoded, list) else [value]
    return fixed


# -- short text for clients without structured output -------------------------------


def _product_line(product: Any) -> str:
    price = (
        f"{product.price.amount} {product.price.currency or ''}".strip() if product.price else "?"
    )
    link = product.affiliate_url or product.url or ""
    coupon = product.promo_code.code if product.promo_code else None
    return f"- {product.title or 'untitled'} | {price} | id {product.id} | {link}" + (
        f" | coupon {coupon}" if coupon else ""
    )


def summarize_page(page: ProductPage) -> str:
    head = f"Page {page.page}: {len(page.products)} of {page.total} products" + (
        " (more pages)." if page.has_more else "."
    )
    return "\n".join([head, *(_product_line(p) for p in page.products[:TEXT_LINES])])


def summarize_batch(batch: ProductBatch) -> str:
    head = f"{len(batch.products)} products found"
    head += f"; not found: {', '.join(batch.not_found)}." if batch.not_found else "."
    return "\n".join([head, *(_product_line(p) for p in batch.products[:TEXT_LINES])])


def summarize_links(batch: LinkBatch) -> str:
    lines = [f"{len(batch.links)} affiliate links (tracking ID {batch.tracking_id}):"]
    lines += [f"- {link.url} -> {link.affiliate_url or 'no link'}" for link in batch.links]
    return "\n".join(lines)


def summarize_similar(page: SimilarPage) -> str:
    head = f"Page {page.page}: {len(page.products)} similar products" + (
        " (more pages)." if page.has_more else "."
    )
    return "\n".join([head, *(_product_line(p) for p in page.products[:TEXT_LINES])])


def summarize_promotions(listing: PromotionList) -> str:
    lines = [f"{len(listing.promotions)} featured promotions (pass a name to promotion_products):"]
    for promotion in listing.promotions:
        count = "?" if promotion.product_count is None else promotion.product_count
        lines.append(f"- {promotion.name}: {promotion.description or ''} ({count} products)")
    return "\n".join(lines)


def summarize_categories(listing: CategoryList) -> str:
    shown = ", ".join(f"{c.name} ({c.id})" for c in listing.categories[:30])
    more = len(listing.categories) - 30
    return f"{len(listing.categories)} categories: {shown}" + (
        f", and {more} more." if more > 0 else "."
    )


# -- the catalogue ---------------------------------------------------------------------


def delivery_line(shipping: Shipping) -> str:
    """ "Free shipping to DE · 7-12 days", "Shipping to DE 2.99 USD · 7-12 days"."""
    if not shipping.ships:
        return f"Product {shipping.product_id} does not ship to {shipping.ship_to}."
    if shipping.free_shipping:
        line = f"Free shipping to {shipping.ship_to}"
    elif shipping.fee is not None:
        fee = shipping.fee
        line = f"Shipping to {shipping.ship_to} {fee.amount} {fee.currency or ''}".rstrip()
    else:
        line = f"Ships to {shipping.ship_to} (fee unknown)"
    low, high = shipping.min_delivery_days, shipping.max_delivery_days
    if low is not None and high is not None:
        line += f" · {low}–{high} days" if low != high else f" · {low} days"
    if shipping.ship_from:
        line += f" (from {shipping.ship_from})"
    return line


def summarize_variants(listing: VariantList) -> str:
    options = "; ".join(f"{o.name}: {', '.join(o.values)}" for o in listing.options)
    lines = [f"{len(listing.variants)} variants" + (f" ({options})" if options else "")]
    for variant in listing.variants[: TEXT_LINES * 3]:
        name = " / ".join(a.value for a in variant.attributes) or "default"
        price = f"{variant.price.amount} {variant.price.currency or ''}" if variant.price else "?"
        sold_out = " (sold out)" if variant.available is False else ""
        lines.append(f"- {name}: {price.rstrip()}{sold_out} [sku_id {variant.sku_id}]")
    return "\n".join(lines)


SEARCH_PRODUCTS = ToolDefinition(
    name="search_products",
    title="Search AliExpress products",
    description=(
        "Search AliExpress for products matching keywords (q) and/or a category_id. Returns one "
        "page of products with title, price, original price, discount, rating, orders, image, "
        "shop and affiliate_url. Use it when the user wants to find or compare products. Give "
        "q in plain words (e.g. 'usb c charger'); narrow with min_price/max_price (in currency "
        "units), sort (price_asc, price_desc, orders_desc for best sellers) and "
        "max_delivery_days. Set ship_to, currency and language to the user's country, currency "
        "and language. Share affiliate_url with the user, not url. Ask for the next page with page."
    ),
    params=products.ProductSearchParams,
    output=ProductPage,
    operation=products.search_products,
    summarize=summarize_page,
)

HOT_PRODUCTS = ToolDefinition(
    name="hot_products",
    title="Hot AliExpress products",
    description=(
        "List hot products: popular AliExpress products with high affiliate commission. Use it "
        "for 'what is trending', gift ideas or deals, optionally narrowed by q, category_id and "
        "price. Same answer shape and parameters as search_products; q is optional here."
    ),
    params=products.ProductSearchParams,
    output=ProductPage,
    operation=products.hot_products,
    summarize=summarize_page,
)

GET_PRODUCTS = ToolDefinition(
    name="get_products",
    title="Get AliExpress products by ID or URL",
    description=(
        "Full details of 1-20 products: all images, video, price, rating, shop and "
        "affiliate_url. Pass ids as a list of product IDs (e.g. '1005006123456789') or "
        "AliExpress product URLs the user pasted. IDs AliExpress does not know are listed in "
        "not_found. Use it when the user gives a product link or asks about a product from an "
        "earlier search."
    ),
    params=products.ProductBatchParams,
    output=ProductBatch,
    operation=products.get_products,
    summarize=summarize_batch,
)

AFFILIATE_LINKS = ToolDefinition(
    name="affiliate_links",
    title="Make AliExpress affiliate links",
    description=(
        "Turn 1-20 AliExpress URLs (product, store or promotion pages) into tracked affiliate "
        "links, in the same order. Use it when the user shares AliExpress links and wants "
        "shareable ones; products from search already carry affiliate_url. affiliate_url is "
        "null where AliExpress could not make a link."
    ),
    params=links.AffiliateLinksParams,
    output=LinkBatch,
    operation=links.affiliate_links,
    summarize=summarize_links,
)

LIST_CATEGORIES = ToolDefinition(
    name="list_categories",
    title="List AliExpress categories",
    description=(
        "The AliExpress category tree: top-level categories have parent_id null; pass "
        "parent_id to list one category's children. Use a category's id as category_id in "
        "search_products or hot_products to browse a category."
    ),
    params=categories.CategoryParams,
    output=CategoryList,
    operation=categories.list_categories,
    summarize=summarize_categories,
)

LIST_PROMOTIONS = ToolDefinition(
    name="list_promotions",
    title="List AliExpress's featured deals",
    description=(
        "AliExpress's featured promotions: deal lists such as Hot Product, New Arrival, Best "
        "Seller and weeklydeals, each with a description and how many products it holds. Use it "
        "when the user asks for today's deals, what is on sale, best sellers or new arrivals, "
        "then pass a promotion's name to promotion_products. Takes no arguments."
    ),
    params=promotions.PromotionListParams,
    output=PromotionList,
    operation=promotions.list_promotions,
    summarize=summarize_promotions,
)

PROMOTION_PRODUCTS = ToolDefinition(
    name="promotion_products",
    title="Products on an AliExpress deal list",
    description=(
        "One page of the products in a featured promotion (name from list_promotions, e.g. "
        "'weeklydeals' or 'Best Seller'). Use it for deals, discounts and coupons: a product's "
        "promo_code, when present, is a coupon code the shopper enters at checkout (show code, "
        "value, min_spend and ends_at). Same answer as search_products; narrow with category_id, "
        "sort and page; set ship_to, currency and language to the user's. An unknown name gives "
        "an empty page."
    ),
    params=promotions.PromotionProductsParams,
    output=ProductPage,
    operation=promotions.promotion_products,
    summarize=summarize_page,
)

SIMILAR_PRODUCTS = ToolDefinition(
    name="similar_products",
    title="Find similar AliExpress products",
    description=(
        "Products similar to one product: use it for 'more like this', alternatives or other "
        "options once you have a product_id (from a search, or the number in an AliExpress "
        "/item/<id>.html URL). The product itself is never among them; has_more says whether "
        "page + 1 has more. Same product fields as search_products; share affiliate_url."
    ),
    params=products.SimilarProductsParams,
    output=SimilarPage,
    operation=products.similar_products,
    summarize=summarize_similar,
)

GET_SHIPPING = ToolDefinition(
    name="get_shipping",
    title="Shipping fee and delivery time of an AliExpress product",
    description=(
        "What delivering one product to a country costs and how long it takes: use it for "
        "'how much is shipping to Germany?' or 'when would it arrive?'. Pass product_id and "
        "ship_to (e.g. 'DE'); sku_id (from get_variants) for one colour/size. ships=false "
        "means AliExpress does not deliver it there: say so, it is not an error. Delivery days "
        "are AliExpress's estimates; fee is in currency."
    ),
    params=delivery.ShippingParams,
    output=Shipping,
    operation=delivery.get_shipping,
    summarize=lambda shipping: delivery_line(shipping),
)

GET_VARIANTS = ToolDefinition(
    name="get_variants",
    title="Variants (colour, size...) of an AliExpress product",
    description=(
        "Every variant (SKU) of one product with its attributes (colour, size, model...), "
        "price and stock: use it for 'does it come in blue, size M, and what does that one "
        "cost?'. options lists each attribute's values; find the variant whose attributes "
        "match and quote its price; pass its sku_id to get_shipping for that variant's "
        "shipping. available=false means sold out."
    ),
    params=delivery.VariantsParams,
    output=VariantList,
    operation=delivery.get_variants,
    summarize=lambda listing: summarize_variants(listing),
)

TOOLS: tuple[ToolDefinition, ...] = (
    SEARCH_PRODUCTS,
    HOT_PRODUCTS,
    GET_PRODUCTS,
    AFFILIATE_LINKS,
    LIST_CATEGORIES,
    LIST_PROMOTIONS,
    PROMOTION_PRODUCTS,
    SIMILAR_PRODUCTS,
    GET_SHIPPING,
    GET_VARIANTS,
)
