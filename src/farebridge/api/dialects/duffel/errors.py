"""Duffel's error object, its codes, and this dialect's exception handlers.

Every error leaves as
``{"meta": {"status", "request_id"}, "errors": [{"type", "title", "message", "code",
"documentation_url", "source"?}]}``. The status is the engine's one error → HTTP map
(``farebridge.api.errors``) except where Duffel spells a category differently:
Duffel answers 422 for a state that forbids the action (sold out, price changed,
already paid or cancelled) and for invalid fields, where ``/api`` answers 409 and 400.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.api import openapi
from farebridge.api.errors import request_id_of, status_of, store_unreachable_as
from farebridge.domain import errors as e
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)
DOCS = "https://duffel.com/docs/api/overview/errors"

# our code → (Duffel's code, Duffel's type); codes not listed pass through.
CODES: dict[str, tuple[str, str]] = {
    "not_found": ("not_found", "invalid_request_error"),
    "offer_not_found": ("not_found", "invalid_request_error"),
    "order_not_found": ("not_found", "invalid_request_error"),
    "offer_request_not_found": ("not_found", "invalid_request_error"),
    "cancellation_not_found": ("not_found", "invalid_request_error"),
    "webhook_not_found": ("not_found", "invalid_request_error"),
    "offer_expired": ("offer_expired", "invalid_state_error"),
    "offer_no_longer_available": ("offer_no_longer_available", "invalid_state_error"),
    "departure_too_soon": ("offer_no_longer_available", "invalid_state_error"),
    "offer_price_changed": ("price_changed", "invalid_state_error"),
    "seat_unavailable": ("ancillary_service_not_available", "invalid_state_error"),
    "already_paid": ("already_paid", "invalid_state_error"),
    "already_cancelled": ("already_cancelled", "invalid_state_error"),
    "duplicate_booking": ("duplicate_booking", "invalid_state_error"),
    "order_expired": ("past_payment_required_by_date", "invalid_state_error"),
    "amount_mismatch": ("payment_amount_does_not_match_order_amount", "validation_error"),
    "currency_mismatch": ("payment_currency_does_not_match_order_currency", "validation_error"),
    "payments_not_allowed": ("pay_later_order_no_payment_for_ancillaries", "validation_error"),
    "payment_required": ("validation_required", "validation_error"),
    "required": ("validation_required", "validation_error"),
    "not_authenticated": ("missing_authorization_header", "authentication_error"),
    "invalid_token": ("access_token_not_found", "authentication_error"),
    "invalid_api_key": ("access_token_not_found", "authentication_error"),
    "rate_limited": ("rate_limit_exceeded", "rate_limit_error"),
    "provider_unavailable": ("airline_internal", "airline_error"),
    "provider_timeout": ("gateway_timeout_error", "api_error"),
    "payment_declined": ("payment_declined", "invalid_state_error"),
}

# categories Duffel answers with another status than /api
STATUS_OVERRIDES: list[tuple[type[e.FarebridgeError], int]] = [
    (e.Conflict, 422),
    (e.InvalidRequest, 422),
]


class DuffelError(e.FarebridgeError):
    """An error only this dialect raises (e.g. a bad ``Duffel-Version`` header)."""

    def __init__(self, status: int, kind: str, code: str, title: str, message: str) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.kind = kind
        self.title = title


class ErrorSource(BaseModel):
    field: str
    pointer: str


class ErrorItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    message: str
    code: str
    documentation_url: str
    source: ErrorSource | None = None


class ErrorMeta(BaseModel):
    status: int
    request_id: str


class ErrorResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta: ErrorMeta
    errors: list[ErrorItem]


DESCRIPTIONS = {
    400: "A bad Duffel-Version header or query parameter",
    401: "No, a bad or a revoked access token",
    402: "The payment was declined",
    404: "Unknown, expired or someone else's",
    409: "The request is already being processed",
    422: "Invalid field, or not possible in this state (sold out, price changed, paid…)",
    429: "Too many requests; see ratelimit-reset",
    503: "The airline side failed; safe to retry",
    504: "The airline side timed out; the outcome is unknown",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for an operation that can fail with ``statuses``."""
    declared: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in sorted({400, 401, 422, 429, *statuses})
    }
    declared["default"] = {"model": ErrorResponse, "description": "Unexpected error (500)"}
    return declared


