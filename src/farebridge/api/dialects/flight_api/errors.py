"""The flight_api dialect's error bodies, as Django REST framework answers them:

- a bad field: 400 ``{"field": ["message", ...]}`` (a missing one: "This field is
  required.");
- no session: 403 ``{"detail": "Authentication credentials were not provided."}``;
- a missing or wrong CSRF token: 403 ``{"detail": "CSRF Failed: ..."}``;
- a wrong password: 401 ``{"detail": "Invalid username and/or password."}``;
- an unknown booking or flight: 404 ``{"detail": "Not found."}``;
- anything else the engine refuses: its status with ``{"message": ...}``.

A username or an email already taken is a field error (400), as in Django.
"""

from __future__ import annotations

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
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)

NOT_LOGGED_IN = "Authentication credentials were not provided."
CSRF_MISSING = "CSRF Failed: CSRF token missing."
CSRF_WRONG = "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect."
REQUIRED = "This field is required."


class FlightApiError(e.FarebridgeError):
    """An answer only this dialect gives: ``status`` with ``{key: message}``."""

    def __init__(self, status: int, message: str, *, key: str = "message") -> None:
        super().__init__(message, code="flight_api")
        self.status = status
        self.key = key


class ErrorResponse(BaseModel):
    """``{"message": ...}``, ``{"detail": ...}``, or field errors ``{"field": [...]}``."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"additionalProperties": {"type": "array", "items": {"type": "string"}}},
    )

    message: str | None = None
    detail: str | None = None


DESCRIPTIONS = {
    400: 'A bad field ({"field": ["..."]}) or a bad request ({"message": "..."})',
    401: "Wrong username or password",
    402: "The card was declined",
    403: "Not logged in, or a missing or wrong X-CSRFToken",
    404: "No such booking or flight (or someone else's)",
    409: "The booking's state does not allow it",
    422: "The booking's state does not allow it",
    429: "Too many requests",
    503: "The airline side failed; try again",
    504: "The airline side timed out",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a call that can fail with ``statuses`` (and 400, 500)."""
    declared: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in sorted({400, *statuses})
    }
    declared["default"] = {"model": ErrorResponse, "description": "Unexpected error (500)"}
    return declared


def body(status: int, content: dict[str, Any]) -> JSONResponse:
    return JSONResponse(content, status_code=status)


def _answer(error: e.FarebridgeError) -> JSONResponse:
    if isinstance(error, FlightApiError):
        return body(error.status, {error.key: error.message})
    if isinstance(error, e.PayloadTooLarge):
        return body(413, {"detail": error.message})
    if isinstance(error, e.InvalidRequest | e.UsernameTaken | e.EmailAlreadyRegistered):
        if error.field:
            return body(400, {error.field: [error.message]})
        return body(400, {"message": error.message})
    if isinstance(error, e.NotAuthenticated):
        return body(401, {"detail": error.message})
    if isinstance(error, e.NotFound):
        return body(404, {"detail": "Not found."})
    status, _ = status_of(error)
    return body(status, {"message": error.message})


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    log.info("request.rejected", dialect="flight_api", code=exc.code)
    response = _answer(exc)
    if exc.retry_after_seconds is not None:
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return REQUIRED
    if kind == "string_too_long":
        return f"Ensure this field has no more than {context.get('max_length')} characters."
    if kind == "extra_forbidden":
        return "Unknown field."
    if kind in ("string_type",):
        return "Not a valid string."
    if kind.startswith("int_"):
        return "A valid integer is required."
    if kind.startswith("float_"):
        return "A valid number is required."
    return str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields: dict[str, list[str]] = {}
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return body(400, {"detail": "JSON parse error - the body is not valid JSON."})
        location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        if not location and error.get("type") in ("model_attributes_type", "dict_type"):
            message = "Invalid data. Expected a dictionary."
            return body(400, {"non_field_errors": [message]})
        name = ".".join(location) or "non_field_errors"
        fields.setdefault(name, []).append(_field_message(error))
    return body(400, fields or {"message": "Invalid request."})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = "Not found." if exc.status_code == 404 else str(exc.detail)
    return JSONResponse({"detail": detail}, exc.status_code, openapi.allow_header(request, exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", dialect="flight_api", error=repr(exc))
    return body(500, {"message": "internal error; it was logged - quote the x-request-id header"})


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(StoreUnreachable, store_unreachable_as(_domain_error))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
