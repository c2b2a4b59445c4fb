"""From timetable flights to seed 002's flight objects."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from farebridge.api.dialects.flight_api.schemas import (
    BookingOut,
    FareBreakdownOut,
    FlightOut,
    PassengerOut,
    RoundTripOut,
    SeparateTicketsOut,
)
from farebridge.domain.flight_api import FlightApiBooking, TravellerDetails, TripShape
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.order import EXCESS_BAGGAGE, Order, OrderStatus, Passenger
from farebridge.domain.search import PassengerType
from farebridge.domain.timetable import ScheduledFlight
from farebridge.services.scheduled_bookings import Trip


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S")


def _duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def flight(found: ScheduledFlight) -> FlightOut:
    return FlightOut(
        id=found.number,
        flight_no=found.designator,
        airline=found.airline_name,
        origin_airport=found.origin.name,
        origin_city=found.origin.city_name,
        origin_code=found.origin.iata_code,
        destination_airport=found.destination.name,
        destination_city=found.destination.city_name,
        destination_code=found.destination.iata_code,
        depart_time=_clock(found.departure_time),
        arrival_time=_clock(found.arrival_time),
        duration=_duration(found.block_minutes),
    )


AGE_CATEGORIES = {
    PassengerType.ADULT: "Adult",
    PassengerType.CHILD: "Child",
    PassengerType.INFANT_WITHOUT_SEAT: "Infant",
}
BOOKING_STATUS = {
    OrderStatus.CANCELLED: "CANCELED",
    OrderStatus.EXPIRED: "CANCELED",
    OrderStatus.FAILED: "CANCELED",
    OrderStatus.PAID: "CONFIRMED",
    OrderStatus.TICKETING: "CONFIRMED",
    OrderStatus.TICKETED: "CONFIRMED",
}
PAID = (OrderStatus.PAID, OrderStatus.TICKETING, OrderStatus.TICKETED)


SEAT_CLASSES = {
    CabinClass.ECONOMY: "ECONOMY",
    CabinClass.PREMIUM_ECONOMY: "PREMIUM_ECONOMY",
    CabinClass.BUSINESS: "BUISNESS",  # the seed's spelling
    CabinClass.FIRST: "FIRST_CLASS",
}


def booking_status(order: Order) -> str:
    return BOOKING_STATUS.get(order.status, "PENDING")


def _ticket(order: Order, row: FlightApiBooking, *, trip_type: str) -> dict[str, Any]:
    """The fields of one booking object, its first slice as the flight."""
    people = {t.passenger_id: t for t in row.travellers}
    first = order.slices[0]
    segment, last = first.segments[0], first.segments[-1]
    return {
        "booking_ref": order.booking_reference,
        "flight": row.flight,
        "payment_status": "SUCCEDED" if order.status in PAID else "NOT_ATTEMPTED",
        "trip_type": trip_type,
        "booking_status": booking_status(order),
        "booked_at": order.created_at.isoformat(),
        "flight_dep_date": segment.departing_at.date().isoformat(),
        "flight_arriv_date": last.arriving_at.date().isoformat(),
        "seat_class": SEAT_CLASSES[segment.cabin_class],
        "coupon_used": order.coupon_code is not None,
        "coupon_code": order.coupon_code or "",
        "coupon_discount": float(order.discount_total.amount),
        "extra_baggage_booking_mode": row.baggage_mode,
        "extra_check_in_baggage": float(row.extra_baggage_kg),
        "extra_baggage_price": float(row.extra_baggage_price.amount),
        "total_fare": float(order.total.amount),
        "total_fare_currency": order.total.currency,
        "fare_breakdown": _breakdown(order),
        "separate_ticket": None,
        "other_booking_ref": None,
        "flight_depart_time": _clock(segment.departing_at.time()),
        "flight_arrival_time": _clock(last.arriving_at.time()),
        "passengers": [_passenger(order, p, people[p.id], 0) for p in order.passengers],
    }


def _breakdown(order: Order) -> FareBreakdownOut:
    def extras(*kinds: str, other: bool = False) -> float:
        picked = [s.total.amount for s in order.services if (s.type in kinds) != other]
        return float(sum(picked, Decimal(0)))

    return FareBreakdownOut(
        base_fare=float(order.base.amount),
        taxes_and_fees=float(order.tax.amount),
        seats=extras("seat"),
        excess_baggage=extras(EXCESS_BAGGAGE),
        other_extras=extras("seat", EXCESS_BAGGAGE, other=True),
        coupon_discount=float(order.discount_total.amount),
        total_fare=float(order.total.amount),
    )


def trip(found: Trip) -> BookingOut | RoundTripOut | SeparateTicketsOut:
    """A booking in the seed's shape for its trip: one way; a round trip on one airline
    (one booking with ``return_*`` fields); or two linked bookings."""
    order, row = found.departing
    if found.shape is TripShape.ONE_WAY:
        return BookingOut(**_ticket(order, row, trip_type="ONE WAY"))
    if found.shape is TripShape.ROUND_TRIP:
        people = {t.passenger_id: t for t in row.travellers}
        back = order.slices[1]
        return RoundTripOut(
            **_ticket(order, row, trip_type="ROUND_TRIP"),
            return_flight=row.return_flight or 0,
            return_flight_dep_date=back.segments[0].departing_at.date().isoformat(),
            return_flight_arrival_date=back.segments[-1].arriving_at.date().isoformat(),
            return_booking_status=booking_status(order),
            return_total_fare=0.0,
            return_passengers=[_passenger(order, p, people[p.id], 1) for p in order.passengers],
        )
    returning = found.returning
    assert returning is not None
    other, other_row = returning
    going = BookingOut(**_ticket(order, row, trip_type="ROUND_TRIP"))
    coming = BookingOut(**_ticket(other, other_row, trip_type="ROUND_TRIP"))
    going.separate_ticket = coming.separate_ticket = "YES"
    going.other_booking_ref, coming.other_booking_ref = coming.booking_ref, going.booking_ref
    return SeparateTicketsOut(booking=going, return_booking=coming)


def _passenger(
    order: Order, passenger: Passenger, details: TravellerDetails, slice_index: int
) -> PassengerOut:
    segment = order.slices[slice_index].segments[0]
    seat = next(
        (
            s.designator
            for s in order.services
            if s.type == "seat" and s.passenger_id == passenger.id and s.segment_id == segment.id
        ),
        None,
    )
    return PassengerOut(
        first_name=passenger.given_name,
        last_name=passenger.family_name,
        gender={"m": "MALE", "f": "FEMALE"}.get(passenger.gender, "OTHERS"),
        age=details.age,
        age_category=AGE_CATEGORIES[passenger.type],
        hand_baggage=float(details.hand_baggage_kg),
        check_in_baggage=float(details.checked_baggage_kg),
        seat=seat,
        seat_type=details.seat_type,
    )
