"""Building Duffel request bodies and reading Duffel orders: search, passengers, extras,
tickets and the airline's changes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from farebridge.domain.errors import SeatUnavailable, ValidationFailed
from farebridge.domain.fare_rules import FareRules, RuleSection
from farebridge.domain.offer import Offer, OfferService
from farebridge.domain.order import EXCESS_BAGGAGE, OrderService, Passenger
from farebridge.domain.search import PassengerType, SearchCriteria
from farebridge.providers.base import BookingChange
from farebridge.providers.duffel.mapping import Json, SeatChoice

DEFAULT_AGES = {PassengerType.CHILD: 8, PassengerType.INFANT_WITHOUT_SEAT: 1}


def search_body(criteria: SearchCriteria) -> Json:
    """``POST /air/offer_requests``: children and infants by age, adults by type."""
    slices: list[Json] = []
    for item in criteria.slices:
        wire: Json = {
            "origin": item.origin,
            "destination": item.destination,
            "departure_date": item.departure_date.isoformat(),
        }
        if item.departure_time is not None:
            wire["departure_time"] = {
                "from": item.departure_time.start.strftime("%H:%M"),
                "to": item.departure_time.end.strftime("%H:%M"),
            }
        if item.arrival_time is not None:
            wire["arrival_time"] = {
                "from": item.arrival_time.start.strftime("%H:%M"),
                "to": item.arrival_time.end.strftime("%H:%M"),
            }
        slices.append(wire)
    passengers: list[Json] = [
        {"type": "adult"}
        if p.type is PassengerType.ADULT
        else {"age": p.age if p.age is not None else DEFAULT_AGES[p.type]}
        for p in criteria.passengers
    ]
    return {
        "slices": slices,
        "passengers": passengers,
        "cabin_class": criteria.cabin_class.value,
        "max_connections": criteria.max_connections,
    }


def order_passengers(
    offer: Offer, passengers: Sequence[Passenger], duffel_ids: Mapping[str, str]
) -> list[Json]:
    """``passengers`` of ``POST /air/orders``: Duffel's ids, contact details on everyone
    (Duffel requires them; a passenger without takes the first one given), infants on
    the laps of the first adults."""
    email = next((p.email for p in passengers if p.email), None)
    phone = next((p.phone_number for p in passengers if p.phone_number), None)
    infants = [duffel_ids[p.id] for p in passengers if p.type is PassengerType.INFANT_WITHOUT_SEAT]
    wire: list[Json] = []
    for passenger in passengers:
        item: Json = {
            "id": duffel_ids[passenger.id],
            "title": passenger.title.lower(),
            "gender": passenger.gender.lower()[:1],
            "given_name": passenger.given_name,
            "family_name": passenger.family_name,
            "born_on": passenger.born_on.isoformat(),
            "email": passenger.email or email,
            "phone_number": passenger.phone_number or phone,
        }
        if passenger.identity_documents:
            item["identity_documents"] = [
                {
                    "type": document.type,
                    "unique_identifier": document.unique_identifier,
                    "issuing_country_code": document.issuing_country_code,
                    "expires_on": document.expires_on.isoformat(),
                }
                for document in passenger.identity_documents
            ]
        if passenger.type is PassengerType.ADULT and infants:
            item["infant_passenger_id"] = infants.pop(0)
        wire.append(item)
    return wire


def price_services(
    offer: Offer,
    requests: Sequence[tuple[str, int]],
    seat_choices: Callable[[], dict[str, SeatChoice]],
) -> list[OrderService]:
    """Bags from the offer's ``available_services``; seats from Duffel's seat maps
    (read only when a requested id is not a bag)."""
    bags = {service.id: service for service in offer.available_services}
    seats: dict[str, SeatChoice] | None = None
    seen: set[str] = set()
    seated: set[tuple[str, str]] = set()
    priced: list[OrderService] = []
    for index, (service_id, quantity) in enumerate(requests):
        where = f"services[{index}]"
        if service_id in seen:
            raise ValidationFailed(f"Service {service_id} is repeated.", field=where)
        seen.add(service_id)
        if service_id in bags:
            priced.append(_bag(bags[service_id], quantity, where))
            continue
        seats = seats if seats is not None else seat_choices()
        seat = seats.get(service_id)
        if seat is None:
            raise ValidationFailed(f"No service {service_id} on this offer.", field=where)
        if quantity != 1 or (seat.passenger_id, seat.segment_id) in seated:
            raise ValidationFailed(
                "A passenger takes one seat on each flight.", field=f"{where}.quantity"
            )
        seated.add((seat.passenger_id, seat.segment_id))
        priced.append(
            OrderService(
                id=service_id,
                type="seat",
                segment_id=seat.segment_id,
                passenger_id=seat.passenger_id,
                total=seat.total,
                designator=seat.designator,
            )
        )
    return priced


def duffel_services(
    bags: Mapping[str, Any],
    services: Sequence[OrderService],
    seat_choices: Callable[[], dict[str, SeatChoice]],
) -> tuple[list[tuple[str, int]], Decimal]:
    """Duffel's ids and quantities for our chosen extras, and what they add to Duffel's
    price; ``SeatUnavailable`` when a chosen seat is no longer on sale."""
    seats: dict[str, SeatChoice] | None = None
    chosen: list[tuple[str, int]] = []
    extra = Decimal(0)
    for service in services:
        if service.type == EXCESS_BAGGAGE:  # farebridge's own extra: not Duffel's to sell
            continue
        if service.id in bags:
            chosen.append((str(bags[service.id]["id"]), service.quantity))
            extra += Decimal(str(bags[service.id]["amount"])) * service.quantity
            continue
        seats = seats if seats is not None else seat_choices()
        seat = seats.get(service.id)
        if seat is None:
            raise SeatUnavailable(f"Seat {service.designator} is no longer available.")
        chosen.append((seat.duffel_service_id, 1))
        extra += Decimal(seat.duffel_amount)
    return chosen, extra


def _bag(service: OfferService, quantity: int, where: str) -> OrderService:
    if not 1 <= quantity <= service.maximum_quantity:
        raise ValidationFailed(
            f"Between 1 and {service.maximum_quantity} of service {service.id}.",
            field=f"{where}.quantity",
        )
    return OrderService(
        id=service.id,
        type="baggage",
        segment_id=None,
        passenger_id=service.passenger_id,
        total=service.unit_price * quantity,
        slice_id=service.slice_id,
        quantity=quantity,
    )


def fare_rules_of(offer: Offer) -> FareRules:
    """Duffel gives conditions, not rule text: the fare basis codes and what the
    conditions allow."""
    codes = tuple(
        dict.fromkeys(
            segment.fare_basis_code
            for item in offer.slices
            for segment in item.segments
            if segment.fare_basis_code
        )
    )
    sections = []
    for title, rule in (
        ("Refunds", offer.conditions.refund_before_departure),
        ("Changes", offer.conditions.change_before_departure),
    ):
        if not rule.allowed:
            text = "Not permitted before departure."
        else:
            text = f"Permitted before departure; penalty {rule.penalty or 'none'}."
        sections.append(RuleSection("PE", title, text))
    return FareRules(offer_id=offer.id, fare_basis_codes=codes, sections=tuple(sections))


def ticket_number(identifier: str) -> str:
    """``1252212312455`` → ``125-2212312455`` (the airline's prefix first)."""
    digits = identifier.replace("-", "").strip()
    if len(digits) == 13 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:]}"
    return identifier


