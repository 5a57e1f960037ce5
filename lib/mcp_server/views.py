"""MCP Apps in the MCP function: the product-cards view and the tools that link to it.

The view itself (document, URI, ``_meta`` for each kind of host, sources) is
:mod:`lib.product_view`; this module hands it to the SDK. The ``ui://`` resource goes
through the SDK's MCP Apps extension (``mcp.server.apps.Apps``), which also advertises
``io.modelcontextprotocol/ui`` in the server's capabilities. ``Apps.tool()`` registers
plain functions, while our tools are :class:`~lib.mcp_server.tools.ToolDefinition`
entries over the shared operations, so the tools get their ``_meta`` here instead:
every tool whose answer is a product list (a page or a batch) links to the view, so
a new product tool (promotion products, similar products) is linked by its output
model alone. Hosts without MCP Apps ignore ``_meta`` and keep the text and
``structuredContent``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from mcp.server.apps import Apps
from mcp.server.mcpserver.resources import FunctionResource

from lib import product_view
from lib.aliexpress.delivery_models import Shipping, VariantList
from lib.aliexpress.models import ProductBatch, ProductPage, SimilarPage
from lib.mcp_server.tools import ToolDefinition

# Shipping and variants are drawn too: a delivery line, a variant picker.
PRODUCT_ANSWERS = (ProductPage, ProductBatch, SimilarPage, Shipping, VariantList)


def shows_products(tool: ToolDefinition) -> bool:
    return issubclass(tool.output, PRODUCT_ANSWERS)


def with_product_view(tools: Iterable[ToolDefinition]) -> tuple[ToolDefinition, ...]:
    """The tools, each product tool with the view's ``_meta`` added to its own."""
    return tuple(
        dataclasses.replace(tool, meta={**(tool.meta or {}), **product_view.tool_meta()})
        if shows_products(tool)
        else tool
        for tool in tools
    )


def product_view_extension() -> Apps:
    """The SDK's Apps extension holding the view; its document is built on first read."""
    apps = Apps()
    apps.add_resource(
        FunctionResource(
            uri=product_view.VIEW_URI,
            name="product_cards",
            title="AliExpress product cards",
            description=product_view.DESCRIPTION,
            mime_type=product_view.MIME_TYPE,
            meta=product_view.resource_meta(),
            fn=product_view.view_html,
        )
    )
    return apps
