"""Find a booking without an account: booking reference plus family name (ADR 0021);
with the manage token, read it, its PDFs and its history (ADR 0036), and cancel it with
a quote first (ADR 0038). Changing a booking needs the owner's account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header
from fastapi.responses import Response

from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.admin import FoundBookingResponse
from farebridge.api.dialects.native.models.documents import OrderDocumentListResponse
from farebridge.api.dialects.native.models.orders import (
    CancellationResponse,
    CancelledOrder,
    CancelledOrderResponse,
    OrderEventListResponse,
    OrderResponse,
)
from farebridge.api.dialects.native.presenters.admin import present_found_booking
from farebridge.api.dialects.native.presenters.documents import present_document
from farebridge.api.dialects.native.presenters.orders import (
    present_cancellation,
    present_event,
    present_order,
)
from farebridge.api.dialects.native.routes.documents import PDF_RESPONSE, pdf_response
from farebridge.api.dialects.native.schemas import ConfirmCancelBody, LookupBody
from farebridge.api.ratelimit import limit
from farebridge.api.routing import APIRouter
from farebridge.domain.documents import DocumentKind
from farebridge.services import lookup, managed_cancellation

router = APIRouter(prefix="/bookings", tags=["find a booking"])
ManageToken = Annotated[
    str,
    Header(
        alias="Manage-Token",
        max_length=100,
        description="The manage_token from POST /api/bookings/lookup",
    ),
]


@router.post("/lookup", dependencies=[Depends(limit("lookup"))], responses=responses(404, 429))
def look_up_booking(body: LookupBody, services: ServicesDep) -> FoundBookingResponse:
    """A booking by reference and a passenger's family name, with a manage token."""
    found = lookup.look_up_booking(
        services, booking_reference=body.booking_reference, family_name=body.family_name
    )
    return FoundBookingResponse.model_construct(data=present_found_booking(found))


@router.get("/manage", responses=responses(401))
def managed_booking(token: ManageToken, services: ServicesDep) -> OrderResponse:
    """The booking a manage token was given for (read only), while the token lasts."""
    order = lookup.read_managed_order(services, token=token)
    return OrderResponse.model_construct(data=present_order(order))


@router.get("/manage/documents", responses=responses(401))
def managed_documents(token: ManageToken, services: ServicesDep) -> OrderDocumentListResponse:
    """The managed booking's PDFs (newest of each kind); empty until ticketed or cancelled."""
    found = lookup.list_managed_documents(services, token=token)
    return OrderDocumentListResponse.model_construct(
        data=[
            present_document(d, url=f"/api/bookings/manage/documents/{d.kind.value}") for d in found
        ]
    )


@router.get(
    "/manage/documents/{kind}",
    response_class=Response,
    responses={**PDF_RESPONSE, **responses(401, 404)},
)
def managed_document(kind: DocumentKind, token: ManageToken, services: ServicesDep) -> Response:
    """Download the managed booking's newest PDF of ``kind``; 404 ``document_not_ready``."""
    return pdf_response(lookup.get_managed_document(services, token=token, kind=kind))


@router.get("/manage/events", responses=responses(401))
def managed_events(token: ManageToken, services: ServicesDep) -> OrderEventListResponse:
    """The managed booking's history, oldest first."""
    events = lookup.list_managed_events(services, token=token)
    return OrderEventListResponse.model_construct(data=[present_event(e) for e in events])


@router.post(
    "/manage/cancellation-quote",
    status_code=201,
    dependencies=[Depends(limit("lookup"))],
    responses=responses(401, 409, 422, 429),
)
def quote_managed_cancellation(token: ManageToken, services: ServicesDep) -> CancellationResponse:
    """Step 1 of 2: the refund if the managed booking is cancelled; nothing changes yet.
    Only while its ``available_actions`` include ``cancel``: else 422 ``not_cancellable``
    (409 ``already_cancelled``) saying why."""
    quote = managed_cancellation.quote_managed_cancellation(services, token=token)
    return CancellationResponse.model_construct(data=present_cancellation(quote))


@router.post(
    "/manage/cancellation",
    dependencies=[Depends(limit("lookup"))],
    responses=responses(401, 404, 409, 422, 429),
)
def confirm_managed_cancellation(
    body: ConfirmCancelBody, token: ManageToken, services: ServicesDep
) -> CancelledOrderResponse:
    """Step 2 of 2: cancel the managed booking with its quote, refunded as the owner's
    cancellation is; 404 for another booking's quote, 409 once cancelled."""
    order, quote = managed_cancellation.confirm_managed_cancellation(
        services, token=token, quote_id=body.cancellation_id
    )
    cancelled = CancelledOrder.model_construct(
        order=present_order(order), cancellation=present_cancellation(quote)
    )
    return CancelledOrderResponse.model_construct(data=cancelled)
