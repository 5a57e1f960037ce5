"""The proxy's operations, each implemented once, for every way of calling it.

An operation is a pydantic input model (every parameter, its constraints and its
description: the source of the REST parameters, the GPT spec and the MCP tool's
``inputSchema``) and one async function ``(client, settings, params) -> answer``
that does all cross-field validation and the upstream call, raising the problems
of ``lib.http.errors`` and ``lib.aliexpress.errors``. Transports stay thin:
FastAPI routes (``lib.routes``) and MCP tools (``lib.mcp``) both call these.

No web framework is imported here.

    lib.operations.products     search_products, hot_products, get_product, get_products
    lib.operations.links        affiliate_links
    lib.operations.categories   list_categories
"""