def flight_of(segment: Json) -> str:
    carrier = (segment.get("marketing_carrier") or {}).get("iata_code") or ""
    return f"{carrier}{segment.get('marketing_carrier_flight_number') or ''}"


def departures_of(order: Json) -> dict[str, str]:
    """Each flight of an order and its local departure time, as booked."""
    return {
        flight_of(segment): str(segment["departing_at"])
        for item in order.get("slices") or []
        for segment in item.get("segments") or []
    }


def _minutes(before: str, after: str) -> int:
    moved = datetime.fromisoformat(after) - datetime.fromisoformat(before)
    return int(moved.total_seconds() // 60)


def _change(flight: str, before: str, after: str, salt: str) -> BookingChange:
    digest = hashlib.sha256(f"{salt}:{flight}:{before}:{after}".encode()).hexdigest()[:20]
    minutes = _minutes(before, after)
    moved_to = datetime.fromisoformat(after)
    when = "later" if minutes >= 0 else "earlier"
    return BookingChange(
        id=f"chg_{digest}",
        kind="schedule_change",
        flight=flight,
        departure_on=datetime.fromisoformat(before).date(),
        minutes=minutes,
        message=f"Flight {flight} now departs at {moved_to.strftime('%Y-%m-%d %H:%M')} "
        f"local time, {abs(minutes)} minutes {when}.",
    )


def _described_change(item: Json, salt: str) -> BookingChange | None:
    """A change with no segments but described by ``flight``, ``departure_on``, ``minutes``
    and ``message`` (how another farebridge's Duffel dialect reports a retimed flight)."""
    if item.get("added") or not item.get("flight") or item.get("minutes") is None:
        return None
    digest = hashlib.sha256(f"{salt}:{item.get('id')}".encode()).hexdigest()[:20]
    return BookingChange(
        id=f"chg_{digest}",
        kind="schedule_change",
        flight=str(item["flight"]),
        departure_on=date.fromisoformat(str(item["departure_on"])),
        minutes=int(item["minutes"]),
        message=str(item.get("message") or f"Flight {item['flight']} was retimed."),
    )


def booking_changes_from(
    order: Json, booked: Mapping[str, str], *, salt: str
) -> list[BookingChange]:
    """Retimed flights: from Duffel's ``airline_initiated_changes`` (removed → added
    segments of one flight), and any flight whose time differs from when it was booked."""
    changes: dict[str, BookingChange] = {}
    for item in order.get("airline_initiated_changes") or []:
        described = _described_change(item, salt)
        if described is not None:
            changes[described.flight] = described
            continue
        removed = {
            flight_of(s): str(s["departing_at"])
            for sl in item.get("removed") or []
            for s in sl.get("segments") or []
        }
        for sl in item.get("added") or []:
            for segment in sl.get("segments") or []:
                flight, after = flight_of(segment), str(segment["departing_at"])
                before = removed.get(flight) or booked.get(flight)
                if before and before != after:
                    changes[flight] = _change(flight, before, after, salt)
    for flight, after in departures_of(order).items():
        before = booked.get(flight)
        if flight not in changes and before and before != after:
            changes[flight] = _change(flight, before, after, salt)
    return list(changes.values())
