"""schemathesis hooks for tests/e2e/test_schemathesis.py (loaded by ``schemathesis.toml``).

Rules of a journey that JSON Schema cannot state (they tie two fields together, or a
field to today's date), which the API rightly enforces with a 400 naming the field
(domain/search.validate_criteria; tests/e2e/test_workflow.py and
tests/unit/test_flexible_dates.py check them):

- a slice goes from and to places the reference data knows (``unknown_place``: a
  code of ``GET /api/places``, like an id that must exist) and somewhere else
  (``same_origin_destination``);
- it departs between today and the booking horizon (``past_date``, ``beyond_horizon``);
- slices are in date order (``slices_out_of_order``);
- a time window does not end before it starts (``invalid_time_window``);
- flexible dates are for one-way and return searches (``flexible_dates_not_supported``);
- no more infants without a seat than adults (``too_many_infants``: a count).

So before each call the generated request is brought within them: a known
airport for an unknown code, another destination, a date in a month (one day later
per slice), a window's ends in order, no flexible days on a multi-city search, an
infant too many travelling as an adult. It stays otherwise as generated (valid or
not), so every other check still sees what schemathesis made.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import schemathesis

from farebridge.places_data import load_places

SLICE_BODIES = frozenset({"/offer-requests", "/order_change_requests"})
HORIZON_DAYS = 300
PLACES = load_places()
ADULT_AGE, CHILD_MIN_AGE = 18, 2
MAX_FLEXIBLE_SLICES = 2


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    if case.operation.path == "/offers" and isinstance(case.query, dict):
        _ordered_window(case.query, "departure_time_from", "departure_time_to")
    if case.operation.path not in SLICE_BODIES or not isinstance(case.body, dict):
        return
    slices = case.body.get("slices")
    if isinstance(slices, dict):  # an order change request: {"remove": [...], "add": [...]}
        slices = slices.get("add")
    if not isinstance(slices, list):
        return
    first = datetime.now(UTC).date() + timedelta(days=30)
    for index, part in enumerate(slices):
        if isinstance(part, dict):
            _journey(part, first + timedelta(days=index))
    _infants_with_adults(case.body.get("passengers"))
    flexible = case.body.get("flexible_days")
    if isinstance(flexible, int) and flexible and len(slices) > MAX_FLEXIBLE_SLICES:
        case.body["flexible_days"] = 0


def _infants_with_adults(passengers: Any) -> None:
    if not isinstance(passengers, list):
        return
    people = [p for p in passengers if isinstance(p, dict)]
    adults = sum(1 for p in people if _kind(p) == "adult")
    for person in (p for p in people if _kind(p) == "infant_without_seat"):
        if adults > 0:
            adults -= 1
        else:
            person["type"], person["age"] = "adult", None


def _kind(person: dict[str, Any]) -> str | None:
    kind, age = person.get("type"), person.get("age")
    if kind is None and isinstance(age, int | float) and not isinstance(age, bool):
        return (
            "adult"
            if age >= ADULT_AGE
            else "child"
            if age >= CHILD_MIN_AGE
            else "infant_without_seat"
        )
    return kind if isinstance(kind, str) else None


def _journey(part: dict[str, Any], day: date) -> None:
    for end, stand_in in (("origin", "CDG"), ("destination", "JFK")):
        code = part.get(end)
        if isinstance(code, str) and len(code) == 3 and not PLACES.is_known(code.upper()):
            part[end] = stand_in
    origin, destination = part.get("origin"), part.get("destination")
    same = isinstance(origin, str) and isinstance(destination, str)
    if same and str(origin).upper() == str(destination).upper():
        part["destination"] = "LHR" if str(origin).upper() != "LHR" else "JFK"
    departure = part.get("departure_date")
    if isinstance(departure, str) and _is_date(departure):
        part["departure_date"] = day.isoformat()
    for window in ("departure_time", "arrival_time"):
        if isinstance(part.get(window), dict):
            _ordered_window(part[window], "from", "to")


def _ordered_window(holder: dict[str, Any], start: str, end: str) -> None:
    """Swap the window's ends when both are times (HH:MM…) and the start is later."""
    low, high = holder.get(start), holder.get(end)
    if isinstance(low, str) and isinstance(high, str) and _clock(low) > _clock(high) > "":
        holder[start], holder[end] = high, low


def _clock(text: str) -> str:
    """``HH:MM[:SS[.ffffff]]`` zero-padded to compare as text; empty when it is not one."""
    parts = text.split(":")
    if len(parts) < 2 or not all(p.replace(".", "", 1).isdigit() for p in parts):
        return ""
    seconds = parts[2] if len(parts) > 2 else "00"
    whole, _, fraction = seconds.partition(".")
    return f"{parts[0]:>02}:{parts[1]:>02}:{whole:>02}.{fraction:<06}"


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
