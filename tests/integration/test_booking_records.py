"""Booking records (ADR 0023) on a real database: the compare-and-set of updates, and
an update racing a delete never brings the record back (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from farebridge.domain.account import User
from farebridge.domain.booking_records import (
    BookingRecord,
    BookingRecordNotFound,
    RecordDetails,
    SeatType,
    flight_id,
)
from farebridge.domain.manifest import segment_flight
from farebridge.services import booking_records
from farebridge.services.ports import Dependencies
from tests.integration.conftest import create_user, find_offers


def _record(services: Dependencies, user: User, *, notes: str | None = None) -> BookingRecord:
    segment = find_offers(services, user=user)[0].slices[0].segments[0]
    return booking_records.create_record(
        services,
        user,
        flight_id=flight_id(segment_flight(segment)),
        details=RecordDetails(notes=notes),
    )


def test_an_update_with_a_stale_version_changes_nothing(services: Dependencies) -> None:
    user = create_user(services)
    record = _record(services, user, notes="first")
    booking_records.update_record(services, user, record.id, {"notes": "second"})
    with services.uow() as uow:
        stale = uow.booking_records.update(
            record.id,
            replace(record.details, notes="stale"),
            version=record.version,
            now=services.clock.now(),
        )
        uow.commit()
    assert stale is False
    assert booking_records.get_record(services, user, record.id).details.notes == "second"


def test_an_update_after_a_delete_does_not_resurrect(services: Dependencies) -> None:
    user = create_user(services)
    record = _record(services, user)
    with services.uow(read_only=True) as uow:
        seen = uow.booking_records.get(record.id)
    assert seen is not None
    booking_records.delete_record(services, user, record.id)
    with services.uow() as uow:
        assert not uow.booking_records.update(
            record.id, seen.details, version=seen.version, now=services.clock.now()
        )
        uow.commit()
    with pytest.raises(BookingRecordNotFound):
        booking_records.update_record(services, user, record.id, {"notes": "again"})
    with services.uow(read_only=True) as uow:
        assert uow.booking_records.get(record.id) is None


def _race_updates_with_a_delete(services: Dependencies, user: User) -> None:
    record = _record(services, user)
    start = threading.Barrier(5)

    def update(n: int) -> str:
        start.wait()
        try:
            booking_records.update_record(services, user, record.id, {"seat_number": f"{n}A"})
        except BookingRecordNotFound:
            return "gone"
        return "updated"

    def delete() -> str:
        start.wait()
        booking_records.delete_record(services, user, record.id)
        return "deleted"

    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = [pool.submit(update, n) for n in range(4)] + [pool.submit(delete)]
        outcomes = [f.result() for f in futures]
    assert outcomes[-1] == "deleted"
    with services.uow(read_only=True) as uow:
        assert uow.booking_records.get(record.id) is None


def test_updates_racing_a_delete_never_bring_it_back(services: Dependencies) -> None:
    user = create_user(services)
    for _ in range(5):
        _race_updates_with_a_delete(services, user)


def test_concurrent_updates_of_different_fields_both_stay(services: Dependencies) -> None:
    user = create_user(services)
    record = _record(services, user)
    start = threading.Barrier(2)
    changes = [
        {"seat_number": "14C"},
        {"seat_type": SeatType.AISLE},
    ]

    def update(change: dict[str, object]) -> None:
        start.wait()
        booking_records.update_record(services, user, record.id, change)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(update, changes))
    details = booking_records.get_record(services, user, record.id).details
    assert details.seat_number == "14C" and details.seat_type is SeatType.AISLE
    with services.uow(read_only=True) as uow:
        stored = uow.booking_records.get(record.id)
    assert stored is not None and stored.version == record.version + 2
