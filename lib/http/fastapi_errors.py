"""The contract's error envelope for FastAPI apps: problems, 422s, 404s and 405s."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lib.http.context import current_request_id
from lib.http.errors import (
    HTTPProblem,
    Problem,
    ProblemDetails,
    error_document,
    no_route_message,
    not_allowed_message,
    problem_headers,
)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(
        error_document(problem.code, problem.message, current_request_id()),
        status_code=problem.status,
        headers={"Cache-Control": "no-store", **problem_headers(problem)},
    )


def validation_message(errors: list[dict[str, Any]]) -> str:
    """Name every bad parameter: the GPT fixes its call from this text alone."""
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        where = location[0] if location else "request"
        name = ".".join(location[1:]) or where
        parts.append(f"{where} parameter '{name}': {error.get('msg', 'invalid')}")
    return "Invalid " + "; ".join(parts) + "."


def install_error_handlers(app: FastAPI, problem_types: tuple[type[Exception], ...] = ()) -> None:
    """Answer every error in the envelope. ``problem_types`` carry status/code/message."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(exc)  # type: ignore[arg-type]

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message = validation_message(list(exc.errors()))
        return problem_response(ProblemDetails(422, "invalid_request", message))

    async def on_http_exception(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = no_route_message(request.url.path) if status == 404 else str(exc.detail)
        allow = (exc.headers or {}).get("Allow")  # Starlette's 405 names the route's methods
        if status == 405 and allow:
            message = not_allowed_message(request.method, allow)
        code = _HTTP_CODES.get(status, "invalid_request")
        return problem_response(ProblemDetails(status, code, message, allow))

    for problem_type in (HTTPProblem, *problem_types):
        app.add_exception_handler(problem_type, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
