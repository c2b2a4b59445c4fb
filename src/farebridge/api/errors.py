"""The one error → HTTP map. Nothing below ``api/`` knows about HTTP.

Every error leaves as
``{"errors": [{"type", "title", "message", "code", "source"?}], "meta": {"status", "request_id"}}``.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.domain import errors as e

log = structlog.get_logger(__name__)

# category → (HTTP status, Duffel-style error type)
STATUS: list[tuple[type[e.FarebridgeError], int, str]] = [
    (e.InvalidRequest, 400, "validation_error"),
    (e.NotAuthenticated, 401, "authentication_error"),
    (e.PaymentFailed, 402, "payment_error"),
    (e.NotAllowed, 403, "authorization_error"),
    (e.NotFound, 404, "invalid_request_error"),
    (e.Conflict, 409, "invalid_state_error"),
    (e.InvalidState, 422, "invalid_state_error"),
    (e.RateLimited, 429, "rate_limit_error"),
    (e.UpstreamUnavailable, 503, "airline_error"),
    (e.UpstreamTimeout, 504, "airline_error"),
]


def status_of(error: e.FarebridgeError) -> tuple[int, str]:
    for category, status, kind in STATUS:
        if isinstance(error, category):
            return status, kind
    return 500, "api_error"


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def error_response(
    request: Request,
    status: int,
    items: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"errors": items, "meta": {"status": status, "request_id": request_id_of(request)}}
    return JSONResponse(body, status_code=status, headers=headers)


def _item(kind: str, title: str, message: str, code: str, field: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": kind, "title": title, "message": message, "code": code}
    if field:
        item["source"] = {"field": field}
    return item


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    status, kind = status_of(exc)
    headers = {}
    if isinstance(exc, e.RateLimited):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if isinstance(exc, e.NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    log.info("request.rejected", status=status, code=exc.code, field=exc.field)
    return error_response(
        request, status, [_item(kind, exc.title, exc.message, exc.code, exc.field)], headers
    )


def field_path(location: tuple[Any, ...]) -> str:
    """``("body", "slices", 0, "departure_date")`` → ``slices[0].departure_date``."""
    parts = [p for p in location if p not in ("body", "query", "path", "header", "data")]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in {"function-after", "function-before", "tagged-union"}:
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = []
    for error in exc.errors():
        location = tuple(error.get("loc", ()))
        kind = error.get("type", "invalid")
        if kind == "json_invalid":
            items.append(
                _item(
                    "validation_error",
                    "Malformed JSON",
                    "The request body is not valid JSON.",
                    "malformed_json",
                    None,
                )
            )
            continue
        message = str(error.get("msg", "Invalid value")).removeprefix("Value error, ")
        field = field_path(location) or None
        items.append(
            _item(
                "validation_error",
                "Invalid field",
                f"{field}: {message}" if field else message,
                kind,
                field,
            )
        )
    return error_response(request, 400, items)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(
        request,
        exc.status_code,
        [
            _item(
                "invalid_request_error",
                titles.get(exc.status_code, "Error"),
                str(exc.detail),
                code,
                None,
            )
        ],
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", error=repr(exc))
    return error_response(
        request,
        500,
        [
            _item(
                "api_error",
                "Internal error",
                "Something went wrong on our side and it was logged. "
                "Retry, or quote the request id.",
                "internal_error",
                None,
            )
        ],
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
