"""Black-box probes (path -> expected status and body) for every function.

One list, used by the runtime tests (functions loaded from source through
``vercel_runtime``) and by ``make vercel-check`` (functions started from the
build output). Each function is run in a fresh process, as a cold start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INVOKER = Path(__file__).with_name("vercel_invoke.py")
PRODUCT_URL = "https://www.aliexpress.com/item/{id}.html"
# Days the fake gateway's catalog has orders on.
ORDERS = "/api/orders?start=2026-11-01&end=2026-11-28"
ORDERS_SUMMARY = "/api/orders/summary?start=2026-09-01&end=2026-11-28"
# A deployment's Host: the MCP SDK's default refuses every non-localhost one (421).
PUBLIC_HOST = "aliexpress-proxy.vercel.app"
MCP_HEADERS = {
    "host": PUBLIC_HOST,
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
}


@dataclass(frozen=True)
class Probe:
    function: str
    path: str
    status: int
    key: str | None = None  # a top-level key the JSON body must have
    code: str | None = None  # the error code, for error answers
    headers: Mapping[str, str] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)  # top-level key -> value
    headers_out: Mapping[str, str] = field(default_factory=dict)  # response headers
    method: str = "GET"
    body: str = ""
    tool_error: str | None = None  # MCP: the code of an isError tool result

    def event(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "headers": dict(self.headers),
            "body": self.body,
        }

    def failures(self, result: Mapping[str, Any]) -> list[str]:
        where = f"{self.function} {self.method} {self.path}"
        found = []
        if result["status"] != self.status:
            found.append(f"{where}: status {result['status']}, expected {self.status}")
        if "x-request-id" not in result["headers"]:
            found.append(f"{where}: no X-Request-ID header")
        for name, value in self.headers_out.items():
            if result["headers"].get(name) != value:
                found.append(
                    f"{where}: {name}: {result['headers'].get(name)!r}, expected {value!r}"
                )
        try:
            body = json.loads(result["body"])
        except ValueError:
            return [*found, f"{where}: body is not JSON: {result['body'][:120]!r}"]
        if self.key and self.key not in body:
            found.append(f"{where}: no {self.key!r} in body")
        if self.code and body.get("error", {}).get("code") != self.code:
            found.append(f"{where}: error code {body.get('error')}, expected {self.code}")
        for name, value in self.expect.items():
            if body.get(name) != value:
                found.append(f"{where}: {name}={body.get(name)!r}, expected {value!r}")
        if self.tool_error and tool_error_code(body) != self.tool_error:
            found.append(f"{where}: {str(body)[:160]}, expected tool error {self.tool_error}")
        return found


def tool_error_code(body: Mapping[str, Any]) -> str | None:
    """The contract code of an ``isError`` tool result (its text is the error envelope)."""
    result = body.get("result") or {}
    if result.get("isError") is not True:
        return None
    try:
        return json.loads(result["content"][0]["text"])["error"]["code"]
    except (LookupError, TypeError, ValueError):
        return None


def mcp_probe(
    path: str,
    rpc_method: str,
    params: Mapping[str, Any] | None,
    status: int = 200,
    *,
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    **expected: Any,
) -> Probe:
    """A JSON-RPC request to the MCP function, with a public Host."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": rpc_method}
    if params is not None:
        message["params"] = dict(params)
    return Probe(
        "mcp_fn",
        path,
        status,
        method=method,
        body=json.dumps(message),
        headers={**MCP_HEADERS, **(headers or {})},
        **expected,
    )


INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "probe", "version": "1"},
}


def tool_call(name: str, /, **arguments: Any) -> dict[str, Any]:  # a tool may take `name`
    return {"name": name, "arguments": arguments}


