"""The words of each notification: subject, plain-text body and its HTML alternative.

Every message names the booking reference, summarises the itinerary (flights at
airport-local times), states the total and says what to do next. Pure functions of
the order and the event that caused the message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from farebridge.domain.itinerary import Segment
from farebridge.domain.notifications import EmailKind
from farebridge.domain.order import Order, OrderType


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text_body: str
    html_body: str


@dataclass(frozen=True, slots=True)
class _Parts:
    subject: str
    opening: str  # the news, one paragraph
    details: tuple[str, ...]  # extra lines (ticket numbers, the change, the refund)
    next_steps: str


def render(kind: EmailKind, order: Order, *, event: dict[str, Any], now: datetime) -> Rendered:
    """The message of ``kind`` about ``order``; ``event`` is the causing event's data."""
    parts = _COMPOSERS[kind](order, event, now)
    itinerary = [_segment_line(s) for piece in order.slices for s in piece.segments]
    passengers = [f"{p.given_name} {p.family_name}" for p in order.passengers]
    summary = [
        f"Booking reference: {order.booking_reference}",
        f"Order: {order.id}",
        f"Passengers: {', '.join(passengers)}",
        f"Total: {order.charged_total}",
    ]
    text = "\n".join(
        [
            "Hello,",
            "",
            parts.opening,
            "",
            *summary,
            *parts.details,
            "",
            "Itinerary (local times):",
            *(f"  {line}" for line in itinerary),
            "",
            "What to do next:",
            parts.next_steps,
            "",
            "farebridge",
            "",
        ]
    )
    return Rendered(parts.subject, text, _html(parts, summary, itinerary))


def _html(parts: _Parts, summary: list[str], itinerary: list[str]) -> str:
    def items(lines: list[str] | tuple[str, ...]) -> str:
        return "".join(f"<li>{html.escape(line)}</li>" for line in lines)

    return (
        "<!DOCTYPE html>\n<html><body>\n"
        f"<h1>{html.escape(parts.subject)}</h1>\n"
        f"<p>{html.escape(parts.opening)}</p>\n"
        f"<ul>{items(summary)}{items(parts.details)}</ul>\n"
        f"<h2>Itinerary (local times)</h2>\n<ul>{items(itinerary)}</ul>\n"
        f"<h2>What to do next</h2>\n<p>{html.escape(parts.next_steps)}</p>\n"
        "</body></html>\n"
    )


def _segment_line(segment: Segment) -> str:
    flight = f"{segment.marketing_carrier.iata_code}{segment.marketing_carrier_flight_number}"
    leaves = segment.departing_at.strftime("%a %d %b %Y %H:%M")
    arrives = segment.arriving_at.strftime("%a %d %b %Y %H:%M")
    origin, destination = segment.origin, segment.destination
    return (
        f"{flight} {origin.city_name} ({origin.iata_code}) {leaves} -> "
        f"{destination.city_name} ({destination.iata_code}) {arrives}"
    )


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")


def _confirmation(order: Order, _event: dict[str, Any], _now: datetime) -> _Parts:
    reference = order.booking_reference
    if order.type is OrderType.HOLD and order.payment_required_by is not None:
        deadline = _instant(order.payment_required_by)
        return _Parts(
            f"Booking {reference} is held until {deadline}",
            f"Your booking {reference} is held. It is not paid yet: pay by {deadline} "
            "or the seats are released.",
            (f"Pay by: {deadline}",),
            f"Pay for order {order.id} before {deadline}; your tickets are issued once "
            "it is paid. We will remind you before the hold runs out.",
        )
    return _Parts(
        f"Booking {reference} is confirmed",
        f"Your booking {reference} is confirmed and paid. We are issuing your tickets now.",
        (),
        "Nothing for now: you will receive your e-tickets by email as soon as they are "
        "issued. Check your passport and visa requirements before you travel.",
    )


def _reminder(order: Order, _event: dict[str, Any], _now: datetime) -> _Parts:
    reference = order.booking_reference
    deadline = _instant(order.payment_required_by) if order.payment_required_by else "soon"
    return _Parts(
        f"Reminder: pay for booking {reference} by {deadline}",
        f"Your booking {reference} is still waiting for payment. The hold ends at "
        f"{deadline}; after that the seats are released and the fare may be gone.",
        (f"Pay by: {deadline}", f"Amount due: {order.total}"),
        f"Pay for order {order.id} before {deadline}. If you no longer want these "
        "flights, do nothing: the hold expires by itself and nothing is charged.",
    )


def _ticketed(order: Order, event: dict[str, Any], _now: datetime) -> _Parts:
    reference = order.booking_reference
    names = {p.id: f"{p.given_name} {p.family_name}" for p in order.passengers}
    numbers = [
        f"E-ticket {d.unique_identifier}: {names.get(d.passenger_id, d.passenger_id)}"
        for d in order.documents
    ] or [f"E-ticket {number}" for number in event.get("tickets", [])]
    return _Parts(
        f"Your e-tickets for booking {reference}",
        f"Your tickets for booking {reference} are issued. The e-ticket receipt (PDF) "
        "is attached to this email.",
        tuple(numbers),
        "Check in online with the airline using your booking reference, usually from "
        "24 hours before departure, and bring the passport named on the booking.",
    )


def _schedule_change(order: Order, event: dict[str, Any], _now: datetime) -> _Parts:
    reference = order.booking_reference
    flight = event.get("flight", "")
    on = event.get("departure_on", "")
    message = str(event.get("message") or "The airline changed the schedule.")
    return _Parts(
        f"Schedule change on booking {reference}",
        f"The airline changed flight {flight} on {on} of your booking {reference}: {message}",
        (f"Changed flight: {flight} on {on}",),
        "Check the new times below. If they do not suit you, see your booking "
        f"(order {order.id}) for the options: keep the new flight, change to another "
        "flight or cancel.",
    )


def _cancellation(order: Order, event: dict[str, Any], _now: datetime) -> _Parts:
    reference = order.booking_reference
    if "refund" in event:
        details: tuple[str, ...] = (f"Refund: {event['refund']}",)
        opening = f"Your booking {reference} is cancelled."
    else:
        details = (f"Refund: {order.charged_total} (everything you paid)",)
        opening = (
            f"We could not issue the tickets of booking {reference}, so it is cancelled "
            "and everything you paid is refunded."
        )
    return _Parts(
        f"Booking {reference} is cancelled",
        opening,
        details,
        "Nothing: any refund goes back to the way you paid, usually within a few days. "
        "You can search and book new flights at any time.",
    )


_COMPOSERS = {
    EmailKind.BOOKING_CONFIRMATION: _confirmation,
    EmailKind.PAYMENT_REMINDER: _reminder,
    EmailKind.TICKET_ISSUED: _ticketed,
    EmailKind.SCHEDULE_CHANGE: _schedule_change,
    EmailKind.CANCELLATION: _cancellation,
}
