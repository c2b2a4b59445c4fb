"""schemathesis hooks for the Allmyles dialect (named by ``schemathesis_allmyles.toml``).

Rules of a search that JSON Schema cannot state, which the dialect rightly enforces
with a 400 naming the field (tests/e2e/test_allmyles_dialect.py checks them): the
locations are places the reference data knows (like ids that must exist), somewhere
else; an airport lies in its location; the dates are from today on, the return after
the departure; at most nine travellers in all; no more infants than adults. Before each
search the generated body is brought within them (London to New York, a departure in a
month, a return a week later, groups beyond the ninth traveller cut, an infant too many
travelling as an adult); it stays otherwise as generated.
In every body a text that holds a card number loses its digits (see
``schemathesis_rules.without_card_numbers``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis

from farebridge.api.dialects.allmyles.schemas import DATE_TIME
from tests.e2e.schemathesis_rules import PLACES, without_card_numbers

STAND_INS = {"from": ("LON", "LHR"), "to": ("NYC", "JFK")}
WELL_FORMED = re.compile(DATE_TIME)


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    case.body = without_card_numbers(case.body)
    if case.operation.path != "/flights" or case.method.upper() != "POST":
        return
    if not isinstance(case.body, dict):
        return
    body = case.body
    for end, (city, airport) in STAND_INS.items():
        location, within = body.get(f"{end}Location"), body.get(f"{end}Airport")
        if isinstance(location, str) and len(location) == 3:
            if not PLACES.is_known(location.upper()):
                body[f"{end}Location"] = location = city
            if isinstance(within, str) and len(within) == 3:
                inside = {a.iata_code for a in PLACES.expand(location.upper())}
                if within.upper() not in inside:
                    body[f"{end}Location"], body[f"{end}Airport"] = city, airport
    origin, destination = body.get("fromLocation"), body.get("toLocation")
    places = isinstance(origin, str) and isinstance(destination, str)
    if places and _overlap(str(origin), str(destination)):
        body["fromLocation"], body["toLocation"] = STAND_INS["from"][0], STAND_INS["to"][0]
        body.pop("fromAirport", None)
        body.pop("toAirport", None)
    departure = datetime.now(UTC).replace(microsecond=0, tzinfo=None) + timedelta(days=30)
    for field, day in (("departureDate", departure), ("returnDate", departure + timedelta(7))):
        if isinstance(body.get(field), str) and WELL_FORMED.match(body[field]):
            body[field] = day.isoformat()
    _at_most_nine(body.get("persons"))
    _infants_with_adults(body.get("persons"))


def _at_most_nine(persons: Any) -> None:
    """Groups cut (and, past the ninth traveller, left out) to nine travellers in all."""
    if not isinstance(persons, list):
        return
    kept, total = [], 0
    for group in persons:
        quantity = group.get("quantity") if isinstance(group, dict) else None
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            kept.append(group)
            continue
        room = 9 - total
        if room <= 0:
            continue
        if quantity > room:
            group["quantity"] = room
        total += min(quantity, room)
        kept.append(group)
    persons[:] = kept


def _overlap(first: str, second: str) -> bool:
    """The same place, or places with an airport in common (LON and LHR)."""
    ours = {a.iata_code for a in PLACES.expand(first.upper())} | {first.upper()}
    theirs = {a.iata_code for a in PLACES.expand(second.upper())} | {second.upper()}
    return bool(ours & theirs)


def _infants_with_adults(persons: Any) -> None:
    if not isinstance(persons, list):
        return
    groups = [p for p in persons if isinstance(p, dict) and isinstance(p.get("quantity"), int)]
    adults = sum(p["quantity"] for p in groups if p.get("passengerType") == "ADT")
    for group in (p for p in groups if p.get("passengerType") == "INF"):
        if group["quantity"] > adults:
            group["passengerType"] = "ADT"
