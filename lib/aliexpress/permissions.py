"""AliExpress's "Advanced API": methods an app may call only once AliExpress grants them.

Shipping (``product.shipping.get``), SKU detail (``product.sku.detail.get``), hot products
(``hotproduct.query``) and smartmatch (``product.smartmatch``) are granted on application
(CONTRACT §9). Without the grant the platform answers with a permission error - TOP-style
``code 11`` "Insufficient isv permissions" with an ``isv.permission-*`` sub code, or an
``InsufficientPermission``-style code (devtools/fake_gateway/faults.py sends the first) -
which the client turns into :class:`PermissionRequiredError` (403 ``permission_required``)
for these methods only: it reads like an outage as a 502, and the owner can fix it.

The console's exact wording for the permission group is not verified; the message names the
method, the group as the contract names it, and where apps are managed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.aliexpress.errors import AliExpressAPIError

if TYPE_CHECKING:
    from lib.aliexpress.client import AliExpressClient

APPLY_AT = "https://openservice.aliexpress.com"
# method -> the short name /health?deep=1 reports it under
ADVANCED_METHODS = {
    "aliexpress.affiliate.product.shipping.get": "shipping",
    "aliexpress.affiliate.product.sku.detail.get": "sku_detail",
    "aliexpress.affiliate.hotproduct.query": "hot_products",
    "aliexpress.affiliate.product.smartmatch": "smartmatch",
}
_PERMISSION_CODES = frozenset({"11", "InsufficientIsvPermissions", "InsufficientPermission"})


def is_permission_error(code: str, sub_code: str | None) -> bool:
    """The platform's "this app may not call this method" answer."""
    codes = {code, sub_code or ""}
    return bool(codes & _PERMISSION_CODES) or any(
        c.lower().startswith("isv.permission") or "insufficientpermission" in c.lower()
        for c in codes
    )


class PermissionRequiredError(AliExpressAPIError):
    """The app lacks AliExpress's Advanced API permission for ``method``."""

    status = 403
    code = "permission_required"

    def __init__(
        self, method: str, api_code: str, api_message: str, request_id: str | None = None
    ) -> None:
        super().__init__(api_code, api_message, request_id)
        self.method = method
        self.permission = ADVANCED_METHODS.get(method, method)
        # Replaces the generic message: the owner's next step first, then the platform's words.
        self.message = (
            f"This AliExpress app is not allowed to call {method} ({self.permission}): it "
            "belongs to AliExpress's Advanced API, which AliExpress grants on application. "
            f"The deployment's owner can apply for it in the AliExpress Open Platform console "
            f"({APPLY_AT}, the app's API permissions). AliExpress said: {self.api_code} "
            f"{self.api_message}".rstrip()
        )
        self.args = (self.message,)


# A cheap call of each method: any answer but a permission error (a result, "no result",
# a complaint about the product) proves the grant. The product ID need not exist.
PROBE_PRODUCT_ID = "1005006123456789"
_PROBE_PARAMS: dict[str, dict[str, object]] = {
    "aliexpress.affiliate.product.shipping.get": {
        "product_id": PROBE_PRODUCT_ID,
        "ship_to_country": "US",
        "target_currency": "USD",
        "target_language": "EN",
    },
    "aliexpress.affiliate.product.sku.detail.get": {
        "product_id": PROBE_PRODUCT_ID,
        "ship_to_country": "US",
        "target_currency": "USD",
        "target_language": "EN",
    },
    "aliexpress.affiliate.hotproduct.query": {"page_no": 1, "page_size": 1},
    "aliexpress.affiliate.product.smartmatch": {
        "product_id": PROBE_PRODUCT_ID,
        "device_id": "aliexpress-gpt-proxy",
        "page_no": 1,
    },
}
# What this instance learnt, per (gateway, app key): name -> allowed. Only definite answers
# are kept, so an outage is probed again next time; a grant or refusal is asked once.
_KNOWN: dict[tuple[str, str], dict[str, bool]] = {}


async def advanced_api_access(client: AliExpressClient) -> dict[str, bool | None]:
    """Which Advanced API methods this app may call: ``true``/``false``, ``null`` while
    unknown (the probe failed for another reason, e.g. a timeout; asked again next time)."""
    import asyncio

    from lib.aliexpress.errors import AliExpressError

    known = _KNOWN.setdefault((client.api_url, client.app_key), {})

    async def probe(method: str) -> None:
        name = ADVANCED_METHODS[method]
        try:
            await client.call(method, _PROBE_PARAMS[method])
        except PermissionRequiredError:
            known[name] = False
        except AliExpressAPIError as error:
            # A business answer lets the call in; a bad key, signature or a rate limit
            # (errors with a diagnosis, 429) proves nothing.
            if error.hint is None and error.status != 429:
                known[name] = True
        except AliExpressError:  # transport, timeout, malformed body: ask again later
            return
        else:
            known[name] = True

    unknown = [method for method, name in ADVANCED_METHODS.items() if name not in known]
    await asyncio.gather(*(probe(method) for method in unknown))
    return {name: known.get(name) for name in ADVANCED_METHODS.values()}
