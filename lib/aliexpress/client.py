"""One async client for the AliExpress affiliate API.

The transport (lib/aliexpress/transport.py) is created on first use and reused
across the requests of a warm instance (keep-alive, pooling). Every call runs
under a deadline: each attempt is bounded by what is left of it, and retries -
only for transient failures, with full jitter - never start when they could not
finish in time.
The transport is injectable, so tests run this very code against the fake
gateway in process (any httpx transport, through devtools/httpx_transport.py)
without patching anything.

The answer shapes are imported inside the methods that build them: a function
builds only the pydantic classes it answers with (the categories function never
builds a product model), and each class costs cold-start time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import urlencode

from lib.aliexpress.errors import (
    AliExpressAPIError,
    AliExpressError,
    BadResponseError,
    CallBudgetError,
    CertificateError,
    RateLimitedError,
    TransportError,
    UpstreamHTTPError,
    UpstreamTimeoutError,
)
from lib.aliexpress.queries import Locale, ProductQuery, PromotionProductQuery
from lib.aliexpress.signing import SignMethod, sign_request, signable_params
from lib.aliexpress.transport import ProtocolError, StreamTransport, Transport
from lib.aliexpress.values import converted, records, text, to_int
from lib.cache import ResponseCache

if TYPE_CHECKING:
    from lib.aliexpress.category_models import Category
    from lib.aliexpress.delivery_models import Shipping, VariantList
    from lib.aliexpress.link_models import AffiliateLink
    from lib.aliexpress.models import ProductDetail, ProductPage, SimilarPage
    from lib.aliexpress.order_models import OrderPage, OrderQuery
    from lib.aliexpress.promotion_models import Promotion

DEFAULT_API_URL = "https://api-sg.aliexpress.com/sync"
# Seconds a successful answer may be reused: prices move, the category tree rarely does.
DEFAULT_CACHE_TTL = 300.0
CACHE_TTL = {
    "aliexpress.affiliate.category.get": 3600.0,
    "aliexpress.affiliate.featuredpromo.get": 3600.0,  # four fixed promotions, rarely new ones
    "aliexpress.affiliate.order.list": 60.0,  # the owner expects new orders to show soon
}
# smartmatch is documented to take product_id or device_id; a public client reports the
# live gateway demanding device_id anyway. This constant identifies no shopper.
SMARTMATCH_DEVICE_ID = "aliexpress-gpt-proxy"
# link.generate promotion_link_type (sergioteula/python-aliexpress-api LinkType).
NORMAL_LINK, HOT_LINK = 0, 2
NO_RESULT_CODE = 405  # resp_code the platform uses for "nothing matched"
# ASCII digits, from the start of a run only: linear time on a message of any length.
_BAN_SECONDS = re.compile(r"(?<![0-9])([0-9]+)\s*second")
MAX_BAN_SECONDS = 86_400  # a ban longer than a day is reported as a day
FORM_HEADERS = (
    ("Content-Type", "application/x-www-form-urlencoded;charset=utf-8"),
    ("Accept", "application/json"),
    ("User-Agent", "aliexpress-gpt-proxy"),
)


class UpstreamCall(NamedTuple):
    """What one business call cost; handed to ``on_call`` for the request log."""

    method: str
    attempts: int  # upstream requests made (0 when served from cache)
    elapsed_ms: float
    outcome: str  # "ok" or the error code of CONTRACT §2
    cache: str = "off"  # "hit", "miss", "coalesced" or "off"


class CallBudget(Protocol):
    """Permission for each upstream request (lib/shared/limits.py's UpstreamBudget)."""

    async def spend(self) -> tuple[str, int] | None:
        """None to go ahead, else ``(why, seconds to wait)``."""
        ...

    async def remember_ban(self, seconds: int) -> None:
        """AliExpress answered ``ApiCallLimit``: hold every call for ``seconds``."""
        ...


class RetryPolicy(NamedTuple):
    """Bounded retries with full jitter, for transient failures only."""

    max_attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0
    # Do not start an attempt with less time than this left: it could only time out.
    min_attempt_time: float = 0.25

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        return rng() * min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


@dataclass
class AliExpressClient:
    """The affiliate methods this proxy uses, one Python method each."""

    app_key: str
    app_secret: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    sign_method: SignMethod = "sha256"
    tracking_id: str | None = None
    deadline: float = 20.0  # whole call, retries included (CONTRACT: answer within 25 s)
    attempt_timeout: float = 8.0
    connect_timeout: float = 3.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: Transport | None = field(default=None, repr=False)  # None: StreamTransport
    clock: Callable[[], float] = field(default=time.time, repr=False)
    rng: Callable[[], float] = field(default=random.random, repr=False)
    on_call: Callable[[UpstreamCall], None] | None = field(default=None, repr=False)
    cache: ResponseCache | None = field(default=None, repr=False)
    budget: CallBudget | None = field(default=None, repr=False)
    _active: Transport | None = field(default=None, init=False, repr=False)

    def with_tracking_id(self, tracking_id: str | None) -> AliExpressClient:
        """This client for links that carry ``tracking_id`` (one channel's): the same
        connections, cache and call budget. The tracking ID is a parameter of every call
        that makes links, so it is part of that answer's cache key (:func:`cache_key`):
        an answer cached for one tracking ID is never handed out with another."""
        if tracking_id == self.tracking_id:
            return self
        return dataclasses.replace(self, tracking_id=tracking_id, transport=self._transport())

    # -- affiliate methods ---------------------------------------------------------

    async def query_products(self, query: ProductQuery) -> ProductPage:
        """``aliexpress.affiliate.product.query``: keyword/category search."""
        return await self._product_page("aliexpress.affiliate.product.query", query)

    async def query_hot_products(self, query: ProductQuery) -> ProductPage:
        """``aliexpress.affiliate.hotproduct.query``: high-commission products."""
        return await self._product_page("aliexpress.affiliate.hotproduct.query", query)

    async def get_product_details(
        self, product_ids: Sequence[str], locale: Locale
    ) -> list[ProductDetail]:
        """``aliexpress.affiliate.productdetail.get`` for up to 20 IDs at once."""
        result = await self.call(
            "aliexpress.affiliate.productdetail.get",
            {
                "product_ids": ",".join(product_ids),
                "tracking_id": self.tracking_id,
                **locale.to_params(),
            },
        )
        from lib.aliexpress.models import to_product_detail

        return converted(result.get("products"), "product", to_product_detail)

    async def generate_links(self, urls: Sequence[str], tracking_id: str) -> list[AffiliateLink]:
        """``aliexpress.affiliate.link.generate``: ordinary affiliate links, in request order."""
        by_url = await self.promotion_links(urls, tracking_id)
        from lib.aliexpress.link_models import AffiliateLink

        return [AffiliateLink(url=url, affiliate_url=by_url.get(url)) for url in urls]

    async def promotion_links(
        self,
        urls: Sequence[str],
        tracking_id: str,
        *,
        link_type: int = NORMAL_LINK,
        deadline: float | None = None,
    ) -> dict[str, str]:
        """``aliexpress.affiliate.link.generate`` (``link_type``: ``NORMAL_LINK`` or
        ``HOT_LINK``, CONTRACT §9): URL -> its affiliate link, for the URLs that got one.
        Plain strings: hot-product links need no answer model (a cold start builds none)."""
        # source_values is comma-separated: a comma inside a URL must travel as %2C.
        sources = {url.replace(",", "%2C"): url for url in urls}
        result = await self.call(
            "aliexpress.affiliate.link.generate",
            {
                "promotion_link_type": link_type,
                "source_values": ",".join(sources),
                "tracking_id": tracking_id,
            },
            deadline=deadline,
        )
        found = {}
        for link in records(result.get("promotion_links"), "promotion_link"):
            url = sources.get(text(link.get("source_value")) or "")
            affiliate_url = text(link.get("promotion_link"))
            if url is not None and affiliate_url:
                found[url] = affiliate_url
        return found

    async def get_categories(self) -> list[Category]:
        """``aliexpress.affiliate.category.get``: the whole category tree, flat."""
        result = await self.call("aliexpress.affiliate.category.get", {})
        from lib.aliexpress.category_models import to_category

        return converted(result.get("categories"), "category", to_category)

    async def get_featured_promotions(self) -> list[Promotion]:
        """``aliexpress.affiliate.featuredpromo.get``: the featured promotions."""
        result = await self.call("aliexpress.affiliate.featuredpromo.get", {})
        from lib.aliexpress.promotion_models import to_promotion

        return converted(result.get("promos"), "promo", to_promotion)

    async def query_promotion_products(self, query: PromotionProductQuery) -> ProductPage:
        """``aliexpress.affiliate.featuredpromo.products.get``: one promotion's products."""
        result = await self.call(
            "aliexpress.affiliate.featuredpromo.products.get",
            {**query.to_params(), "tracking_id": self.tracking_id},
        )
        return _page(result, query.page, query.page_size)

    async def get_similar_products(
        self, product_id: str, locale: Locale, page: int = 1
    ) -> SimilarPage:
        """``aliexpress.affiliate.product.smartmatch``: products related to one product."""
        result = await self.call(
            "aliexpress.affiliate.product.smartmatch",
            {
                "product_id": product_id,
                "page_no": page,
                "device_id": SMARTMATCH_DEVICE_ID,
                "tracking_id": self.tracking_id,
                **locale.to_params(country_param="country"),
            },
        )
        from lib.aliexpress.models import SimilarPage, to_product

        found = converted(result.get("products"), "product", to_product)
        products = [product for product in found if product.id != product_id]
        # No total_record_count here: only is_finished says whether another page exists.
        finished = _flag(result.get("is_finished"))
        return SimilarPage(page=page, has_more=finished is False, products=products)

    async def get_shipping(
        self, product_id: str, sku_id: str | None, locale: Locale
    ) -> Shipping | None:
        """``aliexpress.affiliate.product.shipping.get``: fee and delivery days to one
        country; ``None`` when AliExpress knows no such product (or SKU of it).

        Shapes: lib/aliexpress/delivery_models.py (sources, verified vs inferred)."""
        result = await self.call(
            "aliexpress.affiliate.product.shipping.get",
            {"product_id": product_id, "sku_id": sku_id, **locale.to_params()},
        )
        if not result:
            return None
        from lib.aliexpress.delivery_models import to_shipping

        return to_shipping(result, product_id, sku_id, locale.ship_to, locale.currency)

    async def get_variants(self, product_id: str, locale: Locale) -> VariantList:
        """``aliexpress.affiliate.product.sku.detail.get``: every SKU of one product
        with its attributes and price (an unknown product has none)."""
        result = await self.call(
            "aliexpress.affiliate.product.sku.detail.get",
            {"product_id": product_id, "need_deliver_info": "No", **locale.to_params()},
        )
        from lib.aliexpress.delivery_models import to_variant_list

        return to_variant_list(result, product_id, locale.ship_to)

    async def list_orders(self, query: OrderQuery, *, deadline: float | None = None) -> OrderPage:
        """``aliexpress.affiliate.order.list``: one page of the affiliate's orders.

        ``deadline`` (seconds) bounds this call when a caller pages under a budget.
        """
        from lib.aliexpress.order_models import OrderPage, to_order
        from lib.aliexpress.platform_time import PLATFORM_TIME_ZONE

        result = await self.call(
            "aliexpress.affiliate.order.list", query.to_params(), deadline=deadline
        )
        orders = converted(result.get("orders"), "order", to_order)
        total = to_int(result.get("total_record_count")) or 0
        total_pages = to_int(result.get("total_page_no"))
        has_more = (
            query.page < total_pages
            if total_pages is not None
            else query.page * query.page_size < total
        )
        return OrderPage(
            start=query.start,
            end=query.end,
            time_zone=PLATFORM_TIME_ZONE,
            page=query.page,
            page_size=query.page_size,
            total=total,
            has_more=has_more,
            orders=orders,
        )

    async def _product_page(self, method: str, query: ProductQuery) -> ProductPage:
        result = await self.call(method, {**query.to_params(), "tracking_id": self.tracking_id})
        return _page(result, query.page, query.page_size)

    # -- the protocol --------------------------------------------------------------

    async def call(
        self, method: str, params: Mapping[str, object], *, deadline: float | None = None
    ) -> dict[str, Any]:
        """Call a business method; the unwrapped ``result`` (``{}`` for no result).

        With a cache, an identical successful call made within its TTL is not
        repeated, and identical concurrent calls share one upstream request.
        Raises an :class:`AliExpressError` subclass for every failure.
        """
        # The deadline is fixed now: waiting on a shared call, and fetching again when
        # its owner is cancelled, both count against it.
        started = asyncio.get_running_loop().time()
        ends_at = started + (self.deadline if deadline is None else deadline)
        if self.cache is None:
            return await self._call_upstream(method, params, ends_at, "off")
        key = cache_key(method, params)
        fetched = False

        async def fetch() -> dict[str, Any]:
            nonlocal fetched
            fetched = True
            return await self._call_upstream(method, params, ends_at, "miss")

        try:
            async with asyncio.timeout_at(ends_at):
                result, outcome = await self.cache.get_or_fetch(
                    key, CACHE_TTL.get(method, DEFAULT_CACHE_TTL), fetch
                )
        except TimeoutError:  # our deadline passed, waiting on a shared call or our own
            cache = "miss" if fetched else "coalesced"
            self._observe(method, 0, started, UpstreamTimeoutError.code, cache)
            raise UpstreamTimeoutError("AliExpress did not answer within the deadline.") from None
        if outcome != "miss":  # a miss was already reported by the upstream call
            self._observe(method, 0, started, "ok", outcome)
        return result

    async def _call_upstream(
        self, method: str, params: Mapping[str, object], ends_at: float, cache: str
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await self._attempt(method, params, ends_at - loop.time())
            except AliExpressError as error:
                delay = self._retry_delay(error, attempt)
                if delay is None or loop.time() + delay + self.retry.min_attempt_time > ends_at:
                    self._observe(method, attempt, started, error.code, cache)
                    if isinstance(error, UpstreamTimeoutError):
                        # The whole wait, not the last attempt's share of it.
                        waited = loop.time() - started
                        raise UpstreamTimeoutError(
                            f"AliExpress did not answer within {waited:.1f} s "
                            f"({_count(attempt, 'attempt')})."
                        ) from None
                    raise
                await asyncio.sleep(delay)
            else:
                self._observe(method, attempt, started, "ok", cache)
                return result

    async def _attempt(
        self, method: str, params: Mapping[str, object], remaining: float
    ) -> dict[str, Any]:
        if remaining <= 0:
            raise UpstreamTimeoutError("AliExpress did not answer within the deadline.")
        if self.budget is not None and (refused := await self.budget.spend()) is not None:
            raise CallBudgetError(*refused)
        signed = sign_request(
            method,
            params,
            app_key=self.app_key,
            secret=self.app_secret,
            sign_method=self.sign_method,
            timestamp_ms=int(self.clock() * 1000),
        )
        limit = min(self.attempt_timeout, remaining)
        body = urlencode(signed).encode("ascii")
        try:
            async with asyncio.timeout(limit):
                reply = await self._transport().post(self.api_url, body, FORM_HEADERS)
        except TimeoutError:  # the attempt's limit, or connecting took too long
            raise UpstreamTimeoutError(f"AliExpress did not answer within {limit:.1f} s.") from None
        except ssl.SSLCertVerificationError:
            raise CertificateError("AliExpress's TLS certificate failed verification.") from None
        except (OSError, ProtocolError) as exc:
            # The exception text can carry the URL; the class name is enough.
            raise TransportError(f"Could not reach AliExpress ({type(exc).__name__}).") from None
        try:
            return parse_response(method, reply.status, reply.body)
        except RateLimitedError as ban:
            if self.budget is not None:
                await self.budget.remember_ban(ban.retry_after)
            raise

    def _retry_delay(self, error: AliExpressError, attempt: int) -> float | None:
        if not error.retryable or attempt >= self.retry.max_attempts:
            return None
        delay = self.retry.backoff(attempt, self.rng)
        if isinstance(error, RateLimitedError):
            delay = max(delay, float(error.retry_after))
        return delay

    def _observe(
        self, method: str, attempts: int, started: float, outcome: str, cache: str
    ) -> None:
        if self.on_call is not None:
            elapsed = (asyncio.get_running_loop().time() - started) * 1000
            self.on_call(UpstreamCall(method, attempts, round(elapsed, 1), outcome, cache))

    def _transport(self) -> Transport:
        if self._active is None:
            self._active = self.transport or StreamTransport(
                max_connections=32, connect_timeout=self.connect_timeout
            )
        return self._active

    async def aclose(self) -> None:
        if self._active is not None:
            await self._active.aclose()
            self._active = None


def cache_key(method: str, params: Mapping[str, object]) -> tuple[str, tuple[Any, ...]]:
    """The one place a call's cache key is made: the method and what is signed of its
    parameters (in-process and shared caches alike; the shared one hashes it)."""
    return (method, tuple(sorted(signable_params(params).items())))


def parse_response(method: str, http_status: int, body: bytes) -> dict[str, Any]:
    """Unwrap ``<method>_response.resp_result.result`` or raise the matching error."""
    if http_status != 200:
        raise UpstreamHTTPError(http_status)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadResponseError("AliExpress answered with a body that is not JSON.") from None
    if not isinstance(document, dict):
        raise BadResponseError("AliExpress answered with an unexpected JSON shape.")
    if "error_response" in document:
        raise _api_error(document["error_response"], method)
    envelope = document.get(method.replace(".", "_") + "_response")
    if not isinstance(envelope, dict) or not isinstance(envelope.get("resp_result"), dict):
        raise BadResponseError(f"AliExpress answered without the {method} envelope.")
    request_id = _opt_str(envelope.get("request_id"))
    resp_result = envelope["resp_result"]
    resp_code = to_int(resp_result.get("resp_code"))
    if resp_code == NO_RESULT_CODE:
        return {}
    if resp_code != 200:
        raise AliExpressAPIError(
            str(resp_result.get("resp_code")), str(resp_result.get("resp_msg") or ""), request_id
        )
    result = resp_result.get("result")
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise BadResponseError(f"AliExpress answered {method} with a malformed result.")
    return result


def _api_error(error: object, method: str = "") -> AliExpressAPIError:
    if not isinstance(error, dict):
        return AliExpressAPIError("unknown", "malformed error envelope")
    code = str(error.get("code", "unknown"))
    sub_code = _opt_str(error.get("sub_code"))
    message = str(error.get("sub_msg") or error.get("msg") or "")
    request_id = _opt_str(error.get("request_id"))
    if "ApiCallLimit" in (code, sub_code) or "frequency" in message.lower():
        return RateLimitedError(sub_code or code, message, request_id, ban_seconds(message))
    from lib.aliexpress.permissions import (
        ADVANCED_METHODS,
        PermissionRequiredError,
        is_permission_error,
    )

    if method in ADVANCED_METHODS and is_permission_error(code, sub_code):
        return PermissionRequiredError(method, sub_code or code, message, request_id)
    return AliExpressAPIError(sub_code or code, message, request_id)


def _page(result: dict[str, Any], page: int, page_size: int) -> ProductPage:
    from lib.aliexpress.models import ProductPage, to_product

    products = converted(result.get("products"), "product", to_product)
    sent_total = result.get("total_record_count")
    total = to_int(sent_total)
    if total is not None:
        has_more = page * page_size < total
    else:  # is_finished decides; a total not sent at all is what is known to exist so far
        known = (page - 1) * page_size + len(products) if products else 0
        total = known if sent_total is None else 0  # an unreadable total says nothing
        has_more = _flag(result.get("is_finished")) is False
    return ProductPage(
        page=page, page_size=page_size, total=total, has_more=has_more, products=products
    )


def _flag(value: object) -> bool | None:
    """``is_finished`` arrives as a JSON boolean or as ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def ban_seconds(message: str) -> int:
    """How long a rate-limit ban lasts ("... this ban will last 1 seconds"), 1 to a day."""
    match = _BAN_SECONDS.search(message)
    if match is None:
        return 1
    digits = match.group(1).lstrip("0")
    if len(digits) > len(str(MAX_BAN_SECONDS)):  # never int() thousands of digits
        return MAX_BAN_SECONDS
    return min(max(1, int(digits or "0")), MAX_BAN_SECONDS)


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
