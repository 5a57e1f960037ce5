"""The MCP function as deployed (api/mcp_fn/index.py) offers the product-cards view:
product tools link it, the resource serves the checked-in document with its metadata."""

from __future__ import annotations

import importlib.util
from typing import Any

import httpx2
import pytest

from lib import product_view
from lib.mcp_server.endpoint import McpEndpoint
from tests.mcp_server.conftest import PUBLIC_URL, mcp_session

pytestmark = pytest.mark.anyio
PRODUCT_TOOLS = {
    "search_products",
    "hot_products",
    "get_products",
    "promotion_products",
    "similar_products",
    "get_shipping",  # a delivery line
    "get_variants",  # a variant picker
}


@pytest.fixture
def deployed_app() -> McpEndpoint:
    """``app`` of api/mcp_fn/index.py, loaded by file path as Vercel's runtime does."""
    spec = importlib.util.spec_from_file_location("api.mcp_fn.index", "api/mcp_fn/index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def session(app: Any):
    return mcp_session(PUBLIC_URL, httpx2.ASGITransport(app=app))


async def test_product_tools_link_the_view_and_the_others_do_not(deployed_app) -> None:
    async with session(deployed_app) as (client, _):
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name, tool in tools.items():
        if name in PRODUCT_TOOLS:
            assert tool.meta == product_view.tool_meta(), name
        else:
            assert not (tool.meta or {}).get("ui"), name
    assert set(tools) >= PRODUCT_TOOLS


async def test_view_resource_is_listed_with_its_metadata(deployed_app) -> None:
    async with session(deployed_app) as (client, _):
        resources = (await client.list_resources()).resources
    view = next(r for r in resources if str(r.uri) == product_view.VIEW_URI)
    assert view.mime_type == "text/html;profile=mcp-app"
    assert view.meta == product_view.resource_meta()


async def test_reading_the_view_returns_the_self_contained_document(deployed_app) -> None:
    async with session(deployed_app) as (client, _):
        contents = (await client.read_resource(product_view.VIEW_URI)).contents
    assert len(contents) == 1
    assert contents[0].mime_type == "text/html;profile=mcp-app"
    assert contents[0].text == product_view.assemble()
    assert contents[0].meta["ui"]["csp"]["resourceDomains"] == list(product_view.IMAGE_ORIGINS)
