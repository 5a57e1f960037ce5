"""The contract's error envelope and the problems a handler can raise.

``{"error": {"code": "...", "message": "...", "request_id": "..."}}``

Any exception with ``status``, ``code`` and ``message`` attributes is a
*problem* and is answered with its own status; that is how errors from other
layers (``lib.aliexpress.errors``) reach the caller without this module knowing
them. ``retry_after`` (seconds), when present, becomes a ``Retry-After`` header,
and ``allow`` (a 405's methods) an ``Allow`` header.
"""

from __future__ import annotations

import json
from typing import NamedTuple, Protocol, runtime_checkable


@runtime_checkable
class Problem(Protocol):
    status: int
    code: str
    message: str


class ProblemDetails(NamedTuple):
    """A problem built from parts (validation errors, framework 404/405)."""

    status: int
    code: str
    message: str
    allow: str | None = None  # a 405's allowed methods


class HTTPProblem(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(HTTPProblem):
    """A client over its request rate (RATE_LIMIT_PER_MINUTE): retry after the window."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidRequest(HTTPProblem):
    status = 422
    code = "invalid_request"


class InvalidParameter(InvalidRequest):
    """One named parameter is wrong; the message says which and why."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(f"Invalid parameter '{parameter}': {detail}")
        self.parameter = parameter
        self.detail = detail

    def renamed(self, names: dict[str, str]) -> InvalidParameter:
        """The same problem for a caller who spells the parameter differently."""
        return InvalidParameter(names.get(self.parameter, self.parameter), self.detail)


class Unauthorized(HTTPProblem):
    status = 401
    code = "unauthorized"


class Forbidden(HTTPProblem):
    status = 403
    code = "forbidden"


class NotFound(HTTPProblem):
    status = 404
    code = "not_found"


class MethodNotAllowed(HTTPProblem):
    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str, allow: str) -> None:
        super().__init__(message)
        self.allow = allow


class NotConfigured(HTTPProblem):
    """A variable this route needs is unset; the message names it, never a value."""

    status = 503
    code = "not_configured"


def no_route_message(path: str) -> str:
    """The 404 message; long paths are cut so an answer never echoes a huge input."""
    shown = path if len(path) <= 100 else path[:100] + "..."
    return f"No route for {shown}."


def not_allowed_message(method: str, allowed: str) -> str:
    """The 405 message; the method is cut short like a path (it is the caller's text)."""
    return f"{method[:20]} is not allowed here; use {allowed}."


def error_document(code: str, message: str, request_id: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, "request_id": request_id}}


def error_body(code: str, message: str, request_id: str) -> bytes:
    return json.dumps(error_document(code, message, request_id), separators=(",", ":")).encode()


def problem_headers(problem: Problem) -> dict[str, str]:
    headers = {}
    retry_after = getattr(problem, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(int(retry_after))
    if problem.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    allow = getattr(problem, "allow", None)
    if allow:
        headers["Allow"] = allow
    return headers
