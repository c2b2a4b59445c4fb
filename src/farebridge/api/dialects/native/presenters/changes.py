"""Order change requests, change offers and order changes."""

from __future__ import annotations

from farebridge.api.dialects.native.models import changes as wire
from farebridge.api.dialects.native.presenters.common import (
    amount,
    instant,
    optional_instant,
    present_page_meta,
)
from farebridge.api.dialects.native.presenters.offers import present_slice
from farebridge.domain.changes import ChangeOffer, ChangeRequest, OrderChange
from farebridge.domain.itinerary import Slice
from farebridge.services.ports import Page


def present_change_request(request: ChangeRequest) -> wire.OrderChangeRequest:
    return wire.OrderChangeRequest.model_construct(
        id=request.id,
        order_id=request.order_id,
        slices=wire.RequestedSlices.model_construct(
            remove=[
                wire.RemovedSliceRef.model_construct(slice_id=slice_id)
                for slice_id in request.remove_slice_ids
            ],
            add=[
                wire.AddedSliceSpec.model_construct(
                    origin=spec.origin,
                    destination=spec.destination,
                    departure_date=spec.departure_date,
                    cabin_class=spec.cabin_class,
                )
                for spec in request.add
            ],
        ),
        order_change_offers=list(request.offer_ids),
        schedule_change_id=request.schedule_change_id,
        created_at=instant(request.created_at),
        updated_at=instant(request.updated_at),
        live_mode=False,
    )


def _slices(removed: tuple[Slice, ...], added: tuple[Slice, ...]) -> wire.ChangedSlices:
    return wire.ChangedSlices.model_construct(
        remove=[present_slice(s) for s in removed], add=[present_slice(s) for s in added]
    )


def present_change_offer(offer: ChangeOffer) -> wire.OrderChangeOffer:
    return wire.OrderChangeOffer.model_construct(
        id=offer.id,
        order_change_request_id=offer.change_request_id,
        order_id=offer.order_id,
        slices=_slices(offer.removed, offer.added),
        penalty_total_amount=amount(offer.penalty),
        penalty_total_currency=offer.penalty.currency,
        change_total_amount=amount(offer.change_total),
        change_total_currency=offer.change_total.currency,
        new_total_amount=amount(offer.new_total),
        new_total_currency=offer.new_total.currency,
        refund_to=offer.refund_to,
        created_at=instant(offer.created_at),
        updated_at=instant(offer.updated_at),
        expires_at=instant(offer.expires_at),
        live_mode=False,
    )


def present_change_offer_page(page: Page[ChangeOffer]) -> wire.OrderChangeOfferListResponse:
    return wire.OrderChangeOfferListResponse.model_construct(
        data=[present_change_offer(o) for o in page.items], meta=present_page_meta(page)
    )


def present_change(change: OrderChange) -> wire.OrderChange:
    return wire.OrderChange.model_construct(
        id=change.id,
        order_id=change.order_id,
        order_change_offer_id=change.change_offer_id,
        status=change.status,
        slices=_slices(change.removed, change.added),
        penalty_total_amount=amount(change.penalty),
        penalty_total_currency=change.penalty.currency,
        change_total_amount=amount(change.change_total),
        change_total_currency=change.change_total.currency,
        new_total_amount=amount(change.new_total),
        new_total_currency=change.new_total.currency,
        refund_to=change.refund_to,
        created_at=instant(change.created_at),
        expires_at=instant(change.expires_at),
        confirmed_at=optional_instant(change.confirmed_at),
        schedule_change_id=change.schedule_change_id,
        live_mode=False,
    )
