"""NestJS's error body, as the source project answers: ``{"statusCode": 400,
"message": "bookingCode must be shorter than or equal to 50 characters",
"error": "Bad Request"}``. Invalid fields are named by their wire names, in
class-validator's words; statuses come from the shared map (``api/errors.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.api import openapi
from farebridge.api.errors import status_of, store_unreachable_as
from farebridge.domain import errors as e
from farebridge.domain.booking_records import (
    BOOKING_CODE_MAX,
    NOTES_MAX,
    SEAT_NUMBER_MAX,
    BookingReason,
    SeatingClass,
    SeatType,
)
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)

PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}

# our field names → the seed's
WIRE_FIELDS = {
    "flight_id": "flightId",
    "booking_code": "bookingCode",
    "seat_number": "seatNumber",
    "seat_type": "seatType",
    "seating_class": "seatingClass",
    "reason": "reason",
    "notes": "notes",
    "id": "bookingId",
}
_LIMITS = {
    "flightId": 40,
    "bookingCode": BOOKING_CODE_MAX,
    "seatNumber": SEAT_NUMBER_MAX,
    "notes": NOTES_MAX,
}
_ENUMS: dict[str, type[StrEnum]] = {
    "seatType": SeatType,
    "seatingClass": SeatingClass,
    "reason": BookingReason,
}


class ErrorResponse(BaseModel):
    """NestJS's error body (the source's ``GenericErrorEntity`` plus NestJS's fields)."""

    model_config = ConfigDict(extra="forbid")

    statusCode: int  # noqa: N815 - the seed's name
    message: str
    error: str


DESCRIPTIONS = {
    400: "Invalid request parameters or flight not found",
    401: "User is not authenticated",
    404: "Booking not found",
    409: "The booking changed too often while being updated; retry",
    429: "Too many bookings a minute; see Retry-After",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for an operation that can fail with ``statuses`` (and 500)."""
    declared: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in sorted({400, 401, *statuses})
    }
    declared["default"] = {"model": ErrorResponse, "description": "Internal server error"}
    return declared


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"statusCode": status, "message": message, "error": PHRASES.get(status, "Error")}
    return JSONResponse(body, status_code=status, headers=headers)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    status, _ = status_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, e.NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if exc.retry_after_seconds is not None:
        headers["Retry-After"] = str(exc.retry_after_seconds)
    message = exc.message
    field = WIRE_FIELDS.get(exc.field or "", exc.field)
    if field and field not in message:
        message = f"{field}: {message}"
    log.info("request.rejected", dialect="booking_records", status=status, code=exc.code)
    return error_response(status, message, headers)


def field_message(error: dict[str, Any]) -> str:
    """One pydantic error in class-validator's words, naming the wire field."""
    location = [str(p) for p in error.get("loc", ()) if p not in ("body", "path", "query")]
    kind = str(error.get("type"))
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if not location:
        return "The request body must be a JSON object."
    field = location[0]
    if kind == "extra_forbidden":
        return f"property {field} should not exist"
    if kind == "missing":
        return f"{field} should not be empty, {field} must be a string"
    if field in _ENUMS and kind in ("enum", "literal_error", "string_type"):
        values = ", ".join(member.value for member in _ENUMS[field])
        return f"{field} must be one of the following values: {values}"
    if kind == "string_too_long":
        return f"{field} must be shorter than or equal to {_LIMITS.get(field, '')} characters"
    if kind == "string_too_short":
        return f"{field} should not be empty"
    if kind == "string_type":
        return f"{field} must be a string"
    return f"{field}: {error.get('msg', 'invalid value')}"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = list(dict.fromkeys(field_message(error) for error in exc.errors()))
    log.info("request.rejected", dialect="booking_records", status=400, code="invalid_field")
    return error_response(400, "; ".join(messages))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = {404: f"Cannot {request.method} {request.url.path}"}.get(
        exc.status_code, str(exc.detail)
    )
    return error_response(exc.status_code, message, openapi.allow_header(request, exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", dialect="booking_records", error=repr(exc))
    return error_response(500, "Internal server error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(StoreUnreachable, store_unreachable_as(_domain_error))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
