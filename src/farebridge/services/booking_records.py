"""Booking records (ADR 0023): a traveller's notes on one dated flight of the
timetable, linked to the traveller's own order on that flight when there is one.

Who reaches a record is the one access policy (ADR 0021): its owner, an agent of
the owner's agency, an admin; anyone else gets 404. An update is a compare-and-set
on the record's version, so it merges with a concurrent update instead of losing
it, and an update that races a delete never brings the record back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from farebridge.domain.account import Role, User
from farebridge.domain.booking_records import (
    DETAIL_FIELDS,
    BookingReason,
    BookingRecord,
    BookingRecordBusy,
    BookingRecordNotFound,
    RecordDetails,
    UnknownFlight,
    parse_flight_id,
)
from farebridge.domain.ids import new_id
from farebridge.domain.manifest import FlightKey
from farebridge.domain.order import UNCONFIRMED_STATUSES, OrderStatus
from farebridge.services.access import may_access_owner
from farebridge.services.ports import Dependencies, UnitOfWork
from farebridge.services.reads import owned_order

_ENDED = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED, *UNCONFIRMED_STATUSES})
_UPDATE_ATTEMPTS = 5
_NOT_FOUND = "Booking not found or does not belong to the user"  # the source's words


def create_record(
    deps: Dependencies, user: User, *, flight_id: str, details: RecordDetails
) -> BookingRecord:
    """A record on the flight ``flight_id`` (400 ``unknown_flight`` when no enabled
    timetable flies it and the caller has no order on it). ``reason`` defaults to
    personal; the caller's live order on the flight, if any, is linked."""
    flight = parse_flight_id(flight_id, field="flight_id")
    details = _blanks_cleared(details)
    if details.reason is None:
        details = replace(details, reason=BookingReason.PERSONAL)
    with deps.uow() as uow:
        order_id = _live_order_on(uow, user, flight)
        if order_id is None and not deps.providers.operates(flight):
            raise _unknown(flight_id)
        now = deps.clock.now()
        record = BookingRecord(
            id=new_id("booking"),
            owner_id=user.id,
            flight=flight,
            details=details,
            order_id=order_id,
            created_at=now,
            updated_at=now,
        )
        uow.booking_records.add(record)
        uow.commit()
    return record


def get_record(deps: Dependencies, user: User, record_id: str) -> BookingRecord:
    with deps.uow(read_only=True) as uow:
        return _reachable(uow, user, record_id)


def update_record(
    deps: Dependencies, user: User, record_id: str, changes: Mapping[str, Any]
) -> BookingRecord:
    """Change only the fields in ``changes`` (None clears one)."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not record fields: {sorted(unknown)}")
    with deps.uow() as uow:
        for _ in range(_UPDATE_ATTEMPTS):
            record = _reachable(uow, user, record_id)
            details = _blanks_cleared(replace(record.details, **changes))
            now = deps.clock.now()
            if uow.booking_records.update(record_id, details, version=record.version, now=now):
                uow.commit()
                return replace(record, details=details, updated_at=now, version=record.version + 1)
        raise BookingRecordBusy(record_id)


def delete_record(deps: Dependencies, user: User, record_id: str) -> BookingRecord:
    with deps.uow() as uow:
        record = _reachable(uow, user, record_id)
        if not uow.booking_records.remove(record_id):
            raise BookingRecordNotFound(_NOT_FOUND)
        uow.commit()
    return record


def records_on_flight(deps: Dependencies, user: User, flight_id: str) -> list[BookingRecord]:
    """The records on a flight that the caller may see: its own; an agent's agency's
    too; every one for an admin. Newest first."""
    flight = parse_flight_id(flight_id, field="flight_id")
    with deps.uow(read_only=True) as uow:
        records = uow.booking_records.on_flight(flight, owner_ids=_visible_owners(uow, user))
        known = records or _live_order_on(uow, user, flight) or deps.providers.operates(flight)
        if not known:
            raise _unknown(flight_id)
        return records


def records_of_order(deps: Dependencies, user: User, order_id: str) -> list[BookingRecord]:
    """The records that annotate an order the caller may reach (404 otherwise)."""
    with deps.uow(read_only=True) as uow:
        owned_order(uow, user, order_id)
        return uow.booking_records.for_order(order_id)


def _reachable(uow: UnitOfWork, user: User, record_id: str) -> BookingRecord:
    record = uow.booking_records.get(record_id)
    if record is None or not may_access_owner(uow, user, record.owner_id):
        raise BookingRecordNotFound(_NOT_FOUND)
    return record


def _live_order_on(uow: UnitOfWork, user: User, flight: FlightKey) -> str | None:
    """The caller's newest order on ``flight`` that is neither cancelled nor expired."""
    orders = [
        order
        for order in uow.orders.on_flight(flight)
        if order.owner_id == user.id and order.status not in _ENDED
    ]
    if not orders:
        return None
    return max(orders, key=lambda order: (order.created_at, order.id)).id


def _visible_owners(uow: UnitOfWork, user: User) -> list[str] | None:
    if user.role is Role.ADMIN:
        return None
    if user.role is Role.AGENT and user.agency_id is not None:
        return sorted({user.id, *(u.id for u in uow.users.list(agency_id=user.agency_id))})
    return [user.id]


def _blanks_cleared(details: RecordDetails) -> RecordDetails:
    """An empty text is no text: ``""`` is stored as None (cleared)."""
    blanks = {
        name: None
        for name in ("booking_code", "seat_number", "notes")
        if getattr(details, name) == ""
    }
    return replace(details, **blanks) if blanks else details


def _unknown(flight_id: str) -> UnknownFlight:
    return UnknownFlight(
        f"Flight {flight_id} not found: no flight of the timetable has this number on this date.",
        field="flight_id",
    )
