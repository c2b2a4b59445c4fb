"""What the Duffel routes share: response envelopes for the OpenAPI document, limits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from farebridge.services.ports import PageRequest

Limit = Annotated[int, Query(ge=1, le=200)]


def paging(after: str | None = None, before: str | None = None, limit: Limit = 50) -> PageRequest:
    """Duffel's cursors: ``limit`` 1-200 (default 50), ``after`` / ``before`` from ``meta``."""
    return PageRequest(after, before, limit)


Paging = Annotated[PageRequest, Depends(paging)]


class Data(BaseModel):
    """``{"data": {...}}``: one Duffel object (see Duffel's API reference for its fields)."""

    model_config = ConfigDict(extra="allow")
    data: dict[str, Any]


class ListMeta(BaseModel):
    after: str | None
    before: str | None
    limit: int


class DataList(BaseModel):
    """``{"data": [...], "meta": {"after", "before", "limit"}}``: one page of a list."""

    model_config = ConfigDict(extra="allow")
    data: list[dict[str, Any]]
    meta: ListMeta


class DataArray(BaseModel):
    """``{"data": [...]}``: a whole list (seat maps)."""

    model_config = ConfigDict(extra="allow")
    data: list[dict[str, Any]]


def name_fields(request: Request, **names: str) -> None:
    """Errors about our field ``key`` name Duffel's field ``value`` instead."""
    request.state.duffel_fields = names
