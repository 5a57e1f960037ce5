"""A fake AliExpress ``/sync`` gateway: a plain ASGI app, in-process or served.

It checks requests as the platform does - ``app_key``, the timestamp window,
``method`` and the signature for both sign methods, with its own few lines of
hmac/hashlib rather than the client's signer - and answers in the real envelope
shapes. Faults are injected with :attr:`FakeGateway.faults` in process, or over
HTTP with ``POST /__faults {"fault": ..., "times": n, "method": ...}`` and
``DELETE /__faults`` when served; ``GET /__stats`` counts calls and connections.

Where the shapes of the round-2 methods come from (none is verified against the
live gateway; CONTRACT §4):

- ``aliexpress.affiliate.featuredpromo.get`` -> ``result.promos.promo[]`` of
  ``promo_name``, ``promo_desc``, ``product_num``, plus ``current_record_count``:
  bububa/opentaobao ``model/aecreatives/TrafficFeaturedPromoResultDto.go`` and
  ``Promo.go`` (generated from the platform's published API metadata). The four fixed
  promotions are named in the method's description there
  (``AliexpressAffiliateFeaturedpromoProductsGetAPIRequest.go``).
- ``aliexpress.affiliate.featuredpromo.products.get`` takes ``promotion_name``,
  ``category_id``, ``country`` (not ``ship_to_country``), ``page_no``, ``page_size``,
  ``sort`` in its own vocabulary (``priceAsc``, ``volumeDesc``, ... ``promotionTimeDesc``)
  and answers ``product.query``'s page plus ``is_finished``: the same repository's
  ``AliexpressAffiliateFeaturedpromoProductsGetAPIRequest.go`` and
  ``TrafficProductResultDto.go``. The fake rejects a sort outside that vocabulary.
- ``promo_code_info`` (``promo_code``, ``code_campaigntype``, ``code_value``,
  ``code_availabletime_start``/``_end``, ``code_mini_spend``, ``code_quantity``,
  ``code_promotionurl``): ``PromoCodeDto.go``, a field of the shared ``Product.go``, so
  the fake sends it with every method for the catalog products that have one.
- ``aliexpress.affiliate.product.smartmatch`` takes ``product_id`` (or ``keywords``),
  ``page_no``, ``country`` and no ``page_size``
  (``AliexpressAffiliateProductSmartmatchAPIRequest.go``); the fake answers
  ``products.product[]``, ``current_page_no``, ``current_record_count`` and
  ``is_finished`` without ``total_record_count``, and an unknown product with the
  "no result" code 405, as ``product.query`` does for an empty match.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from devtools.fake_gateway.catalog import Catalog, QueryError
from devtools.fake_gateway.faults import Fault, FaultPlan
from lib.http.plain import serve_lifespan

DEMO_APP_KEY = "demo-app-key"
DEMO_APP_SECRET = "demo-app-secret"  # noqa: S105 - the fake's own, not a real secret
TIMESTAMP_WINDOW_MS = 10 * 60 * 1000
INVALID_APP_KEY_TEXT = "The specified App Key is invalid"  # see faults.py for the sources
# Every signature any fake gateway in this process received: the test run scans
# all responses and log lines for them (a signature must never leak).
SIGNATURES_RECEIVED: set[str] = set()

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class FakeGateway:
    app_key: str = DEMO_APP_KEY
    app_secret: str = DEMO_APP_SECRET
    catalog: Catalog = field(default_factory=Catalog.load)
    latency: float = 0.0  # seconds added to every answer (realistic: ~0.05-0.3)
    slow_seconds: float = 60.0
    clock: Callable[[], float] = time.time
    faults: FaultPlan = field(default_factory=FaultPlan)
    calls: list[dict[str, str]] = field(default_factory=list)  # params received, for tests
    connections: int = 0  # distinct client connections seen (keep-alive checks)
    _peers: set[Any] = field(default_factory=set)

    def last_call(self, method: str) -> dict[str, str]:
        """The params of the last call to ``method`` (tests: a request may make several,
        e.g. a page of products and then its hot-product links)."""
        return next(c for c in reversed(self.calls) if c.get("method") == method)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self._count_connection(scope)
        body = await _read_body(receive)
        path = scope["path"]
        if path == "/__faults":
            await self._admin(scope["method"], body, send)
            return
        if path == "/__stats":
            stats = {"calls": len(self.calls), "connections": self.connections}
            await _respond(send, 200, json.dumps(stats).encode(), "application/json")
            return
        if path not in ("/sync", "/sync/"):
            await _respond(send, 404, b"<html><body>404 Not Found</body></html>", "text/html")
            return
        params = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        params.update(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
        self.calls.append({k: v for k, v in params.items() if k != "sign"})
        if params.get("sign"):
            SIGNATURES_RECEIVED.add(params["sign"])
        if self.latency:
            await asyncio.sleep(self.latency)
        status, payload, content_type = await self.answer(params)
        await _respond(send, status, payload, content_type)

    async def answer(self, params: dict[str, str]) -> tuple[int, bytes, str]:
        method = params.get("method", "")
        rejection = self._verify(params)
        if rejection:
            return _json(200, {"error_response": rejection})
        fault = self.faults.take(method)
        if fault is Fault.SLOW:
            await asyncio.sleep(self.slow_seconds)
        elif fault is not None and fault is not Fault.ABSURD_NUMBERS:
            return _fault_answer(fault, method)
        try:
            result = self._dispatch(method, params)
        except QueryError as exc:
            return _json(200, _envelope(method, 402, str(exc), None))
        if result is None:
            return _json(200, _envelope(method, 405, "No results found", None))
        if fault is Fault.ABSURD_NUMBERS:
            result = _absurd(result)
        return _json(200, _envelope(method, 200, "success", result))

    def _dispatch(self, method: str, params: dict[str, str]) -> dict[str, Any] | None:
        if method == "aliexpress.affiliate.product.query":
            result = self.catalog.search(params)
        elif method == "aliexpress.affiliate.hotproduct.query":
            result = self.catalog.search(params, hot=True)
        elif method == "aliexpress.affiliate.productdetail.get":
            result = self.catalog.details(params)
        elif method == "aliexpress.affiliate.link.generate":
            result = self.catalog.links(params)
        elif method == "aliexpress.affiliate.featuredpromo.get":
            result = self.catalog.featured_promos()
        elif method == "aliexpress.affiliate.featuredpromo.products.get":
            result = self.catalog.promotion_products(params)
        elif method == "aliexpress.affiliate.product.smartmatch":
            result = self.catalog.smart_match(params)
        elif method == "aliexpress.affiliate.order.list":
            result = self.catalog.order_list(params)
        elif method == "aliexpress.affiliate.product.shipping.get":
            return self.catalog.shipping(params)  # a flat result, no list to look for
        elif method == "aliexpress.affiliate.product.sku.detail.get":
            return self.catalog.sku_detail(params)
        else:  # aliexpress.affiliate.category.get (methods are checked in _verify)
            result = self.catalog.category_tree()
        # The platform answers an empty match with resp_code 405, not an empty list.
        has_items = any(
            isinstance(v, dict) and any(isinstance(x, list) and x for x in v.values())
            for v in result.values()
        )
        return result if has_items else None

    # -- the platform's checks -------------------------------------------------------

    def _verify(self, params: dict[str, str]) -> dict[str, Any] | None:
        for name in ("app_key", "method", "timestamp", "sign", "sign_method"):
            if not params.get(name):
                return _error("MissingParameter", f"Missing required parameter: {name}")
        if params["app_key"] != self.app_key:
            return _error("InvalidAppKey", INVALID_APP_KEY_TEXT)
        if params["method"] not in METHODS:
            return _error("InvalidApiPath", "The specified API path does not exist")
        try:
            sent_at = int(params["timestamp"])
        except ValueError:
            return _error("InvalidTimestamp", "Timestamp must be milliseconds since the epoch")
        if abs(self.clock() * 1000 - sent_at) > TIMESTAMP_WINDOW_MS:
            return _error("InvalidTimestamp", "The request timestamp is outside the allowed window")
        expected = expected_signature(params, self.app_secret, params["sign_method"])
        if expected is None:
            return _error("InvalidSignMethod", "Unsupported sign_method")
        if not hmac.compare_digest(expected, params["sign"].upper()):
            return _error(
                "IncompleteSignature",
                "The request signature does not conform to platform standards",
            )
        return None

    async def _admin(self, http_method: str, body: bytes, send: Send) -> None:
        if http_method == "DELETE":
            self.faults.clear()
        else:
            try:
                spec = json.loads(body or b"{}")
                self.faults.inject(spec["fault"], spec.get("times", 1), spec.get("method"))
                if "slow_seconds" in spec:
                    self.slow_seconds = float(spec["slow_seconds"])
            except (ValueError, KeyError, TypeError, AttributeError):
                # A typo in a curl command: say what is accepted, not a traceback.
                usage = '{"fault": one of ' + ", ".join(f.value for f in Fault)
                usage += ', "times": n or null, "method": optional, "slow_seconds": optional}'
                await _respond(send, 400, usage.encode(), "text/plain")
                return
        await _respond(send, 204, b"", "text/plain")

    def _count_connection(self, scope: Scope) -> None:
        peer = tuple(scope.get("client") or ()) or None
        if peer is None:  # in-process transport: no sockets to count
            return
        if peer not in self._peers:
            self._peers.add(peer)
            self.connections += 1


METHODS = frozenset(
    {
        "aliexpress.affiliate.product.query",
        "aliexpress.affiliate.hotproduct.query",
        "aliexpress.affiliate.productdetail.get",
        "aliexpress.affiliate.link.generate",
        "aliexpress.affiliate.category.get",
        "aliexpress.affiliate.featuredpromo.get",
        "aliexpress.affiliate.featuredpromo.products.get",
        "aliexpress.affiliate.product.smartmatch",
        "aliexpress.affiliate.order.list",
        "aliexpress.affiliate.product.shipping.get",
        "aliexpress.affiliate.product.sku.detail.get",
    }
)


def expected_signature(params: dict[str, str], secret: str, sign_method: str) -> str | None:
    """The signature the platform computes: sorted ``key+value`` of non-empty params."""
    text = "".join(k + v for k, v in sorted(params.items()) if k != "sign" and v != "")
    if sign_method == "sha256":
        return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    if sign_method == "md5":
        return hashlib.md5((secret + text + secret).encode()).hexdigest().upper()
    return None


def _envelope(
    method: str, code: int, message: str, result: dict[str, Any] | None
) -> dict[str, Any]:
    resp_result: dict[str, Any] = {"resp_code": code, "resp_msg": message}
    if result is not None:
        resp_result["result"] = result
    return {
        method.replace(".", "_") + "_response": {
            "resp_result": resp_result,
            "request_id": _request_id(),
        }
    }


def _error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "ISV", "code": code, "msg": message, "request_id": _request_id(), **extra}


def _fault_answer(fault: Fault, method: str) -> tuple[int, bytes, str]:
    if fault is Fault.HTTP_500:
        return 500, b"Internal Server Error", "text/plain"
    if fault is Fault.HTTP_503:
        return (
            503,
            b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            "text/html",
        )
    if fault is Fault.HTML_PAGE:
        return (
            200,
            b"<!DOCTYPE html><html><body>Please verify you are human</body></html>",
            "text/html",
        )
    if fault is Fault.MALFORMED_JSON:
        return (
            200,
            b'{"' + method.replace(".", "_").encode() + b'_response": {"resp_result": ',
            "application/json",
        )
    if fault is Fault.WRONG_ENVELOPE:
        return _json(
            200, {"aliexpress_affiliate_other_response": {"resp_result": {"resp_code": 200}}}
        )
    if fault is Fault.INCOMPLETE_SIGNATURE:
        return _json(
            200,
            {
                "error_response": _error(
                    "IncompleteSignature",
                    "The request signature does not conform to platform standards",
                )
            },
        )
    if fault is Fault.API_CALL_LIMIT:
        return _json(
            200,
            {
                "error_response": _error(
                    "ApiCallLimit",
                    "The request has exceeded the api call limit, this ban will last 1 seconds",
                )
            },
        )
    if fault is Fault.HUGE_BAN:
        ban = "9" * 5000
        message = f"The request has exceeded the api call limit, this ban will last {ban} seconds"
        return _json(200, {"error_response": _error("ApiCallLimit", message)})
    if fault is Fault.DEEP_JSON:
        depth = 100_000
        return 200, b"[" * depth + b"]" * depth, "application/json;charset=UTF-8"
    if fault is Fault.PUBLISHER_NOT_REGISTERED:
        return _json(200, _envelope(method, 401, "This publisher is not registered", None))
    if fault is Fault.INSUFFICIENT_PERMISSIONS:
        return _json(
            200,
            {
                "error_response": _error(
                    "11",
                    "Insufficient isv permissions",
                    sub_code="isv.permission-api-package-limit",
                    sub_msg="scope ids is 11022",
                )
            },
        )
    if fault is Fault.INVALID_APP_KEY:
        return _json(200, {"error_response": _error("InvalidAppKey", INVALID_APP_KEY_TEXT)})
    if fault is Fault.BUSINESS_ERROR:
        return _json(200, _envelope(method, 402, "Invalid parameter: tracking_id", None))
    if fault is Fault.ISV_ERROR:
        return _json(
            200,
            {
                "error_response": _error(
                    "15",
                    "Remote service error",
                    sub_code="isv.invalid-parameter",
                    sub_msg="Illegal parameter",
                )
            },
        )
    return _json(200, _envelope(method, 405, "No results found", None))  # Fault.EMPTY


# What ABSURD_NUMBERS puts in every product record (and the total): each must become
# null in the proxy's answer, quickly, never a 500.
ABSURD_PRODUCT_FIELDS = {
    "discount": "Infinity",
    "evaluate_rate": "1e400%",
    "lastest_volume": "1e300000",
    "commission_rate": "NaN",
    "target_sale_price": "US $1,234.56",
    "target_original_price": "1E+999999999999999999",
}


def _absurd(result: dict[str, Any]) -> dict[str, Any]:
    result = json.loads(json.dumps(result))  # a copy: the catalog stays as it is
    if "total_record_count" in result:
        result["total_record_count"] = "1E+999999999999999999"
    products = result.get("products")
    for record in products.get("product", []) if isinstance(products, dict) else []:
        record.update(ABSURD_PRODUCT_FIELDS)
        for fallback in ("sale_price", "original_price"):  # the prices themselves must be null
            record.pop(fallback, None)
    if "shipping_fee" in result:  # shipping.get: a negative fee, a delivery in 10^9 days
        result.update(shipping_fee="-4.99", min_delivery_days=10**9, max_delivery_days="1e9")
    for record in result.get("ae_item_sku_info", []):  # sku.detail.get
        record.update(
            sku_properties=":;:",
            sale_price_with_tax="-1",
            price_with_tax="NaN",
            sku_available_stock=-5,
        )
        record.pop("color", None)
        record.pop("size", None)
    return result


def _json(status: int, document: dict[str, Any]) -> tuple[int, bytes, str]:
    return status, json.dumps(document).encode(), "application/json;charset=UTF-8"


def _request_id() -> str:
    return uuid.uuid4().hex[:13]


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
