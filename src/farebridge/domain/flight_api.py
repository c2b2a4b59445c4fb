"""The flight_api dialect's bookings (seed 002, ADR 0022 and 0026): what a booking made
there keeps besides its order, the seed's three trip shapes, which orders a
cancellation takes, and the sandbox payment intent that stands in for 3-D Secure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.money import Money


class TripShape(StrEnum):
    """One way; a round trip on one airline (one order of two slices); a round trip on
    two airlines (two linked one-way orders, "separate tickets")."""

    ONE_WAY = "one_way"
    ROUND_TRIP = "round_trip"
    SEPARATE_TICKETS = "separate_tickets"


class Leg(StrEnum):
    """Which way an order of a booking flies: both ways for one order of two slices."""

    DEPARTING = "departing"
    RETURNING = "returning"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class TravellerDetails:
    """What the seed asks of a passenger that an order has no field for."""

    passenger_id: str
    age: int
    seat_type: str  # WINDOW, AISLE or MIDDLE (the preference, as sent)
    hand_baggage_kg: Decimal
    checked_baggage_kg: Decimal


@dataclass(frozen=True, slots=True)
class FlightApiBooking:
    """One order booked through the dialect (its row in ``flight_api_bookings``)."""

    order_id: str
    owner_id: str
    shape: TripShape
    leg: Leg
    flight: int  # the dialect's flight id of this order's first flight
    return_flight: int | None  # the return's id (one order of two slices only)
    baggage_mode: str  # PRE-BOOKING or AT-AIRPORT
    travellers: tuple[TravellerDetails, ...]
    created_at: datetime
    # kg of checked baggage over the allowance, and its price on this order's flights:
    # in the order's total when booked ahead, paid at check-in when AT-AIRPORT
    extra_baggage_kg: Decimal
    extra_baggage_price: Money
    linked_order_id: str | None = None  # the other ticket of a separate-tickets trip


def orders_to_cancel(
    shape: TripShape, requested: str | None, *, departing: str, returning: str | None
) -> tuple[str, ...]:
    """The order ids a cancellation of ``requested`` (DEPARTING, RETURNING, BOTH or
    None) takes, for a booking whose departing order is ``departing``.

    A one-way booking is cancelled whole (RETURNING is refused). Separate tickets
    cancel one way each, or both; their ``cancellation_type`` is required. One order
    of two slices can only be cancelled whole: BOTH (or nothing said) — cancelling one
    direction of one ticket would be a change of the order, which farebridge's
    ``/api`` does (order change requests), not a cancellation."""
    field = "cancellation_type"
    if shape is TripShape.ONE_WAY:
        if requested == "RETURNING":
            raise ValidationFailed("This booking has no return flight.", field=field)
        return (departing,)
    if shape is TripShape.ROUND_TRIP:
        if requested in ("DEPARTING", "RETURNING"):
            raise ValidationFailed(
                "Both ways of this round trip are on one ticket: cancel BOTH, or change "
                "the flight you no longer want through /api's order changes.",
                field=field,
            )
        return (departing,)
    assert returning is not None
    if requested is None:
        raise ValidationFailed(
            "Say which flights to cancel: DEPARTING, RETURNING or BOTH.", field=field
        )
    return {
        "DEPARTING": (departing,),
        "RETURNING": (returning,),
        "BOTH": (departing, returning),
    }[requested]


class IntentStatus(StrEnum):
    REQUIRES_ACTION = "requires_action"  # waiting for the client to open the confirm URL
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    """A payment of a booking's orders that the client completes by opening a URL (the
    sandbox's stand-in for a 3-D Secure redirect). ``secret_hash`` is the SHA-256 of
    the client secret in that URL; the secret itself is never stored."""

    id: str
    owner_id: str
    booking_reference: str
    order_ids: tuple[str, ...]
    secret_hash: str
    card_token: str  # the sandbox card it charges (tok_visa unless the client said)
    status: IntentStatus
    created_at: datetime
    completed_at: datetime | None = None
    failure: str | None = None


def check_trip(
    departing_arrives_at: datetime, returning_departs_at: datetime, *, field: str
) -> None:
    """The return must leave strictly after the outbound lands (the seed's rule)."""
    if returning_departs_at <= departing_arrives_at:
        raise ValidationFailed(
            "The return flight must depart after the departing flight arrives.", field=field
        )
