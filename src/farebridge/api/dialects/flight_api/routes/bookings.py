"""Book a flight of the timetable (one way, held until paid)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request

from farebridge.api import ratelimit
from farebridge.api.deps import Scenarios, ServicesDep
from farebridge.api.dialects.flight_api import present
from farebridge.api.dialects.flight_api.errors import FlightApiError, responses
from farebridge.api.dialects.flight_api.routes.flights import SEAT_CLASSES, parse_day
from farebridge.api.dialects.flight_api.schemas import (
    BookBody,
    BookingOut,
    CancelledOut,
    PassengerBody,
    UpdateBookingBody,
)
from farebridge.api.dialects.flight_api.session import SessionUser
from farebridge.domain.errors import CancellationWindowClosed, ValidationFailed
from farebridge.services import scheduled_bookings
from farebridge.services.scheduled_bookings import FlightBooking, Traveller

router = APIRouter(tags=["bookings"])
ROUND_TRIP_NOT_BUILT = "ROUND_TRIP bookings are not supported by farebridge's flight_api yet"
COUPONS_NOT_BUILT = "coupons are not supported by farebridge's flight_api yet"


def _traveller(index: int, person: PassengerBody) -> Traveller:
    if person.gender == "OTHERS":
        raise ValidationFailed(
            "The airlines record MALE or FEMALE only.", field=f"passengers[{index}].gender"
        )
    return Traveller(
        given_name=person.first_name.strip(),
        family_name=person.last_name.strip(),
        gender="m" if person.gender == "MALE" else "f",
        age=person.age,
        seat_preference=person.seat_type,
        hand_baggage_kg=Decimal(str(person.hand_baggage)),
        checked_baggage_kg=Decimal(str(person.check_in_baggage)),
    )


@router.post("/book_flight/{flight_id}", responses=responses(403, 404, 409, 429))
def book_flight(
    flight_id: int,
    body: BookBody,
    request: Request,
    services: ServicesDep,
    user: SessionUser,
    scenarios: Scenarios,
) -> BookingOut:
    """Hold seats on flight ``flight_id`` (from GET /flights) for the passengers."""
    ratelimit.hit(request, "booking", user)
    if body.trip_type == "ROUND_TRIP":
        raise FlightApiError(400, ROUND_TRIP_NOT_BUILT)
    if body.coupon_code:
        raise FlightApiError(400, COUPONS_NOT_BUILT)
    booking = FlightBooking(
        flight=scheduled_bookings.get_flight(services, flight_id),
        departure_on=parse_day(body.flight_dep_date, "flight_dep_date"),
        cabin=SEAT_CLASSES[body.seat_class],
        travellers=[_traveller(i, p) for i, p in enumerate(body.passengers)],
        baggage_mode=body.extra_baggage_booking_mode.replace("_", "-"),
    )
    order = scheduled_bookings.book_flight(
        services, user=user, booking=booking, scenarios=scenarios
    )
    return present.booking(order)


router.add_api_route(
    "/book/{flight_id}",
    book_flight,
    methods=["POST"],
    responses=responses(403, 404, 409, 429),
    summary="Book Flight (the seed's /book/ spelling)",
)


@router.get("/bookings/{booking_ref}", responses=responses(403, 404))
def get_booking(booking_ref: str, services: ServicesDep, user: SessionUser) -> BookingOut:
    """A booking made here, by its booking_ref (another user's is 404)."""
    order = scheduled_bookings.find_booking(services, user=user, booking_reference=booking_ref)
    return present.booking(order)


CANCELLED = (
    "succesfully cancelled ticket , receipt PDF is being generated. "
    "You can download it here once it's ready."
)


@router.put("/bookings/{booking_ref}", responses=responses(403, 404, 409, 429))
def update_booking(
    booking_ref: str,
    body: UpdateBookingBody,
    request: Request,
    services: ServicesDep,
    user: SessionUser,
) -> CancelledOut:
    """Cancel a booking (booking_status CANCELED); refused close to departure."""
    ratelimit.hit(request, "booking", user)
    if body.cancellation_type == "RETURNING":
        raise ValidationFailed("This booking has no return flight.", field="cancellation_type")
    try:
        order, _ = scheduled_bookings.cancel_booking(
            services, user=user, booking_reference=booking_ref
        )
    except CancellationWindowClosed as closed:
        hours = closed.cutoff.total_seconds() / 3600
        raise FlightApiError(
            400, f"tickets cannot be cancelled less than {hours:g} hours before departure time"
        ) from None
    receipt = f"/api/orders/{order.id}/documents/cancellation_receipt"
    return CancelledOut(message=CANCELLED, receipt_pdf_url=receipt)
