"""Voluntary order changes (Duffel's flow, ADR 0012): ask for a change, read its
priced offers, select one, confirm it.

``request_change`` searches the order's provider synchronously for the new slices
(in the order's currency, the order's passengers, the owning airline) and stores
at most ``MAX_CHANGE_OFFERS`` priced change offers. ``create_change`` re-checks
the chosen flights and records a ``pending`` change; ``confirm_change``
(``services/change_confirmation.py``) books, charges and swaps the flights with
the crash-safe protocol of ADR 0006.

Every read checks that the order is the caller's: anything else is a 404.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from farebridge.domain.account import User
from farebridge.domain.changes import (
    MAX_CHANGE_OFFERS,
    ChangeOffer,
    ChangeRequest,
    OrderChange,
    OrderChangeStatus,
    SliceSpec,
    check_changeable,
    price_change,
    price_involuntary_change,
)
from farebridge.domain.errors import (
    Conflict,
    InvalidState,
    NotFound,
    OfferExpired,
    OrderNotFound,
    ValidationFailed,
)
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order
from farebridge.domain.schedule_changes import ScheduleChange, affected_flights, designator
from farebridge.domain.search import OfferPassenger, SearchCriteria, SliceRequest
from farebridge.services.change_confirmation import confirm_change
from farebridge.services.ports import Dependencies, Page, PageRequest, UnitOfWork
from farebridge.services.reads import owned_order
from farebridge.services.schedule_changes import pending_change

__all__ = [
    "confirm_change",
    "create_change",
    "get_change",
    "get_change_offer",
    "get_change_request",
    "list_change_offers",
    "request_change",
]


def request_change(
    services: Dependencies,
    *,
    user: User,
    order_id: str,
    remove_slice_ids: Sequence[str],
    add: Sequence[SliceSpec],
    schedule_change_id: str | None = None,
) -> ChangeRequest:
    """Validate the change, search the new slices, store the priced change offers.
    With ``schedule_change_id`` (a pending airline change of the order) the change is
    involuntary: free, and only the slices the airline changed may be replaced."""
    now = services.clock.now()
    with services.uow(read_only=True) as uow:
        order = owned_order(uow, user, order_id)
        disruption = pending_change(uow, order, schedule_change_id) if schedule_change_id else None
    check_changeable(order, involuntary=disruption is not None)
    _validate(services, order, remove_slice_ids, add, now=now)
    if disruption is not None:
        _check_affected(disruption, remove_slice_ids)
    request = ChangeRequest(
        id=new_id("ocr"),
        order_id=order.id,
        owner_id=order.owner_id,
        created_at=now,
        updated_at=now,
        remove_slice_ids=tuple(remove_slice_ids),
        add=tuple(add),
        schedule_change_id=schedule_change_id,
    )
    found = _search(services, order, request, now=now)
    if disruption is not None:
        cancelled = affected_flights(disruption)
        found = [offer for offer in found if not _flies_any(offer, cancelled)]
    offers = [_change_offer(order, request, offer, now=now) for offer in found]
    request = replace(request, offer_ids=tuple(offer.id for offer in offers))
    with services.uow() as uow:
        uow.changes.add_request(request)
        uow.changes.add_offers(offers)
        uow.commit()
    return request


def get_change_request(
    services: Dependencies, *, user: User, change_request_id: str
) -> ChangeRequest:
    with services.uow(read_only=True) as uow:
        return _owned_request(uow, user, change_request_id)


def list_change_offers(
    services: Dependencies,
    *,
    user: User,
    change_request_id: str,
    page: PageRequest,
    sort: str | None = None,
    max_connections: int | None = None,
) -> Page[ChangeOffer]:
    """The request's change offers, cheapest change first (``sort``:
    change_total_amount | total_duration)."""
    with services.uow(read_only=True) as uow:
        _owned_request(uow, user, change_request_id)
        return uow.changes.list_offers(
            change_request_id,
            page,
            sort=sort or "change_total_amount",
            max_connections=max_connections,
        )


def get_change_offer(services: Dependencies, *, user: User, change_offer_id: str) -> ChangeOffer:
    """One change offer; an expired one is gone (``OfferExpired``, 404)."""
    with services.uow(read_only=True) as uow:
        offer = _owned_offer(uow, user, change_offer_id)
    if offer.is_expired(services.clock.now()):
        raise OfferExpired(
            f"Change offer {change_offer_id} has expired; request the change again.",
            field="selected_order_change_offer",
        )
    return offer


def create_change(services: Dependencies, *, user: User, change_offer_id: str) -> OrderChange:
    """A pending change for the chosen offer, its flights re-checked with the airline."""
    offer = get_change_offer(services, user=user, change_offer_id=change_offer_id)
    with services.uow(read_only=True) as uow:
        order = owned_order(uow, user, offer.order_id)
        if offer.schedule_change_id is not None:
            pending_change(uow, order, offer.schedule_change_id)
    check_changeable(order, involuntary=offer.schedule_change_id is not None)
    if order.version != offer.order_version:
        raise Conflict(
            f"Order {order.id} changed since this offer was made; request the change again.",
            code="order_changed",
        )
    now = services.clock.now()
    services.providers.for_order(order).recheck_offer(offer.offer, now=now)
    change = OrderChange(
        id=new_id("oce"),
        order_id=order.id,
        change_offer_id=offer.id,
        status=OrderChangeStatus.PENDING,
        created_at=now,
        expires_at=offer.expires_at,
        confirmed_at=None,
        penalty=offer.penalty,
        change_total=offer.change_total,
        new_total=offer.new_total,
        refund_to=offer.refund_to,
        removed=offer.removed,
        added=offer.added,
        schedule_change_id=offer.schedule_change_id,
    )
    with services.uow() as uow:
        uow.changes.add_change(change)
        uow.commit()
    return change


def get_change(services: Dependencies, *, user: User, change_id: str) -> OrderChange:
    with services.uow(read_only=True) as uow:
        change = uow.changes.get_change(change_id)
        if change is None or not _sees_order(uow, user, change.order_id):
            raise NotFound(f"No order change {change_id}.", code="order_change_not_found")
        return change


# --- helpers -----------------------------------------------------------------------
def _validate(
    services: Dependencies,
    order: Order,
    remove_slice_ids: Sequence[str],
    add: Sequence[SliceSpec],
    *,
    now: datetime,
) -> None:
    if not remove_slice_ids:
        raise ValidationFailed("Name the slices to remove.", field="slices.remove", code="required")
    slices = {item.id: item for item in order.slices}
    for index, slice_id in enumerate(remove_slice_ids):
        if slice_id not in slices or slice_id in remove_slice_ids[:index]:
            raise ValidationFailed(
                f"Slice {slice_id} is not a slice of order {order.id} (or is named twice).",
                field=f"slices.remove[{index}].slice_id",
                code="slice_not_in_order",
            )
        if slices[slice_id].departing_at < now + services.policies.min_departure_lead:
            raise InvalidState(
                f"Slice {slice_id} has departed or departs too soon to be changed.",
                code="already_departed",
            )
    if len(add) != len(remove_slice_ids):
        raise ValidationFailed(
            "Add one slice for each slice removed.", field="slices.add", code="slices_mismatch"
        )
    _check_dates(services, add, now=now)
    _check_travel_order(order, remove_slice_ids, add)


def _check_dates(services: Dependencies, add: Sequence[SliceSpec], *, now: datetime) -> None:
    last = now.date() + timedelta(days=services.policies.bookable_days)
    for index, spec in enumerate(add):
        where = f"slices.add[{index}]"
        if spec.origin == spec.destination:
            raise ValidationFailed(
                "Origin and destination must differ.",
                field=f"{where}.destination",
                code="same_origin_destination",
            )
        if spec.departure_date < now.date():
            raise ValidationFailed(
                f"Departure date {spec.departure_date} is in the past.",
                field=f"{where}.departure_date",
                code="past_date",
            )
        if spec.departure_date > last:
            raise ValidationFailed(
                f"Departure date {spec.departure_date} is beyond the bookable horizon ({last}).",
                field=f"{where}.departure_date",
                code="date_too_far",
            )
        if spec.cabin_class is not add[0].cabin_class:
            raise ValidationFailed(
                "All added slices must be in the same cabin.",
                field=f"{where}.cabin_class",
                code="mixed_cabins",
            )


def _check_travel_order(
    order: Order, remove_slice_ids: Sequence[str], add: Sequence[SliceSpec]
) -> None:
    """The added slices take the removed ones' places, in the order given: the trip's
    dates must still run forward (an outbound cannot move past its return)."""
    replacing = iter(enumerate(add))
    dates: list[tuple[date, int | None]] = []
    for item in order.slices:
        if item.id in remove_slice_ids:
            index, spec = next(replacing)
            dates.append((spec.departure_date, index))
        else:
            dates.append((item.departing_at.date(), None))
    for (before, earlier), (after, later) in itertools.pairwise(dates):
        if after < before:
            where = later if later is not None else earlier
            raise ValidationFailed(
                "The new dates would put the trip's slices out of travel order.",
                field=f"slices.add[{where}].departure_date",
                code="slices_out_of_order",
            )


def _search(
    services: Dependencies, order: Order, request: ChangeRequest, *, now: datetime
) -> list[Offer]:
    criteria = SearchCriteria(
        slices=tuple(
            SliceRequest(spec.origin, spec.destination, spec.departure_date) for spec in request.add
        ),
        passengers=tuple(OfferPassenger(p.id, p.type) for p in order.passengers),
        cabin_class=request.add[0].cabin_class,
        preferred_airlines=(order.owner.iata_code,),
        currency=order.total.currency,
    )
    result = services.providers.for_order(order).search(request.id, criteria, now=now)
    lead = services.policies.min_departure_lead
    offers = [
        offer
        for offer in result.offers
        if offer.owner.iata_code == order.owner.iata_code
        and _same_brand(order, offer)
        and offer.is_priced_in(order.total.currency)
        and not offer.departs_too_soon(now=now, lead=lead)
    ]
    offers.sort(key=lambda offer: (offer.total.amount, offer.total_duration))
    return offers[:MAX_CHANGE_OFFERS]


def _same_brand(order: Order, offer: Offer) -> bool:
    """A voluntary change keeps the order's fare brand: the order keeps its conditions,
    so a cheaper brand's fare under a dearer brand's rules is never offered."""
    return not order.fare_brand_name or offer.fare_brand_name == order.fare_brand_name


def _change_offer(
    order: Order, request: ChangeRequest, offer: Offer, *, now: datetime
) -> ChangeOffer:
    if request.schedule_change_id is not None:
        price = price_involuntary_change(order, remove_slice_ids=request.remove_slice_ids)
    else:
        price = price_change(
            order,
            remove_slice_ids=request.remove_slice_ids,
            new_base=offer.base,
            new_tax=offer.tax,
        )
    removed = set(request.remove_slice_ids)
    return ChangeOffer(
        id=new_id("oco"),
        change_request_id=request.id,
        order_id=order.id,
        created_at=now,
        updated_at=now,
        expires_at=offer.expires_at,
        removed=tuple(item for item in order.slices if item.id in removed),
        added=offer.slices,
        penalty=price.penalty,
        change_total=price.change_total,
        new_total=price.new_total,
        new_base=price.new_base,
        new_tax=price.new_tax,
        refund_to=price.refund_to,
        offer=offer,
        order_version=order.version,
        schedule_change_id=request.schedule_change_id,
    )


def _check_affected(change: ScheduleChange, remove_slice_ids: Sequence[str]) -> None:
    """A free change replaces only what the airline changed."""
    for index, slice_id in enumerate(remove_slice_ids):
        if slice_id not in change.slice_ids:
            raise ValidationFailed(
                f"Slice {slice_id} was not changed by the airline (schedule change "
                f"{change.id}); only its slices can be replaced for free.",
                field=f"slices.remove[{index}].slice_id",
                code="slice_not_affected",
            )


def _flies_any(offer: Offer, flights: frozenset[tuple[str, date]]) -> bool:
    return any(
        (designator(segment), segment.departing_at.date()) in flights
        for item in offer.slices
        for segment in item.segments
    )


def _sees_order(uow: UnitOfWork, user: User, order_id: str) -> bool:
    try:
        owned_order(uow, user, order_id)
    except OrderNotFound:
        return False
    return True


def _owned_request(uow: UnitOfWork, user: User, request_id: str) -> ChangeRequest:
    request = uow.changes.get_request(request_id)
    if request is None or not _sees_order(uow, user, request.order_id):
        raise NotFound(
            f"No order change request {request_id}.", code="order_change_request_not_found"
        )
    return request


def _owned_offer(uow: UnitOfWork, user: User, offer_id: str) -> ChangeOffer:
    offer = uow.changes.get_offer(offer_id)
    if offer is None or not _sees_order(uow, user, offer.order_id):
        raise NotFound(f"No order change offer {offer_id}.", code="order_change_offer_not_found")
    return offer