def configured_probes(product_id: str, mode: str = "live") -> list[Probe]:
    """With credentials and a (fake) gateway behind them."""
    url = PRODUCT_URL.format(id=product_id)
    return [
        Probe("health", "/api/health", 200, expect={"status": "ok", "mode": mode}),
        Probe("health", "/health", 200, expect={"mode": mode}),
        Probe("health", "/api/health?deep=1", 200, key="upstream", expect={"status": "ok"}),
        Probe("health", "/no/such/page", 404, code="not_found"),
        Probe("products", "/api/products/search?q=phone+case", 200, key="products"),
        # Vercel's compiled rewrite adds ?path=<rest> to the query.
        Probe("products", "/api/products/search?q=phone+case&path=search", 200, key="products"),
        Probe("products", "/api/products/hot?page_size=3", 200, key="products"),
        Probe("products", f"/api/products/{product_id}", 200, expect={"id": product_id}),
        Probe("products", f"/api/products?ids={url},{product_id}", 200, key="not_found"),
        Probe("products", "/api/products/1005000000000001", 404, code="not_found"),
        Probe("products", "/api/products/search", 422, code="invalid_request"),
        Probe("products", "/api/products/search/more", 404, code="not_found"),
        # Short links off the list are refused before any request, so no network here.
        Probe("products", "/api/products?ids=https://evil.example/_x", 422, code="invalid_request"),
        Probe(
            "products",
            "/api/products?ids=https://a.aliexpress.com:8443/_x",
            422,
            code="invalid_request",
        ),
        Probe("links", f"/api/links?url={url}", 200, key="links"),
        # The channels' entrances (lib/http/channels.py), as vercel.json routes them.
        Probe("products", "/gpt/api/products/search?q=phone+case", 200, key="products"),
        Probe("links", f"/web/api/links?url={url}", 200, key="links"),
        Probe("promotions", "/gpt/api/promotions/products?name=weeklydeals", 200, key="products"),
        Probe("links", "/api/links?url=https://example.com/", 422, code="invalid_request"),
        Probe("categories", "/api/categories", 200, key="categories"),
        Probe("categories", "/api/categories?parent_id=509", 200, key="categories"),
        Probe("promotions", "/api/promotions", 200, key="promotions"),
        Probe("promotions", "/api/promotions/products?name=weeklydeals", 200, key="products"),
        Probe("promotions", "/api/promotions/products?name=Hot+Product&path=products", 200),
        Probe("promotions", "/api/promotions/products?name=None+Such", 200, expect={"total": 0}),
        Probe("promotions", "/api/promotions/products", 422, code="invalid_request"),
        Probe("promotions", "/api/promotions/other", 404, code="not_found"),
        Probe("products", f"/api/products/{product_id}/similar", 200, key="has_more"),
        Probe("products", "/api/products/12ab/similar", 422, code="invalid_request"),
        Probe("openapi_gpt", "/openapi-gpt.json", 200, key="paths", expect={"openapi": "3.1.0"}),
        Probe("openapi_gpt", "/api/openapi_gpt", 200, key="paths"),
        Probe("openapi_gpt", "/openapi-gpt.json/x", 404, code="not_found"),
        # OWNER_API_KEY unset: the owner routes stay shut, whoever asks.
        Probe("orders", ORDERS, 503, code="not_configured"),
        Probe("orders", ORDERS_SUMMARY, 503, code="not_configured"),
        mcp_probe("/mcp", "initialize", INITIALIZE, key="result"),
        mcp_probe("/api/mcp", "tools/list", None, key="result"),
        mcp_probe(
            "/api/mcp_fn", "tools/call", tool_call("search_products", q="phone"), key="result"
        ),
        mcp_probe("/mcp", "tools/call", tool_call("get_products", ids=[url]), key="result"),
        mcp_probe("/mcp", "tools/call", tool_call("affiliate_links", urls=[url]), key="result"),
        mcp_probe("/mcp", "tools/call", tool_call("list_categories"), key="result"),
        mcp_probe("/mcp", "tools/call", tool_call("list_promotions"), key="result"),
        mcp_probe(
            "/mcp", "tools/call", tool_call("promotion_products", name="weeklydeals"), key="result"
        ),
        mcp_probe(
            "/mcp", "tools/call", tool_call("similar_products", product_id=product_id), key="result"
        ),
        mcp_probe(
            "/mcp", "tools/call", tool_call("promotion_products"), tool_error="invalid_request"
        ),
        mcp_probe(
            "/mcp", "tools/call", tool_call("hot_products", page=0), tool_error="invalid_request"
        ),
        mcp_probe("/mcp", "no/such/method", None, key="error"),
        mcp_probe("/mcp", "tools/list", None, 405, method="GET", code="method_not_allowed"),
        mcp_probe("/mcp", "tools/list", None, 405, method="DELETE", code="method_not_allowed"),
        mcp_probe("/mcp/x", "tools/list", None, 404, code="not_found"),
        mcp_probe(
            "/mcp",
            "tools/list",
            None,
            403,
            headers={"origin": "https://evil.example"},
            code="forbidden",
        ),
    ]


