"""Reference data: airports, cities, airlines and aircraft, listed a page at a time.

Pages are keyed by IATA code (the cursor is the last code of the page), so they are
stable while the lists do not change, which is between releases.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import TypeVar

from farebridge.domain.errors import NotFound, ValidationFailed
from farebridge.domain.itinerary import Aircraft, Carrier
from farebridge.domain.places import Airport
from farebridge.services.ports import Dependencies, Page, PageRequest

T = TypeVar("T")
MAX_LIMIT = 200


def _cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def _code(cursor: str, field: str) -> str:
    try:
        return base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except ValueError as exc:
        raise ValidationFailed("Not a valid cursor.", field=field, code="invalid_cursor") from exc


def page_by_code(items: Sequence[T], code: Callable[[T], str], page: PageRequest) -> Page[T]:
    """One page of ``items`` (sorted by ``code``) after or before a cursor."""
    limit = max(1, min(page.limit, MAX_LIMIT))
    codes = [code(item) for item in items]
    if page.before is not None:
        end = _bisect(codes, _code(page.before, "before"))
        start = max(0, end - limit)
    else:
        start = 0
        if page.after is not None:
            after = _code(page.after, "after")
            start = _bisect(codes, after)
            if start < len(codes) and codes[start] == after:
                start += 1
        end = min(len(items), start + limit)
    chunk = list(items[start:end])
    after_cursor = _cursor(codes[end - 1]) if end < len(items) and chunk else None
    before_cursor = _cursor(codes[start]) if start > 0 and chunk else None
    return Page(chunk, after_cursor, before_cursor, limit)


def _bisect(codes: list[str], code: str) -> int:
    low, high = 0, len(codes)
    while low < high:
        middle = (low + high) // 2
        if codes[middle] < code:
            low = middle + 1
        else:
            high = middle
    return low


def list_airports(deps: Dependencies, *, page: PageRequest) -> Page[Airport]:
    airports = deps.places.airports()
    ordered = [airports[code] for code in sorted(airports)]
    return page_by_code(ordered, lambda a: a.iata_code, page)


def get_airport(deps: Dependencies, *, code: str) -> Airport:
    found = deps.places.airport(code) if code else None
    if found is None:
        raise NotFound(f"No airport {code}.", code="not_found")
    return found


def list_airlines(deps: Dependencies, *, page: PageRequest) -> Page[Carrier]:
    return page_by_code(deps.reference.airlines, lambda a: a.iata_code, page)


def _by_code(items: Sequence[T], code: str, kind: str) -> T:
    for item in items:
        if getattr(item, "iata_code", None) == code:
            return item
    raise NotFound(f"No {kind} {code}.", code="not_found")


def get_airline(deps: Dependencies, *, code: str) -> Carrier:
    return _by_code(deps.reference.airlines, code, "airline")


def list_aircraft(deps: Dependencies, *, page: PageRequest) -> Page[Aircraft]:
    return page_by_code(deps.reference.aircraft, lambda a: a.iata_code, page)


def get_aircraft(deps: Dependencies, *, code: str) -> Aircraft:
    return _by_code(deps.reference.aircraft, code, "aircraft")
