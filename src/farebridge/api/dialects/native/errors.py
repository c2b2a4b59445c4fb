"""The native error envelope, its exception handlers and its OpenAPI declarations.

Every error leaves as
``{"errors": [{"type", "title", "message", "code", "source"?}], "meta": {"status", "request_id"}}``
with the status that ``farebridge.api.errors`` gives the error's category.
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
from farebridge.api.errors import request_id_of, status_for, status_of, store_unreachable_as
from farebridge.domain import errors as e
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)


class ErrorSource(BaseModel):
    field: str


class ErrorItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    title: str
    message: str
    code: str
    source: ErrorSource | None = None  # sent only when the error is about one field


class ErrorMeta(BaseModel):
    status: int
    request_id: str


class ErrorResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    errors: list[ErrorItem]
    meta: ErrorMeta


DESCRIPTIONS = {
    400: "Invalid input: a field, the body, a query parameter or the Sandbox-Fault header",
    401: "No, a bad or an expired bearer token",
    402: "The payment was declined",
    403: "Forbidden: the action needs another role (the message names it)",
    404: "Unknown, expired or someone else's",
    409: "Conflict: sold out, price changed, already paid or cancelled",
    422: "Not possible in this state, or the amount does not match",
    429: "Too many requests; see Retry-After",
    503: "The airline side failed; safe to retry",
    504: "The airline side timed out; the outcome is unknown",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for an operation that can fail with ``statuses`` (and 500)."""
    declared: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in (400, *statuses)
    }
    declared["default"] = {"model": ErrorResponse, "description": "Unexpected error (500)"}
    return declared


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
    if exc.retry_after_seconds is not None:
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


def _validation_item(kind: str, error: dict[str, Any]) -> dict[str, Any]:
    if error.get("type") == "json_invalid":
        message = "The request body is not valid JSON."
        return _item(kind, "Malformed JSON", message, "malformed_json", None)
    message = str(error.get("msg", "Invalid value")).removeprefix("Value error, ")
    field = field_path(tuple(error.get("loc", ()))) or None
    text = f"{field}: {message}" if field else message
    return _item(kind, "Invalid field", text, str(error.get("type", "invalid")), field)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, kind = status_for(e.InvalidRequest)
    return error_response(request, status, [_validation_item(kind, x) for x in exc.errors()])


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    title = titles.get(exc.status_code, "Error")
    item = _item("invalid_request_error", title, str(exc.detail), code, None)
    return error_response(request, exc.status_code, [item], openapi.allow_header(request, exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", error=repr(exc))
    message = "Something went wrong on our side and it was logged. Retry, or quote the request id."
    item = _item("api_error", "Internal error", message, "internal_error", None)
    return error_response(request, 500, [item])


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(StoreUnreachable, store_unreachable_as(_domain_error))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def install_for_unknown_paths(app: FastAPI) -> None:
    """For the root app: a path that no dialect serves is a 404 in this envelope.

    Crashes are answered (and logged, once) by the dialect that served the request.
    """
    app.add_exception_handler(StarletteHTTPException, _http_error)
