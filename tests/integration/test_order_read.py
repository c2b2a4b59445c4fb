"""An order read alone (``OrderRepository.get``: one statement, its tickets and pending
schedule changes aggregated as JSON, issue 14) gives what the batched read of a page
gives (three statements), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from farebridge.domain.order import Document, Order, OrderStatus, TicketingStatus
from farebridge.domain.schedule_changes import (
    ScheduleChange,
    ScheduleChangeKind,
    ScheduleChangeStatus,
)
from farebridge.services.ports import Dependencies
from farebridge.store import orders as orders_store
from tests.factories import create_order
from tests.integration.conftest import create_user

ISSUED = datetime(2029, 12, 1, 12, 0, 0, 123456, tzinfo=UTC)


def change(order_id: str, number: int, detected_at: datetime) -> ScheduleChange:
    order = create_order()
    return ScheduleChange(
        id=f"sch_{number}",
        order_id=order_id,
        provider_change_id=f"chg_{number}",
        kind=ScheduleChangeKind.RETIMED,
        detected_at=detected_at,
        slice_ids=("sli_1",),
        before=order.slices[0].segments,
        after=order.slices[0].segments,
        connection_broken=number % 2 == 0,
        message=f"Retimed by {number * 5} minutes — “quoted” \\ text",
    )


def test_an_order_read_alone_is_the_order_a_page_read_gives(services: Dependencies) -> None:
    user = create_user(services)
    order = replace(create_order(status=OrderStatus.TICKETED), id="ord_read", owner_id=user.id)
    bare = replace(create_order(), id="ord_bare", owner_id=user.id)
    with services.uow() as uow:
        uow.orders.add(order)
        uow.orders.add(bare)
        # inserted out of order: the read sorts by issue time, then ticket number
        uow.orders.add_documents(
            order.id,
            [
                Document("electronic_ticket", "125-0000000003", "pas_1", ISSUED),
                Document("electronic_ticket", "125-0000000002", "pas_2", ISSUED),
                Document("electronic_ticket", "125-0000000001", "pas_1", ISSUED - timedelta(1)),
            ],
        )
        assert uow.schedule_changes.add(change(order.id, 2, ISSUED + timedelta(hours=2)))
        assert uow.schedule_changes.add(change(order.id, 1, ISSUED + timedelta(hours=1)))
        assert uow.schedule_changes.add(change(order.id, 3, ISSUED))
        assert uow.schedule_changes.resolve("sch_3", ScheduleChangeStatus.ACCEPTED, now=ISSUED)
        uow.commit()

    with services.uow(read_only=True) as uow:
        alone = uow.orders.get(order.id)
        paged = uow.orders.get_many([order.id, bare.id])
        bare_alone = uow.orders.get(bare.id)
        missing = uow.orders.get("ord_missing")

    assert alone is not None and alone == paged[order.id]
    assert [d.unique_identifier for d in alone.documents] == [
        "125-0000000001",
        "125-0000000002",
        "125-0000000003",
    ]
    assert alone.documents[-1].issued_at == ISSUED, "microseconds and zone kept"
    assert alone.documents[-1].issued_at.tzinfo is not None
    assert [c.id for c in alone.schedule_changes] == ["sch_1", "sch_2"], "pending, oldest first"
    assert alone.schedule_changes[0] == change(order.id, 1, ISSUED + timedelta(hours=1))
    assert bare_alone is not None and bare_alone == paged[bare.id]
    assert bare_alone.documents == () and bare_alone.schedule_changes == ()
    assert missing is None


def test_an_order_read_again_unchanged_is_not_decoded_again_and_every_change_shows(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``get`` keeps the orders it decoded, by everything their read returned: an unchanged
    order is not validated again, and each kind of write (a status, a column written
    without a new version, tickets, a pending change, metadata) is seen by the next read,
    on SQLite and PostgreSQL."""
    user = create_user(services)
    order = replace(create_order(), id=f"ord_cache_{user.id[-6:]}", owner_id=user.id)
    with services.uow() as uow:
        uow.orders.add(order)
        uow.commit()
    decoded: list[str] = []
    validate = orders_store._order_codec.validate_python

    def counted(data: Any, *args: Any, **kwargs: Any) -> Any:
        decoded.append(data["id"])
        return validate(data, *args, **kwargs)

    monkeypatch.setattr(orders_store._order_codec, "validate_python", counted)

    def read() -> Order:
        with services.uow(read_only=True) as uow:
            found = uow.orders.get(order.id)
        assert found is not None
        return found

    first, second = read(), read()
    assert first == second and decoded == [order.id], "the second read is not decoded again"
    second.metadata["mine"] = "changed"  # a caller's change reaches no other read
    assert read().metadata == {}

    def written(change: Callable[[Any], object]) -> Order:
        with services.uow() as uow:
            change(uow)
            uow.commit()
        return read()

    now = datetime.now(UTC)
    event = order.cancel(now=now, cancellation_id="ore_1", refund=order.total)
    cancelled = written(lambda uow: uow.orders.apply(event))
    assert cancelled.status is OrderStatus.CANCELLED
    synced = written(lambda uow: uow.orders.mark_synced(order.id, synced_at=ISSUED))
    assert synced.synced_at == ISSUED and synced.version == cancelled.version, "no new version"
    ticket = Document("electronic_ticket", "125-0000000009", "pas_1", ISSUED)
    ticketed = written(lambda uow: uow.orders.add_documents(order.id, [ticket]))
    assert ticketed.documents == (ticket,)
    pending = written(lambda uow: uow.schedule_changes.add(change(order.id, 9, ISSUED)))
    assert [c.id for c in pending.schedule_changes] == ["sch_9"]
    tagged = written(lambda uow: uow.orders.update_metadata(order.id, {"trip": "spring"}))
    assert tagged.metadata == {"trip": "spring"}
    assert read() == tagged
    failing = written(
        lambda uow: uow.orders.set_ticketing_status(
            order.id, TicketingStatus.FAILED, synced_at=ISSUED + timedelta(1)
        )
    )
    assert failing.ticketing_status is TicketingStatus.FAILED
    resolved = written(
        lambda uow: uow.schedule_changes.resolve("sch_9", ScheduleChangeStatus.ACCEPTED, now=now)
    )
    assert resolved.schedule_changes == ()
    voided = written(lambda uow: uow.orders.remove_documents(order.id))
    assert voided.documents == ()
    assert read() == voided
    assert len(decoded) == 9, "decoded once per version of what was read, not per read"
