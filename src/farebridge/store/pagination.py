"""Keyset (cursor) pagination: stable under inserts, no OFFSET scans."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, and_, or_

from farebridge.domain.errors import ValidationFailed
from farebridge.services.ports import Page, PageRequest
from farebridge.store.tables import UTCDateTime

MAX_LIMIT = 200

__all__ = ["Page", "PageRequest", "keyset_page"]


def _plain(value: Any) -> Any:
    """A cursor value as JSON can hold it: an instant (a created_at) as ISO 8601."""
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [_plain(value) for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _sort_value(value: Any, sort_column: ColumnElement[Any], *, field: str) -> Any:
    """The cursor's sort value in the column's type (an instant back from ISO 8601, a
    whole number for a number column): a cursor of another list is refused, never
    handed to the database."""
    refused = ValidationFailed("Not a valid cursor.", field=field, code="invalid_cursor")
    if isinstance(sort_column.type, DateTime | UTCDateTime):
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise refused from exc
        if parsed.tzinfo is None:
            raise refused
        return parsed
    try:
        python_type = sort_column.type.python_type
    except NotImplementedError:
        return value
    if python_type is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise refused
    if python_type is str and not isinstance(value, str):
        raise refused
    return value


def decode_cursor(cursor: str, *, field: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("Not a valid cursor.", field=field, code="invalid_cursor") from exc
    if not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], str):
        raise ValidationFailed("Not a valid cursor.", field=field, code="invalid_cursor")
    if "\x00" in values[1] or (isinstance(values[0], str) and "\x00" in values[0]):
        raise ValidationFailed("Not a valid cursor.", field=field, code="invalid_cursor")
    return values


def keyset_page(
    query: Select[Any],
    *,
    sort_column: ColumnElement[Any],
    id_column: ColumnElement[Any],
    page: PageRequest,
    descending: bool = False,
    execute: Any,
) -> tuple[list[Any], str | None, str | None]:
    """Run ``query`` for one page; return ``(rows, after_cursor, before_cursor)``.

    Rows must expose the sort value and id as their first two columns.
    """
    limit = max(1, min(page.limit, MAX_LIMIT))
    # Only ``before``: the page that ends there. Otherwise the page that starts after
    # ``after`` (or at the beginning), ending before ``before`` when both are given.
    backwards = page.before is not None and page.after is None
    cursor = page.before if backwards else page.after
    forward_descending = descending != backwards
    if cursor is not None:
        field = "before" if backwards else "after"
        query = query.where(
            _past(cursor, field, sort_column, id_column, descending=forward_descending)
        )
    if page.before is not None and not backwards:
        query = query.where(
            _past(page.before, "before", sort_column, id_column, descending=not descending)
        )
    order = (
        (sort_column.desc(), id_column.desc())
        if forward_descending
        else (sort_column.asc(), id_column.asc())
    )
    rows = list(execute(query.order_by(*order).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    if not rows:
        return rows, None, None
    first, last = rows[0], rows[-1]
    more_after = has_more if not backwards else True
    more_before = (cursor is not None) if not backwards else has_more
    after = encode_cursor([last[0], last[1]]) if more_after else None
    before = encode_cursor([first[0], first[1]]) if more_before else None
    return rows, after, before


def _past(
    cursor: str,
    field: str,
    sort_column: ColumnElement[Any],
    id_column: ColumnElement[Any],
    *,
    descending: bool,
) -> ColumnElement[bool]:
    """Rows beyond ``cursor`` in the order (descending or not) of sort value and id."""
    value, last_id = decode_cursor(cursor, field=field)
    value = _sort_value(value, sort_column, field=field)
    if descending:
        return or_(sort_column < value, and_(sort_column == value, id_column < last_id))
    return or_(sort_column > value, and_(sort_column == value, id_column > last_id))