# The short-link resolver's network, replaced in the function's process by the fake
# short-link hosts (demo links from catalog.json), which log every URL asked.
SHORT_LINK_DOUBLE = "devtools.fake_gateway.short_links:install"


def short_link_probes() -> list[Probe]:
    """Pasted app links, for a function process set up with :data:`SHORT_LINK_DOUBLE`."""
    ids = "/api/products?ids="
    return [
        Probe("products", ids + "https://a.aliexpress.com/_DemoCase", 200, key="products"),
        Probe("products", ids + "https://s.click.aliexpress.com/e/_DemoDeal", 200, key="products"),
        Probe("products", ids + "https://a.aliexpress.com/_DemoAway", 502, code="upstream_error"),
        Probe("products", ids + "https://a.aliexpress.com/_DemoLoop", 502, code="upstream_error"),
        Probe("products", ids + "https://a.aliexpress.com/_DemoStore", 422, code="invalid_request"),
        Probe("products", ids + "http://a.aliexpress.com/_DemoCase", 422, code="invalid_request"),
        Probe("links", "/api/links?url=https://a.aliexpress.com/_DemoCase", 200, key="links"),
    ]


def unconfigured_probes() -> list[Probe]:
    """An empty environment: every function still loads; data routes say 503."""
    return [
        Probe("health", "/api/health", 200, expect={"mode": "unconfigured"}),
        Probe("health", "/health", 200, expect={"mode": "unconfigured"}),
        Probe("products", "/api/products/search?q=phone", 503, code="not_configured"),
        Probe("products", "/api/products/hot", 503, code="not_configured"),
        Probe("products", "/api/products/1005006123456789", 503, code="not_configured"),
        Probe("products", "/api/products?ids=1005006123456789", 503, code="not_configured"),
        # Configuration is checked before parameters: unconfigured, every data route is 503.
        Probe("products", "/api/products/search", 503, code="not_configured"),
        Probe("links", f"/api/links?url={PRODUCT_URL.format(id=1)}", 503, code="not_configured"),
        Probe("categories", "/api/categories", 503, code="not_configured"),
        Probe("promotions", "/api/promotions", 503, code="not_configured"),
        Probe("promotions", "/api/promotions/products?name=x", 503, code="not_configured"),
        Probe("products", "/api/products/1005006123456789/similar", 503, code="not_configured"),
        Probe("openapi_gpt", "/openapi-gpt.json", 200, key="paths"),
        Probe("orders", ORDERS, 503, code="not_configured"),
        mcp_probe("/mcp", "initialize", INITIALIZE, key="result"),
        mcp_probe(
            "/mcp", "tools/call", tool_call("search_products", q="x"), tool_error="not_configured"
        ),
    ]


def auth_probes(api_key: str) -> list[Probe]:
    """With PROXY_API_KEY set: data routes need the bearer key; basic health does not."""
    good = {"authorization": f"Bearer {api_key}"}
    bad = {"authorization": "Bearer wrong"}
    return [
        Probe("health", "/health", 200),
        Probe("health", "/health?deep=1", 401, code="unauthorized"),
        Probe("products", "/api/products/search?q=case", 401, code="unauthorized"),
        Probe("products", "/api/products/search?q=case", 401, code="unauthorized", headers=bad),
        Probe("products", "/api/products/search?q=case", 200, key="products", headers=good),
        Probe("links", f"/api/links?url={PRODUCT_URL.format(id=1)}", 401, code="unauthorized"),
        Probe("categories", "/api/categories", 401, code="unauthorized"),
        Probe("categories", "/api/categories", 200, key="categories", headers=good),
        Probe("promotions", "/api/promotions", 401, code="unauthorized"),
        Probe("promotions", "/api/promotions", 200, key="promotions", headers=good),
        Probe("promotions", "/api/promotions/products?name=x", 401, code="unauthorized"),
        Probe("products", "/api/products/1005006123456789/similar", 401, code="unauthorized"),
        mcp_probe("/mcp", "tools/list", None, 401, code="unauthorized"),
        mcp_probe("/mcp", "tools/list", None, 401, code="unauthorized", headers=bad),
        mcp_probe("/mcp", "tools/list", None, 200, key="result", headers=good),
    ]


