"""From timetable flights to seed 002's flight objects."""

from __future__ import annotations

from datetime import time
from typing import Any

from farebridge.api.dialects.flight_api.schemas import BookingOut, FlightOut, PassengerOut
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.order import Order, OrderStatus, Passenger
from farebridge.domain.search import PassengerType
from farebridge.domain.timetable import ScheduledFlight
from farebridge.services.scheduled_bookings import details_of


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


def booking(order: Order) -> BookingOut:
    """A one-way booking in seed 002's shape; the dialect's details from the metadata."""
    details = details_of(order)
    people = {p["passenger_id"]: p for p in details["passengers"]}
    segment = order.slices[0].segments[0]
    return BookingOut(
        booking_ref=order.booking_reference,
        flight=details["flight"],
        payment_status="SUCCEDED" if order.status in PAID else "NOT_ATTEMPTED",
        trip_type="ONE WAY",
        booking_status=BOOKING_STATUS.get(order.status, "PENDING"),
        booked_at=order.created_at.isoformat(),
        flight_dep_date=segment.departing_at.date().isoformat(),
        flight_arriv_date=segment.arriving_at.date().isoformat(),
        seat_class=SEAT_CLASSES[segment.cabin_class],
        coupon_used=False,
        extra_baggage_booking_mode=details["baggage_mode"],
        extra_check_in_baggage=0.0,
        extra_baggage_price=0.0,
        total_fare=float(order.total.amount),
        total_fare_currency=order.total.currency,
        separate_ticket=None,
        other_booking_ref=None,
        flight_depart_time=_clock(segment.departing_at.time()),
        flight_arrival_time=_clock(segment.arriving_at.time()),
        passengers=[_passenger(p, people[p.id]) for p in order.passengers],
    )


def _passenger(passenger: Passenger, details: dict[str, Any]) -> PassengerOut:
    return PassengerOut(
        first_name=passenger.given_name,
        last_name=passenger.family_name,
        gender={"m": "MALE", "f": "FEMALE"}.get(passenger.gender, "OTHERS"),
        age=details["age"],
        age_category=AGE_CATEGORIES[passenger.type],
        hand_baggage=float(details["hand_baggage"]),
        check_in_baggage=float(details["check_in_baggage"]),
        seat=None,
        seat_type=details["seat_type"],
    )
