"""Book, pay, ticket, ticketing status, and bookings by PNR (look up, cancel)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import Depends, Response
from fastapi.responses import JSONResponse

from farebridge.api.deps import Scenarios, ServicesDep
from farebridge.api.dialects.allmyles import present
from farebridge.api.dialects.allmyles.errors import (
    TICKET_WARNING,
    AllmylesError,
    ErrorResponse,
    responses,
    step,
    ticketing_answer,
)
from farebridge.api.dialects.allmyles.routes.common import (
    AllmylesUser,
    SessionCookie,
    converter,
    limited,
    result_group,
)
from farebridge.api.dialects.allmyles.schemas import (
    BookBody,
    BookingResponse,
    BookResponse,
    Contact,
    PaymentBody,
    StatusResponse,
    TicketResponse,
)
from farebridge.api.dialects.allmyles.schemas import Passenger as PersonBody
from farebridge.api.routing import APIRouter
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.offer import Offer
from farebridge.domain.order import IdentityDocument, OrderStatus, Passenger
from farebridge.services import allmyles_sessions
from farebridge.services.allmyles_sessions import BookRequest

router = APIRouter(tags=["booking"])

# Sandbox payuIds with scripted outcomes, as the sandbox gateway's card tokens; any
# other payuId is a successful PayU transaction.
PAYU_OUTCOMES = {
    "payu_declined": "tok_card_declined",
    "payu_insufficient_funds": "tok_insufficient_funds",
    "payu_expired_card": "tok_expired_card",
}
SUCCESSFUL_PAYMENT = "tok_visa"


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("Give a date as YYYY-MM-DD.", field=field) from None


def _phone(contact: Contact) -> str | None:
    phone = contact.phone
    if phone is None:
        return None
    digits = "".join(
        re.sub(r"\D", "", str(part))
        for part in (phone.countryCode, phone.areaCode, phone.phoneNumber)
    )
    return f"+{digits}" if digits else None


def _tier(value: int | str | None) -> str:
    return "" if value is None else str(value)


def _passengers(
    people: list[PersonBody], offer: Offer, contact: Contact
) -> tuple[list[Passenger], list[tuple[str, int]]]:
    """The book request's persons as order passengers (each given the id of the offer
    passenger of its type, in order) and the bag extras their baggage tiers mean."""
    free = list(offer.passengers)
    passengers: list[Passenger] = []
    extras: list[tuple[str, int]] = []
    for index, person in enumerate(people):
        at = f"persons/{index}"
        kind = present.PASSENGER_TYPES[person.passengerTypeCode]
        target = next((p for p in free if p.type is kind), None)
        if target is None:
            raise ValidationFailed(
                f"The result has no {person.passengerTypeCode} passenger left for this one.",
                field=f"{at}/passengerTypeCode",
            )
        free.remove(target)
        documents: tuple[IdentityDocument, ...] = ()
        given = person.document
        if given is not None and given.type.lower() == "passport":
            documents = (
                IdentityDocument(
                    "passport",
                    given.id.upper(),
                    given.issueCountry.upper(),
                    _day(given.dateOfExpiry, f"{at}/document/dateOfExpiry"),
                ),
            )
        given_name = " ".join(n for n in (person.firstName, person.middleName) if n)
        passengers.append(
            Passenger(
                id=target.id,
                type=kind,
                title=person.namePrefix.lower(),
                given_name=given_name,
                family_name=person.lastName,
                born_on=_day(person.birthDate, f"{at}/birthDate"),
                gender="m" if person.gender == "MALE" else "f",
                email=person.email or contact.email,
                phone_number=_phone(contact),
                identity_documents=documents,
            )
        )
        try:
            extras += present.carry_on_services(offer, target.id, _tier(person.carryOnBaggage))
        except ValueError as exc:
            raise ValidationFailed(
                f"carry-on baggage {exc}", field=f"{at}/carryOnBaggage"
            ) from None
        try:
            extras += present.bag_services(offer, target.id, _tier(person.baggage))
        except ValueError as exc:
            raise ValidationFailed(f"baggage {exc}", field=f"{at}/baggage") from None
    return passengers, extras


def _basket(body: BookBody) -> str:
    basket = body.bookBasket if body.bookBasket is not None else body.bookingId
    if isinstance(basket, list):
        if len(basket) != 1:
            raise ValidationFailed("Book one bookingId at a time.", field="bookBasket")
        basket = basket[0]
    if not basket:
        raise ValidationFailed("Give the bookingId to book (bookBasket).", field="bookBasket")
    return basket


@router.post(
    "/books",
    response_model=BookResponse,
    dependencies=[Depends(limited("booking")), Depends(step("book"))],
    responses={
        204: {"description": "LCC flights: the data is kept; booked at ticketing"},
        **responses(303, 404, 412, 500, 504),
    },
)
def book(
    body: BookBody,
    services: ServicesDep,
    user: AllmylesUser,
    cookie: SessionCookie,
    scenarios: Scenarios,
) -> Response:
    """Book a result of the latest search: traditional flights are held (200 with the
    PNR); LCC flights answer 204 and are booked when the ticket is asked for."""
    result_id = _basket(body)
    people = body.persons if body.persons is not None else body.passengers
    if not people:
        raise ValidationFailed("Give the passengers (persons).", field="persons")
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        offer = allmyles_sessions.result_offer(
            services, user=user, workflow=workflow, result_id=result_id
        )
        passengers, extras = _passengers(people, offer, body.contactInfo)
        kept: dict[str, Any] = {
            "contactInfo": body.contactInfo.model_dump(exclude_none=True),
            "baggage": _tier(people[0].baggage) or present.FREE_TIER,
            "carryOnBaggage": _tier(people[0].carryOnBaggage) or present.SMALL_CABIN_BAG,
        }
        request = BookRequest(result_id, passengers, extras, kept)
        workflow, order = allmyles_sessions.book(
            services, user=user, workflow=workflow, request=request, scenarios=scenarios
        )
        if order is None:
            return Response(status_code=204)
        flight_data = result_group(services, user, workflow, result_id)
    shown = present.book(order, kept["contactInfo"], flight_data, workflow.key)
    return JSONResponse(shown)


@router.post(
    "/payment",
    status_code=204,
    responses=responses(412),
)
def pay(
    body: PaymentBody, services: ServicesDep, user: AllmylesUser, cookie: SessionCookie
) -> Response:
    """The customer's payment for an LCC booking (payuId or paymentId), used at ticketing.
    Sandbox: payu_declined, payu_insufficient_funds and payu_expired_card fail there."""
    payment_id = body.payuId or body.paymentId
    if not payment_id:
        raise ValidationFailed("Give the payuId of the customer's payment.", field="payuId")
    token = PAYU_OUTCOMES.get(payment_id, SUCCESSFUL_PAYMENT)
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        allmyles_sessions.take_payment(services, workflow=workflow, token=token)
    return Response(status_code=204)


@router.get(
    "/tickets/{booking_id}",
    response_model=TicketResponse,
    dependencies=[Depends(limited("booking")), Depends(step("ticket"))],
    responses={
        202: {
            "description": f"{TICKET_WARNING} (the ticket is bought, nothing refunded), "
            "or still ticketing",
            "model": ErrorResponse | TicketResponse,
        },
        **responses(404, 412, 500, 503, 504),
    },
)
def create_ticket(
    booking_id: str,
    services: ServicesDep,
    user: AllmylesUser,
    cookie: SessionCookie,
    scenarios: Scenarios,
) -> JSONResponse:
    """Ticket the booking: traditional flights are paid by the agency and ticketed; LCC
    flights are booked and charged with the payment given, then ticketed."""
    with allmyles_sessions.workflow_call(services, user=user, cookie=cookie) as workflow:
        workflow, order = allmyles_sessions.ticket(
            services, user=user, workflow=workflow, result_id=booking_id, scenarios=scenarios
        )
        booking = workflow.require_booking()
        offer = allmyles_sessions.session_offers(services, user=user, offer_ids=[booking.offer_id])[
            0
        ]
        flight_data = result_group(services, user, workflow, booking_id)
    if order.status is not OrderStatus.TICKETED:
        problem = allmyles_sessions.ticketing_problem(services, order_id=order.id)
        failed = ticketing_answer(order.ticketing_status, problem)
        if failed is not None:
            raise AllmylesError(*failed, code=problem or "allmyles")
    kept: dict[str, Any] = booking.contact
    convert = converter(services)
    if booking.pays_at_once:
        tiers = (str(kept.get("baggage", "0")), str(kept.get("carryOnBaggage", "1")))
        shown = present.lcc_ticket(
            order, offer, kept["contactInfo"], flight_data, workflow.key, tiers, convert
        )
    else:
        shown = present.traditional_tickets(order, offer, kept["contactInfo"], flight_data, convert)
    status = 200 if order.status is OrderStatus.TICKETED else 202
    return JSONResponse(shown, status_code=status)


@router.get(
    "/tickets/{booking_id}/status",
    response_model=StatusResponse,
    responses=responses(404, 412),
)
def ticket_status(
    booking_id: str, services: ServicesDep, user: AllmylesUser, cookie: SessionCookie
) -> JSONResponse:
    """Where ticketing stands: inactive, pending, successful, failed (safe to refund)
    or unknown (hold the money until someone checks)."""
    workflow = allmyles_sessions.read_workflow(services, user=user, cookie=cookie)
    status, order = allmyles_sessions.ticket_status(
        services, user=user, workflow=workflow, result_id=booking_id
    )
    return JSONResponse(
        {"status": status.value, "pnr": present.pnr(order) if order is not None else None}
    )


@router.get("/books/{pnr}", response_model=BookingResponse, responses=responses(404))
def get_booking(pnr: str, services: ServicesDep, user: AllmylesUser) -> JSONResponse:
    """A booking by its PNR locator (no session needed)."""
    order = allmyles_sessions.find_booking(services, user=user, booking_reference=pnr.upper())
    return JSONResponse({"pnr": present.pnr(order)})


@router.delete("/books/{pnr}", status_code=204, responses=responses(404, 409))
def cancel_booking(pnr: str, services: ServicesDep, user: AllmylesUser) -> Response:
    """Cancel a traditional booking before it is ticketed."""
    allmyles_sessions.cancel_booking(services, user=user, booking_reference=pnr.upper())
    return Response(status_code=204)
