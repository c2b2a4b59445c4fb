"""Book flights of the timetable (one way or round trip, held until paid), read and
cancel the booking, pay it, and download its PDFs (seed 002)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from farebridge.api import ratelimit
from farebridge.api.deps import Scenarios, ServicesDep
from farebridge.api.dialects.flight_api import present
from farebridge.api.dialects.flight_api.errors import FlightApiError, responses
from farebridge.api.dialects.flight_api.routes.flights import SEAT_CLASSES, parse_day
from farebridge.api.dialects.flight_api.schemas import (
    BookBody,
    BookingOut,
    CancelledOut,
    NextActionUrl,
    PassengerBody,
    PaymentBody,
    PaymentConfirmedOut,
    PaymentOut,
    RoundTripOut,
    SeparateTicketsOut,
    StripeSdk,
    UpdateBookingBody,
)
from farebridge.api.dialects.flight_api.session import SessionUser
from farebridge.api.routing import APIRouter
from farebridge.domain.documents import DocumentKind
from farebridge.domain.errors import CancellationWindowClosed, NotFound, ValidationFailed
from farebridge.domain.order import Order
from farebridge.services import documents, flight_api_payments, scheduled_bookings
from farebridge.services.scheduled_bookings import FlightBooking, Traveller, Trip

router = APIRouter(tags=["bookings"])
AnyBooking = BookingOut | RoundTripOut | SeparateTicketsOut
PREFIX = "/v1/flight_api"


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


@router.post(
    "/book_flight/{flight_id}",
    response_model=AnyBooking,
    responses=responses(403, 404, 409, 429),
)
def book_flight(
    flight_id: int,
    body: BookBody,
    request: Request,
    services: ServicesDep,
    user: SessionUser,
    scenarios: Scenarios,
) -> AnyBooking:
    """Hold seats on flight ``flight_id`` (from GET /flights) for the passengers; with
    trip_type ROUND_TRIP also on ``return_flight``: one booking on one airline, two
    linked bookings (separate tickets) on two."""
    ratelimit.hit(request, "booking", user)
    if body.trip_type == "ROUND_TRIP":
        for name in ("return_flight", "return_flight_dep_date"):
            if getattr(body, name) is None:
                raise ValidationFailed(
                    "This field is required for ROUND_TRIP bookings.", field=name
                )
    booking = FlightBooking(
        flight=scheduled_bookings.get_flight(services, flight_id),
        departure_on=parse_day(body.flight_dep_date, "flight_dep_date"),
        cabin=SEAT_CLASSES[body.seat_class],
        travellers=[_traveller(i, p) for i, p in enumerate(body.passengers)],
        baggage_mode=body.extra_baggage_booking_mode.replace("_", "-"),
        coupon_code=body.coupon_code or None,
        return_flight=(
            scheduled_bookings.get_flight(services, body.return_flight)
            if body.trip_type == "ROUND_TRIP" and body.return_flight is not None
            else None
        ),
        return_on=(
            parse_day(body.return_flight_dep_date, "return_flight_dep_date")
            if body.trip_type == "ROUND_TRIP" and body.return_flight_dep_date is not None
            else None
        ),
    )
    trip = scheduled_bookings.book_flight(services, user=user, booking=booking, scenarios=scenarios)
    return present.trip(trip)


router.add_api_route(
    "/book/{flight_id}",
    book_flight,
    methods=["POST"],
    response_model=AnyBooking,
    responses=responses(403, 404, 409, 429),
    summary="Book Flight (the seed's /book/ spelling)",
)


@router.get("/bookings/{booking_ref}", response_model=AnyBooking, responses=responses(403, 404))
def get_booking(booking_ref: str, services: ServicesDep, user: SessionUser) -> AnyBooking:
    """A booking made here, by its booking_ref (another user's is 404); a round trip on
    two airlines answers both bookings whichever reference is asked."""
    trip = scheduled_bookings.find_trip(services, user=user, booking_reference=booking_ref)
    return present.trip(trip)


CANCELLED = (
    "succesfully cancelled ticket , receipt PDF is being generated. "
    "You can download it here once it's ready."
)


def _pdf_url(order: Order, kind: DocumentKind) -> str:
    ref = order.booking_reference
    if kind is DocumentKind.E_TICKET:
        return f"{PREFIX}/download_pdf/{ref}/ticket/booking_ticket_{ref}.pdf"
    return f"{PREFIX}/download_pdf/{ref}/receipt/refund_receipt_{ref}.pdf"


@router.put("/bookings/{booking_ref}", responses=responses(403, 404, 409, 429))
def update_booking(
    booking_ref: str,
    body: UpdateBookingBody,
    request: Request,
    services: ServicesDep,
    user: SessionUser,
) -> CancelledOut:
    """Cancel a booking (booking_status CANCELED), or for a round trip on two airlines
    the DEPARTING or RETURNING ticket or BOTH; refused close to departure."""
    ratelimit.hit(request, "booking", user)
    try:
        _, cancelled = scheduled_bookings.cancel_booking(
            services,
            user=user,
            booking_reference=booking_ref,
            cancellation_type=body.cancellation_type,
        )
    except CancellationWindowClosed as closed:
        hours = closed.cutoff.total_seconds() / 3600
        raise FlightApiError(
            400, f"tickets cannot be cancelled less than {hours:g} hours before departure time"
        ) from None
    receipts = [_pdf_url(order, DocumentKind.CANCELLATION_RECEIPT) for order, _ in cancelled]
    return CancelledOut(message=CANCELLED, receipt_pdf_url=receipts[0], receipt_pdf_urls=receipts)


def _ticket_links(trip: Trip) -> list[str]:
    return [_pdf_url(order, DocumentKind.E_TICKET) for order in trip.orders]


async def _not_null(request: Request) -> None:
    """An optional body is an object or left out; JSON null is neither."""
    if (await request.body()).strip() == b"null":
        raise ValidationFailed("Send an object, or no body at all.", field="body")


@router.post(
    "/payments/{booking_ref}",
    responses=responses(403, 404, 409, 429),
    dependencies=[Depends(_not_null)],
)
def pay_booking(
    booking_ref: str,
    request: Request,
    services: ServicesDep,
    user: SessionUser,
    body: PaymentBody | None = None,
) -> PaymentOut:
    """Start paying the booking (both tickets of separate tickets): open the
    ``url.use_stripe_sdk.stripe_js`` link (the sandbox's 3-D Secure page) to pay;
    the booking is then CONFIRMED and its ticket PDF(s) follow."""
    ratelimit.hit(request, "payment", user)
    intent, secret, trip = flight_api_payments.start_payment(
        services,
        user=user,
        booking_reference=booking_ref,
        card_token=body.payment_method if body else None,
    )
    confirm = str(
        request.url_for(
            "confirm_payment", booking_ref=intent.booking_reference
        ).include_query_params(payment_intent=intent.id, client_secret=secret)
    )
    links = _ticket_links(trip)
    anchors = " and ".join(f"<a href='{link}'>here</a>" for link in links)
    return PaymentOut(
        payemnt_intent_id=intent.id,
        payment_intent_id=intent.id,
        ticket_pdf_url=f"Your Ticket will be availalbe {anchors} once you have succesfully "
        "completed next_action of authenticating url !!",
        ticket_pdf_urls=links,
        next_action="Click on the hook url with this response and ping GET endpoint for "
        "payment confirmation ",
        url=NextActionUrl(use_stripe_sdk=StripeSdk(source=intent.id, stripe_js=confirm)),
    )


@router.get(
    "/payments/{booking_ref}/authenticate",
    name="confirm_payment",
    responses=responses(402, 404, 409),
)
def confirm_payment(
    booking_ref: str,
    services: ServicesDep,
    payment_intent: Annotated[str, Query(max_length=40)],
    client_secret: Annotated[str, Query(max_length=100)],
) -> PaymentConfirmedOut:
    """The sandbox's 3-D Secure page: opening it pays the booking (no session needed:
    the client secret is the proof). Opened again, it answers the same."""
    intent, trip = flight_api_payments.confirm_payment(
        services, intent_id=payment_intent, secret=client_secret
    )
    if intent.booking_reference != booking_ref.strip().upper():
        raise NotFound("No such payment intent.", code="payment_intent_not_found")
    return PaymentConfirmedOut(
        message="payment succeeded; the booking is CONFIRMED and its tickets are being issued",
        payment_intent_id=intent.id,
        status=intent.status.value,
        booking_status=present.booking_status(trip.orders[0]),
        ticket_pdf_urls=_ticket_links(trip),
    )


PDF_KINDS = {"ticket": DocumentKind.E_TICKET, "receipt": DocumentKind.CANCELLATION_RECEIPT}


@router.get(
    "/download_pdf/{booking_ref}/{kind}/{filename}",
    response_class=Response,
    responses={
        **responses(403, 404),
        200: {"content": {"application/pdf": {}}, "description": "The PDF"},
    },
)
def download_pdf(
    booking_ref: str, kind: str, filename: str, services: ServicesDep, user: SessionUser
) -> Response:
    """The booking's e-ticket (``ticket``) or refund receipt (``receipt``) PDF; 404 until
    it is ready (a few seconds after payment or cancellation)."""
    document_kind = PDF_KINDS.get(kind)
    if document_kind is None:
        raise NotFound("No such document.", code="document_not_found")
    trip = scheduled_bookings.find_trip(services, user=user, booking_reference=booking_ref)
    order = next(o for o in trip.orders if o.booking_reference == booking_ref.strip().upper())
    if filename != _pdf_url(order, document_kind).rsplit("/", 1)[1]:
        raise NotFound("No such document.", code="document_not_found")
    document = documents.get_document(services, user=user, order_id=order.id, kind=document_kind)
    return Response(
        document.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
