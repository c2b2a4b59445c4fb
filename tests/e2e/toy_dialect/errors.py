"""The toy envelope; the statuses come from the shared category map."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from farebridge.api.errors import status_for, status_of
from farebridge.domain import errors as e


class Problem(BaseModel):
    reason: str
    detail: str
    http: int


class ToyError(BaseModel):
    error: Problem


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    declared: dict[int | str, dict[str, Any]] = {s: {"model": ToyError} for s in statuses}
    return {**declared, "default": {"model": ToyError}}


def _reply(status: int, reason: str, detail: str) -> JSONResponse:
    body = ToyError(error=Problem(reason=reason, detail=detail, http=status))
    return JSONResponse(body.model_dump(), status_code=status)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    return _reply(status_of(exc)[0], exc.code, exc.message)


async def _invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    return _reply(status_for(e.InvalidRequest)[0], first["type"], str(first["msg"]))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return _reply(exc.status_code, "no_such_thing", str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(RequestValidationError, _invalid_input)
    app.add_exception_handler(HTTPException, _http_error)
