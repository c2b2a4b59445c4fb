"""A flight's manifest: every booking on one flight on one date (admins only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import Segment
from farebridge.domain.order import Order, OrderStatus, Passenger

_FLIGHT = re.compile(r"^([A-Z0-9]{2})\s?(\d{1,4}[A-Z]?)$")


@dataclass(frozen=True, slots=True)
class FlightKey:
    """A marketed flight on its local departure date: BA117 on 2026-12-20."""

    carrier: str  # IATA code of the marketing carrier, "BA"
    number: str  # without the carrier, "117"
    departure_on: date  # local date at the origin

    @classmethod
    def parse(cls, flight: str, departure_on: date) -> FlightKey:
        found = _FLIGHT.match(flight.strip().upper())
        if found is None:
            raise ValidationFailed(
                f"{flight!r} is not a flight: a carrier code and a number, e.g. BA117.",
                field="flight",
                code="invalid_flight",
            )
        return cls(found.group(1), found.group(2).lstrip("0") or "0", departure_on)

    def matches(self, segment: Segment) -> bool:
        return (
            segment.marketing_carrier.iata_code == self.carrier
            and (segment.marketing_carrier_flight_number.lstrip("0") or "0") == self.number
            and segment.departing_at.date() == self.departure_on
        )


def segment_flight(segment: Segment) -> FlightKey:
    return FlightKey(
        segment.marketing_carrier.iata_code,
        segment.marketing_carrier_flight_number.lstrip("0") or "0",
        segment.departing_at.date(),
    )


@dataclass(frozen=True, slots=True)
class ManifestPassenger:
    passenger: Passenger
    seat: str | None  # "12A", or None when no seat was chosen


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    order_id: str
    booking_reference: str
    status: OrderStatus
    segment_id: str
    passengers: tuple[ManifestPassenger, ...]


def manifest_entry(order: Order, flight: FlightKey) -> ManifestEntry | None:
    """The order's booking on ``flight``, with each passenger's seat there; None if the
    order does not fly it."""
    for slice_ in order.slices:
        for segment in slice_.segments:
            if flight.matches(segment):
                seats = {
                    service.passenger_id: service.designator
                    for service in order.services
                    if service.type == "seat" and service.segment_id == segment.id
                }
                passengers = tuple(ManifestPassenger(p, seats.get(p.id)) for p in order.passengers)
                return ManifestEntry(
                    order.id, order.booking_reference, order.status, segment.id, passengers
                )
    return None
