"""The booking records (seat, position, class, reason, notes) on an order's flights."""

from __future__ import annotations

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.booking_records import BookingRecordListResponse
from farebridge.api.dialects.native.presenters.booking_records import present_booking_record
from farebridge.api.routing import APIRouter
from farebridge.services import booking_records

router = APIRouter(tags=["orders"])


@router.get("/orders/{order_id}/booking_records", responses=responses(401, 404))
def list_booking_records(
    order_id: str, services: ServicesDep, user: CurrentUser
) -> BookingRecordListResponse:
    """The booking records (written at /v1/flight/booking) that annotate an order."""
    records = booking_records.records_of_order(services, user, order_id)
    return BookingRecordListResponse.model_construct(
        data=[present_booking_record(record) for record in records]
    )