def pointer(field: str) -> str:
    """``payments[0].amount`` → ``/data/payments/0/amount``; ``data`` → ``/data``."""
    if field == "data":
        return "/data"
    parts = field.replace("[", ".").replace("]", "").split(".")
    return "/data/" + "/".join(p for p in parts if p)


def item(
    kind: str, title: str, message: str, code: str, field: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind,
        "title": title,
        "message": message,
        "code": code,
        "documentation_url": DOCS,
    }
    if field:
        body["source"] = {"field": field, "pointer": pointer(field)}
    return body


def error_response(
    request: Request, status: int, items: list[dict[str, Any]], headers: dict[str, str] | None
) -> JSONResponse:
    body = {"meta": {"status": status, "request_id": request_id_of(request)}, "errors": items}
    return JSONResponse(body, status_code=status, headers=headers)


def _status(exc: e.FarebridgeError) -> tuple[int, str]:
    status, kind = status_of(exc)
    for category, override in STATUS_OVERRIDES:
        if isinstance(exc, category):
            status = override
    return status, kind


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    headers: dict[str, str] = {}
    if isinstance(exc, DuffelError):
        status, kind, code = exc.status, exc.kind, exc.code
    else:
        status, kind = _status(exc)
        code, kind = CODES.get(exc.code, (exc.code, kind))
        if isinstance(exc, e.InvalidRequest) and exc.code not in CODES:
            kind = "validation_error"
    if exc.retry_after_seconds is not None:
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if isinstance(exc, e.RateLimited):
        headers["ratelimit-remaining"] = "0"
        headers["ratelimit-reset"] = formatdate(time.time() + exc.retry_after_seconds, usegmt=True)
    if isinstance(exc, e.NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    field = getattr(request.state, "duffel_fields", {}).get(exc.field, exc.field)
    log.info("request.rejected", dialect="duffel", status=status, code=code, field=field)
    return error_response(
        request, status, [item(kind, exc.title, exc.message, code, field)], headers
    )


def _field_path(location: tuple[Any, ...]) -> str:
    parts = [p for p in location if p not in ("body", "query", "path", "header")]
    if parts and parts[0] == "data" and len(parts) > 1:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union")):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


_VALIDATION_CODES = {
    "missing": "validation_required",
    "string_too_long": "validation_length",
    "string_too_short": "validation_length",
    "too_long": "validation_length",
    "too_short": "validation_length",
    "literal_error": "validation_inclusion",
    "enum": "validation_inclusion",
}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = []
    status = 422
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            message = "The request body is not valid JSON."
            items.append(item("validation_error", "Malformed JSON", message, "malformed_json"))
            continue
        location = tuple(error.get("loc", ()))
        if location and location[0] in ("query", "header"):
            status = 400 if location[0] == "header" else status
        field = _field_path(location) or None
        message = str(error.get("msg", "Invalid value")).removeprefix("Value error, ")
        code = _VALIDATION_CODES.get(str(error.get("type")), "validation_format")
        text = f"{field}: {message}" if field else message
        items.append(item("validation_error", "Invalid field", text, code, field))
    return error_response(request, status, items, None)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
    body = item("invalid_request_error", title, str(exc.detail), code)
    return error_response(request, exc.status_code, [body], openapi.allow_header(request, exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", dialect="duffel", error=repr(exc))
    message = "Something went wrong on our side and it was logged. Quote the request id."
    return error_response(
        request, 500, [item("api_error", "Internal error", message, "internal")], None
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(StoreUnreachable, store_unreachable_as(_domain_error))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