def owner_probes(owner_key: str, proxy_key: str) -> list[Probe]:
    """With OWNER_API_KEY (and PROXY_API_KEY) set: only the owner key opens the orders."""
    owner = {"authorization": f"Bearer {owner_key}"}
    proxy = {"authorization": f"Bearer {proxy_key}"}
    private = {"cache-control": "private, no-store"}
    return [
        Probe("orders", ORDERS, 401, code="unauthorized", headers_out=private),
        Probe("orders", ORDERS, 401, code="unauthorized", headers=proxy, headers_out=private),
        Probe("orders", ORDERS, 200, key="orders", headers=owner, headers_out=private),
        Probe("orders", ORDERS + "&status=paid&page_size=2", 200, key="orders", headers=owner),
        Probe("orders", ORDERS_SUMMARY, 200, key="by_status", headers=owner, headers_out=private),
        Probe("orders", ORDERS_SUMMARY, 401, code="unauthorized", headers=proxy),
        # Vercel's compiled rewrite adds ?path=<rest> to the query.
        Probe("orders", ORDERS_SUMMARY + "&path=summary", 200, key="totals", headers=owner),
        Probe(
            "orders",
            "/api/orders?start=2026-11-01&end=2026-02-30",
            422,
            code="invalid_request",
            headers=owner,
        ),
        Probe("orders", "/api/orders/nope", 404, code="not_found", headers=owner),
        Probe("products", "/api/products/hot", 401, code="unauthorized", headers=owner),
    ]


Invoke = Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]]


class InvocationFailed(RuntimeError):
    """The function process could not load or answer (FUNCTION_INVOCATION_FAILED)."""


def run_probes(invoke: Invoke, probes: list[Probe]) -> list[str]:
    """Run each function's probes in one fresh process; describe every failure."""
    failures: list[str] = []
    by_function: dict[str, list[Probe]] = {}
    for probe in probes:
        by_function.setdefault(probe.function, []).append(probe)
    for function, group in by_function.items():
        try:
            results = invoke(function, [probe.event() for probe in group])
        except InvocationFailed as exc:
            failures.append(f"{function}: {exc}")
            continue
        for probe, result in zip(group, results, strict=True):
            failures.extend(probe.failures(result))
    return failures


# Called with everything a function process wrote (results and log lines), so the
# test run can scan it for leaked secrets; LOG_OBSERVERS with its log lines alone.
OUTPUT_OBSERVERS: list[Callable[[str], None]] = []
LOG_OBSERVERS: list[Callable[[str], None]] = []


def _run(
    command: list[str], events: list[dict[str, Any]], env: Mapping[str, str], timeout: float
) -> list[dict[str, Any]]:
    process = subprocess.run(
        command,
        input=json.dumps(events),
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
        check=False,
    )
    for observe in OUTPUT_OBSERVERS:
        observe(process.stdout + process.stderr)
    for observe in LOG_OBSERVERS:
        observe(process.stderr)  # the invoker keeps results on stdout, logs on stderr
    if process.returncode != 0:
        lines = process.stderr.strip().splitlines()
        # vc_init's verdict is the first line, the cause the last ones.
        shown = lines if len(lines) <= 8 else [*lines[:2], "...", *lines[-5:]]
        raise InvocationFailed(f"exit {process.returncode}: " + "\n".join(shown))
    return json.loads(process.stdout)


def source_invoker(
    root: Path,
    env: Mapping[str, str],
    python: str = sys.executable,
    timeout: float = 60,
    isolated: bool = False,
    setup: str | None = None,
) -> Invoke:
    """Load ``api/<name>.py`` from source through ``vercel_runtime.vc_init``.

    ``isolated`` runs Python with ``-S``: only ``PYTHONPATH`` (e.g. a directory
    holding exactly the deployed dependencies) is importable. ``setup``
    (``module:function``) runs in the function's process before it loads, e.g.
    :data:`SHORT_LINK_DOUBLE`.
    """

    def invoke(function: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        flags = ["-S"] if isolated else []
        command = [python, *flags, str(INVOKER), "source", str(root), function]
        return _run(command + ([setup] if setup else []), events, env, timeout)

    return invoke


def bundle_invoker(
    functions_dir: Path, env: Mapping[str, str], python: str, timeout: float = 60
) -> Invoke:
    """Start ``<functions_dir>/<name>`` through its own ``vc__handler__python.py``."""

    def invoke(function: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        command = [python, "-S", str(INVOKER), "bundle", str(functions_dir / function)]
        return _run(command, events, env, timeout)

    return invoke
