"""The MCP server: the SDK's ``MCPServer`` holding this project's tools.

``build_server`` turns :class:`~lib.mcp_server.tools.ToolDefinition` entries into
the SDK's tools. Arguments reach :func:`~lib.mcp_server.tools.run_tool` untouched:
it validates them with the operation's own input model (the ``inputSchema`` it
publishes), so a bad argument is the contract's ``invalid_request`` tool error
rather than the SDK's generic text, and REST and MCP cannot disagree on a rule.
The ``outputSchema`` is the answer model's JSON schema; results are dumps of that
model, so they match it by construction (a test checks them against the schema).

Honest capabilities (CONTRACT §7): the server is stateless, so it never notifies a
client. ``subscriptions=False`` drops the SDK's ``subscriptions/listen``, from which
the SDK derives ``listChanged`` and ``resources.subscribe`` at 2026-07-28; at handshake
versions they come from the (default, all-off) notification options. The lists never
change within a deployment, so their results (and ``server/discover``'s) carry
``ttlMs``/``cacheScope`` (SEP-2549, the SDK's ``cache_hints``): an hour, ``public``
since no list depends on who asks. A new deployment may change them; an hour bounds
how long a client keeps the old ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mcp.server.caching import CacheableMethod, CacheHint
from mcp.server.context import CallNext, ServerRequestContext
from mcp.server.extension import Extension
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import Resource
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from pydantic import ConfigDict

from lib.http.context import annotate
from lib.mcp_server.tools import TOOLS, ToolDefinition, run_tool
from lib.upstream import ClientProvider

SERVER_NAME = "aliexpress-affiliate"
SERVER_VERSION = "1.0.0"
INSTRUCTIONS = (
    "Tools for shopping on AliExpress with affiliate links. Find products with "
    "search_products (keywords in q, or a category_id from list_categories) or hot_products "
    "(popular, high-commission items). Get full details, images and video for product IDs or "
    "AliExpress URLs with get_products. Turn AliExpress URLs the user pastes into affiliate "
    "links with affiliate_links. For deals, sales and coupons use list_promotions, then "
    "promotion_products with a promotion's name; a product's promo_code is a coupon code for "
    "checkout. For 'more like this' use similar_products with a product_id. "
    "For shipping cost and delivery time to a country use get_shipping; for colours, sizes "
    "and each variant's price use get_variants. "
    "Set ship_to, currency and language to the user's country, "
    "currency and language. Always share affiliate_url with the user, never the plain url. "
    "Prices are decimal strings in the requested currency. A result with isError carries "
    '{"error": {"code", "message"}}: invalid_request means fix the argument the message '
    "names; rate_limited or upstream_timeout means try again shortly."
)
MAX_LOGGED_NAME = 64
LIST_TTL_MS = 3_600_000
STATIC_LISTS: dict[CacheableMethod, CacheHint] = {
    method: CacheHint(ttl_ms=LIST_TTL_MS, scope="public")
    for method in (
        "server/discover",
        "tools/list",
        "resources/list",
        "resources/templates/list",
        "resources/read",
        "prompts/list",
    )
}


class _UncheckedArguments(ArgModelBase):
    """Passes a call's arguments through as one dict; ``run_tool`` validates them."""

    model_config = ConfigDict(extra="allow")

    def model_dump_one_level(self) -> dict[str, Any]:
        return {"arguments": dict(self.model_extra or {})}


def sdk_tool(definition: ToolDefinition, clients: ClientProvider) -> Tool:
    async def call(arguments: dict[str, Any]) -> Any:
        return await run_tool(definition, arguments, clients)

    return Tool(
        fn=call,
        name=definition.name,
        title=definition.title,
        description=definition.description,
        parameters=definition.input_schema(),
        # The schema without the model: the answer is a dump of that very model, so the
        # SDK's second validation of every result would only cost time.
        fn_metadata=FuncMetadata(
            arg_model=_UncheckedArguments, output_schema=definition.output_schema()
        ),
        is_async=True,
        annotations=definition.annotations,
        meta=dict(definition.meta) if definition.meta else None,
    )


async def log_jsonrpc_method(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
    """Name the JSON-RPC method (and the tool) on the request's log line."""
    annotate(jsonrpc_method=ctx.method[:MAX_LOGGED_NAME])
    if ctx.method == "tools/call" and ctx.params:
        annotate(tool=str(ctx.params.get("name"))[:MAX_LOGGED_NAME])
    return await call_next(ctx)


def build_server(
    tools: Iterable[ToolDefinition] = TOOLS,
    *,
    clients: ClientProvider,
    resources: Sequence[Resource] = (),
    extensions: Sequence[Extension] = (),
) -> MCPServer[Any]:
    """An MCPServer with these tools, plus any resources (e.g. ``ui://`` views) and
    SDK extensions (e.g. ``mcp.server.apps.Apps``)."""
    return MCPServer(
        SERVER_NAME,
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        tools=[sdk_tool(definition, clients) for definition in tools],
        resources=list(resources),
        extensions=extensions,
        middleware=[log_jsonrpc_method],
        log_level="WARNING",
        subscriptions=False,
        cache_hints=STATIC_LISTS,
    )
