"""Everything that can go wrong talking to AliExpress, as one small hierarchy.

::

    AliExpressError                  502 upstream_error
    ├── NotConfiguredError           503 not_configured    credentials missing
    ├── TransportError               502 upstream_error    no usable HTTP answer
    │   ├── CertificateError         502 upstream_error    TLS certificate refused (no retry)
    │   ├── UpstreamTimeoutError     504 upstream_timeout  deadline passed
    │   └── UpstreamHTTPError        502 upstream_error    5xx / unexpected status
    ├── BadResponseError             502 upstream_error    HTML, malformed JSON, wrong envelope
    ├── AliExpressAPIError           502 upstream_error    error envelope / resp_code != 200
    │   ├── RateLimitedError         429 rate_limited      ApiCallLimit, with retry_after
    │   └── PermissionRequiredError  403 permission_required  an Advanced API method the
    │                                                         app is not granted (permissions)
    ├── CallBudgetError              429 rate_limited      not called: budget spent or ban on
    └── ShortLinkError (shortlinks)  422 / 502             a short link leads to no product

Lower-level failures (the transport's OSError and ProtocolError, JSON errors) are
translated once, in the client. Each class carries ``status`` and ``code`` so the
HTTP layer can answer with the contract's envelope without knowing AliExpress.
Messages never contain credentials, signatures or signed URLs, and what upstream
wrote is cut to ``MAX_UPSTREAM_TEXT`` characters before it is quoted.
"""

from __future__ import annotations

from lib.aliexpress.diagnosis import diagnose

MAX_UPSTREAM_TEXT = 200  # of an upstream message quoted in ours


class AliExpressError(Exception):
    """Base class: any failure of an AliExpress call."""

    status: int = 502
    code: str = "upstream_error"
    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotConfiguredError(AliExpressError):
    """Required configuration is missing; names the variables, never values."""

    status = 503
    code = "not_configured"

    def __init__(self, missing: tuple[str, ...] = (), problems: tuple[str, ...] = ()) -> None:
        self.missing = missing
        self.problems = problems
        parts = [f"set {', '.join(missing)}."] if missing else []
        super().__init__("AliExpress is not configured: " + " ".join(parts + list(problems)))


class TransportError(AliExpressError):
    """The gateway could not be reached or gave no usable HTTP answer."""

    retryable = True


class CertificateError(TransportError):
    """The gateway's TLS certificate failed verification: retrying cannot fix that."""

    retryable = False


class UpstreamTimeoutError(TransportError):
    """AliExpress did not answer within the deadline."""

    status = 504
    code = "upstream_timeout"


class UpstreamHTTPError(TransportError):
    """The gateway answered with an HTTP status other than 200."""

    def __init__(self, http_status: int) -> None:
        self.http_status = http_status
        super().__init__(f"AliExpress gateway answered HTTP {http_status}.")
        # 5xx is the platform's transient failure; 4xx will not heal on retry.
        self.retryable = http_status >= 500


class BadResponseError(AliExpressError):
    """The body was not the JSON envelope the platform documents."""


class AliExpressAPIError(AliExpressError):
    """The platform answered with an error envelope or a failing ``resp_code``."""

    def __init__(
        self,
        api_code: str,
        api_message: str,
        request_id: str | None = None,
    ) -> None:
        self.api_code = api_code[:MAX_UPSTREAM_TEXT]
        self.api_message = api_message[:MAX_UPSTREAM_TEXT]
        self.request_id = request_id[:MAX_UPSTREAM_TEXT] if request_id else request_id
        # The platform's words, then what the owner should do about them (when known).
        self.hint = diagnose(self.api_code, self.api_message)
        message = f"AliExpress API error {self.api_code}: {self.api_message}"
        super().__init__(f"{message.rstrip('.')}. {self.hint}" if self.hint else message)


class RateLimitedError(AliExpressAPIError):
    """``ApiCallLimit``: the app is banned for ``retry_after`` seconds."""

    status = 429
    code = "rate_limited"
    retryable = True

    def __init__(
        self,
        api_code: str,
        api_message: str,
        request_id: str | None = None,
        retry_after: int = 1,
    ) -> None:
        super().__init__(api_code, api_message, request_id)
        self.retry_after = retry_after


class CallBudgetError(AliExpressError):
    """The call was not made: the deployment's call budget is spent, or AliExpress's
    ban (remembered from an earlier ``ApiCallLimit``) has not ended. Waiting is the fix."""

    status = 429
    code = "rate_limited"

    def __init__(self, why: str, retry_after: int) -> None:
        self.why = why
        self.retry_after = retry_after
        reasons = {
            "banned": "AliExpress rate-limited this app key (ApiCallLimit); no instance calls "
            "it until the ban ends",
            "per_second": "this deployment's AliExpress call budget for this second "
            "(UPSTREAM_CALLS_PER_SECOND) is spent",
            "per_day": "this deployment's AliExpress call budget for today, UTC "
            "(UPSTREAM_CALLS_PER_DAY) is spent",
        }
        reason = reasons.get(why, "the AliExpress call budget is spent")
        super().__init__(f"Not calling AliExpress: {reason}. Retry in {retry_after} s.")
