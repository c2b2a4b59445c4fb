"""Rules of a journey that JSON Schema cannot state, shared by the schemathesis hooks
of /api (``schemathesis_hooks.py``) and of the Duffel dialect
(``schemathesis_duffel_hooks.py``): see the former's docstring."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from farebridge.api.hygiene import NOT_FREE_TEXT
from farebridge.domain.hygiene import holds_card_number
from farebridge.domain.search import MAX_FLEXIBLE_SLICES, PassengerType
from farebridge.places_data import load_places

PLACES = load_places()


def search_within_rules(search: dict[str, Any]) -> None:
    """A search body (``slices`` or an order change's ``slices.add``, ``passengers``,
    ``flexible_days``) brought within the rules, in place."""
    slices = search.get("slices")
    if isinstance(slices, dict):  # an order change request: {"remove": [...], "add": [...]}
        slices = slices.get("add")
    if not isinstance(slices, list):
        return
    first = datetime.now(UTC).date() + timedelta(days=30)
    for index, part in enumerate(slices):
        if isinstance(part, dict):
            journey(part, first + timedelta(days=index))
    infants_with_adults(search.get("passengers"))
    flexible = search.get("flexible_days")
    # JSON's 3.0 is an integer too: the API reads it as 3.
    number = isinstance(flexible, int | float) and not isinstance(flexible, bool)
    if number and flexible and len(slices) > MAX_FLEXIBLE_SLICES:
        search["flexible_days"] = 0


def infants_with_adults(passengers: Any) -> None:
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
        return PassengerType.for_age(int(age)).value
    return kind if isinstance(kind, str) else None


def journey(part: dict[str, Any], day: date) -> None:
    for end, stand_in in (("origin", "CDG"), ("destination", "JFK")):
        code = part.get(end)
        if isinstance(code, str) and len(code) == 3 and not PLACES.is_known(code.upper()):
            part[end] = stand_in
    origin, destination = part.get("origin"), part.get("destination")
    same = isinstance(origin, str) and isinstance(destination, str)
    if same and str(origin).upper() == str(destination).upper():
        part["destination"] = "LHR" if str(origin).upper() != "LHR" else "JFK"
    departure = part.get("departure_date")
    if isinstance(departure, str) and is_date(departure):
        part["departure_date"] = day.isoformat()
    for window in ("departure_time", "arrival_time"):
        if isinstance(part.get(window), dict):
            ordered_window(part[window], "from", "to")


def ordered_window(holder: dict[str, Any], start: str, end: str) -> None:
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


def is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def without_card_numbers(value: Any, key: str = "") -> Any:
    """``value`` with the digits of any text that holds a card number (a Luhn-valid run
    of 13-19 digits: domain.hygiene.holds_card_number) made letters, as the hygiene
    middleware refuses them in any free text and JSON Schema cannot state a checksum.
    Phone numbers and passwords are not checked there, so they stay."""
    if isinstance(value, str):
        if holds_card_number(value) and not any(word in key.lower() for word in NOT_FREE_TEXT):
            return re.sub(r"[0-9]", "x", value)
        return value
    if isinstance(value, dict):
        return {name: without_card_numbers(item, str(name)) for name, item in value.items()}
    if isinstance(value, list):
        return [without_card_numbers(item, key) for item in value]
    return value
