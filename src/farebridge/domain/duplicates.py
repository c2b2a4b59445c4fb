"""Duplicate bookings (ADR 0015): the same passengers on the same flights, twice.

An order is a duplicate of a *live* order of the same account (not failed,
cancelled or expired) made within the duplicate-booking window when both have
the same :func:`booking_fingerprint`:

* every passenger by normalised family name, given name and birth date
  (case, accents, spaces, hyphens and apostrophes do not count: "Anne-Marie
  O'Brien" is "ANNE MARIE OBRIEN");
* every segment by marketing carrier, flight number (leading zeros do not count)
  and local departure date.

Order, fares, cabins, prices, contact details and extras do not count: two
bookings of the same people on the same flights are one too many, whatever was
bought. The fingerprint is a sha256 of the sorted parts, so that the store can
hold it under a unique key (a database constraint, never check-then-act).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from farebridge.domain.itinerary import Segment, Slice
from farebridge.domain.order import OrderStatus, Passenger

# An order in one of these no longer holds its fingerprint: booking the same again is new.
ENDED_STATUSES = frozenset({OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED})


def normalise_name(name: str) -> str:
    """Upper case ASCII letters only: accents folded, punctuation and spaces dropped."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = (c for c in decomposed if not unicodedata.combining(c) and c.isalnum())
    return "".join(letters).upper()


def passenger_part(passenger: Passenger) -> str:
    family = normalise_name(passenger.family_name)
    given = normalise_name(passenger.given_name)
    return f"{family}/{given}/{passenger.born_on.isoformat()}"


def flight_part(segment: Segment) -> str:
    carrier = segment.marketing_carrier.iata_code.strip().upper()
    number = segment.marketing_carrier_flight_number.strip().upper().lstrip("0") or "0"
    return f"{carrier}{number}/{segment.departing_at.date().isoformat()}"


def booking_parts(passengers: Iterable[Passenger], slices: Iterable[Slice]) -> list[str]:
    """The sorted, normalised parts the fingerprint hashes (shown for debugging)."""
    people = sorted(passenger_part(p) for p in passengers)
    flights = sorted(flight_part(s) for slice_ in slices for s in slice_.segments)
    return [f"passenger:{p}" for p in people] + [f"flight:{f}" for f in flights]


def booking_fingerprint(passengers: Iterable[Passenger], slices: Iterable[Slice]) -> str:
    """sha256 (hex) of :func:`booking_parts`: equal for the same people on the same flights."""
    text = "\n".join(booking_parts(passengers, slices))
    return hashlib.sha256(text.encode()).hexdigest()
