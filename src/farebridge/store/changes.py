"""Order change requests, their priced change offers and order changes (ADR 0012).

The domain objects are stored whole as JSON; the columns beside them are what
queries filter, sort or compare-and-set on. A change's status moves only with
``UPDATE … WHERE id = :id AND status = :from``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.changes import (
    CHANGE_TRANSITIONS,
    ChangeOffer,
    ChangeRequest,
    OrderChange,
    OrderChangeStatus,
)
from farebridge.domain.errors import ValidationFailed
from farebridge.services.ports import Page, PageRequest
from farebridge.store.codec import dump
from farebridge.store.pagination import keyset_page
from farebridge.store.tables import order_change_offers, order_change_requests, order_changes

_request_codec: TypeAdapter[ChangeRequest] = TypeAdapter(ChangeRequest)
_offer_codec: TypeAdapter[ChangeOffer] = TypeAdapter(ChangeOffer)
_change_codec: TypeAdapter[OrderChange] = TypeAdapter(OrderChange)
_CHANGE_COLUMNS = (
    "status",
    "payment_id",
    "old_booking_reference",
    "new_booking_reference",
    "failure_code",
    "confirmed_at",
)
SORTS = {
    "change_total_amount": order_change_offers.c.change_total_minor,
    "total_duration": order_change_offers.c.total_duration_minutes,
}


class ChangeRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    # --- requests -------------------------------------------------------------
    def add_request(self, request: ChangeRequest) -> None:
        self._db.execute(
            insert(order_change_requests).values(
                id=request.id,
                order_id=request.order_id,
                owner_id=request.owner_id,
                created_at=request.created_at,
                updated_at=request.updated_at,
                payload=dump(_request_codec, request),
            )
        )

    def get_request(self, request_id: str) -> ChangeRequest | None:
        row = self._db.execute(
            select(order_change_requests.c.payload).where(order_change_requests.c.id == request_id)
        ).first()
        return _request_codec.validate_python(row.payload) if row else None

    # --- offers ---------------------------------------------------------------
    def add_offers(self, offers: Sequence[ChangeOffer]) -> None:
        if not offers:
            return
        self._db.execute(
            insert(order_change_offers),
            [
                {
                    "id": offer.id,
                    "change_request_id": offer.change_request_id,
                    "order_id": offer.order_id,
                    "change_total_minor": offer.change_total.minor,
                    "currency": offer.change_total.currency,
                    "total_duration_minutes": offer.total_duration_minutes,
                    "connections": offer.connections,
                    "created_at": offer.created_at,
                    "expires_at": offer.expires_at,
                    "payload": dump(_offer_codec, offer),
                }
                for offer in offers
            ],
        )

    def get_offer(self, offer_id: str) -> ChangeOffer | None:
        row = self._db.execute(
            select(order_change_offers.c.payload).where(order_change_offers.c.id == offer_id)
        ).first()
        return _offer_codec.validate_python(row.payload) if row else None

    def list_offers(
        self,
        request_id: str,
        page: PageRequest,
        *,
        sort: str = "change_total_amount",
        max_connections: int | None = None,
    ) -> Page[ChangeOffer]:
        column = SORTS.get(sort)
        if column is None:
            raise ValidationFailed(
                f"sort must be one of {', '.join(SORTS)}.", field="sort", code="invalid_sort"
            )
        query = select(column, order_change_offers.c.id, order_change_offers.c.payload).where(
            order_change_offers.c.change_request_id == request_id
        )
        if max_connections is not None:
            query = query.where(order_change_offers.c.connections <= max_connections)
        rows, after, before = keyset_page(
            query,
            sort_column=column,
            id_column=order_change_offers.c.id,
            page=page,
            execute=self._db.execute,
        )
        items = [_offer_codec.validate_python(row.payload) for row in rows]
        return Page(items, after, before, page.limit)

    # --- changes --------------------------------------------------------------
    def add_change(self, change: OrderChange) -> None:
        self._db.execute(
            insert(order_changes).values(
                id=change.id,
                order_id=change.order_id,
                change_offer_id=change.change_offer_id,
                status=change.status.value,
                created_at=change.created_at,
                expires_at=change.expires_at,
                payload=_payload(change),
            )
        )

    def get_change(self, change_id: str) -> OrderChange | None:
        row = self._db.execute(select(order_changes).where(order_changes.c.id == change_id)).first()
        if row is None:
            return None
        data = dict(row.payload)
        data.update({name: getattr(row, name) for name in _CHANGE_COLUMNS})
        return _change_codec.validate_python(data)

    def set_status(
        self,
        change_id: str,
        *,
        from_status: OrderChangeStatus,
        to_status: OrderChangeStatus,
        **changes: Any,
    ) -> bool:
        """Compare-and-set ``from_status → to_status``; False if the change was not in
        ``from_status`` any more (someone else moved it first), or if it would be a
        second ``confirming`` change of its order."""
        if to_status not in CHANGE_TRANSITIONS[from_status]:
            raise ValueError(f"order change cannot go from {from_status} to {to_status}")
        try:
            with self._db.begin_nested():
                result = self._db.execute(
                    update(order_changes)
                    .where(
                        order_changes.c.id == change_id,
                        order_changes.c.status == from_status.value,
                    )
                    .values(status=to_status.value, **changes)
                )
        except IntegrityError:  # another change of the order is confirming
            return False
        return result.rowcount == 1

    def confirming_before(self, cutoff: datetime, *, limit: int = 100) -> list[OrderChange]:
        """Changes whose confirmation started before ``cutoff`` and never finished."""
        rows = self._db.execute(
            select(order_changes.c.id)
            .where(
                order_changes.c.status == OrderChangeStatus.CONFIRMING.value,
                order_changes.c.confirming_at < cutoff,
            )
            .order_by(order_changes.c.confirming_at)
            .limit(limit)
        )
        found = [self.get_change(row.id) for row in rows]
        return [change for change in found if change is not None]


def _payload(change: OrderChange) -> dict[str, Any]:
    data: dict[str, Any] = dump(_change_codec, change)
    for name in _CHANGE_COLUMNS:
        data.pop(name, None)
    return data
