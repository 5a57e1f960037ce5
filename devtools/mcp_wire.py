"""Raw MCP requests of both protocol generations, and example arguments for every tool.

The 2026-07-28 generation (CONTRACT §7) has no handshake: each request carries its
protocol version and client capabilities in ``params._meta`` and, on HTTP, the
``MCP-Protocol-Version``, ``Mcp-Method`` and (for ``tools/call``, ``resources/read``)
``Mcp-Name`` headers. Spec: modelcontextprotocol/modelcontextprotocol
``docs/specification/2026-07-28/basic/transports.mdx``. Used by the tests, the client
check and the bench, so all of them speak the same wire.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MODERN_VERSION = "2026-07-28"
HANDSHAKE_VERSION = "2025-06-18"
VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
ENVELOPE = {VERSION_KEY: MODERN_VERSION, CAPABILITIES_KEY: {}}
JSON_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
# The name header carries this parameter of the body (2026-07-28 transports).
NAMED = {"tools/call": "name", "resources/read": "uri", "prompts/get": "name"}


def modern_message(
    method: str, params: Mapping[str, Any] | None = None, *, request_id: int | None = 1
) -> dict[str, Any]:
    """A 2026-07-28 JSON-RPC message: ``params._meta`` carries the envelope."""
    message: dict[str, Any] = {
        "jsonrpc": "2.0",
        "method": method,
        "params": {**(params or {}), "_meta": dict(ENVELOPE)},
    }
    if request_id is not None:
        message["id"] = request_id
    return message


def modern_headers(message: Mapping[str, Any]) -> dict[str, str]:
    """The HTTP headers a 2026-07-28 client sends with ``message``."""
    headers = {
        **JSON_HEADERS,
        "mcp-protocol-version": message["params"]["_meta"][VERSION_KEY],
        "mcp-method": message["method"],
    }
    if (name := NAMED.get(message["method"])) is not None:
        headers["mcp-name"] = str(message["params"][name])
    return headers


def modern_request(
    method: str, params: Mapping[str, Any] | None = None, *, request_id: int | None = 1
) -> tuple[dict[str, str], bytes]:
    """Headers and body of one 2026-07-28 POST."""
    message = modern_message(method, params, request_id=request_id)
    return modern_headers(message), json.dumps(message).encode()


# Example values by argument name, for the arguments a tool requires. A tool that
# requires an argument not listed here fails the tests that call every tool, by name.
def sample_arguments(product_id: str) -> dict[str, Any]:
    url = f"https://www.aliexpress.com/item/{product_id}.html"
    return {
        "ids": [product_id, url],
        "urls": [url],
        "product_id": product_id,
        "name": "weeklydeals",
        "q": "phone case",
        "ship_to": "US",
        "parent_id": "509",
    }


def example_arguments(input_schema: Mapping[str, Any], product_id: str) -> dict[str, Any]:
    """Arguments that satisfy ``input_schema``'s required properties, plus keywords
    (``q``) where a tool takes them: a search needs keywords or a category."""
    samples = sample_arguments(product_id)
    wanted = [*input_schema.get("required", [])]
    if "q" in input_schema.get("properties", {}):
        wanted.append("q")
    missing = [name for name in wanted if name not in samples]
    if missing:
        raise LookupError(f"no example value for required argument(s) {missing}: add them")
    return {name: samples[name] for name in wanted}
