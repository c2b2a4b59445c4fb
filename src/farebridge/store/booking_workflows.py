"""Booking workflows (the Allmyles dialect's sessions): one row per user and session key.

The lock is taken with ``UPDATE … WHERE lock_token IS NULL OR locked_until <= :now``
and the row count; it is given back only by the token that took it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Row, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.booking_workflow import Workflow, WorkflowBooking, WorkflowState
from farebridge.store.codec import dump
from farebridge.store.sealing import DataCipher, development_cipher
from farebridge.store.tables import allmyles_sessions as table

_booking_codec: TypeAdapter[WorkflowBooking] = TypeAdapter(WorkflowBooking)


class WorkflowRepository:
    """Implements ``services.ports.Workflows``."""

    def __init__(self, connection: Connection, cipher: DataCipher | None = None) -> None:
        self._db = connection
        self._cipher = cipher or development_cipher()

    def get(self, owner_id: str, key: str) -> Workflow | None:
        row = self._db.execute(
            select(table).where(table.c.owner_id == owner_id, table.c.session_key == key)
        ).first()
        return None if row is None else _workflow(row, self._cipher)

    def add(self, workflow: Workflow) -> bool:
        """Insert; False when the row exists already (another call made it first)."""
        try:
            with self._db.begin_nested():
                self._db.execute(insert(table).values(**_columns(workflow, self._cipher)))
        except IntegrityError:
            return False
        return True

    def lock(self, owner_id: str, key: str, *, token: str, now: datetime, until: datetime) -> bool:
        result = self._db.execute(
            update(table)
            .where(
                table.c.owner_id == owner_id,
                table.c.session_key == key,
                or_(table.c.lock_token.is_(None), table.c.locked_until <= now),
            )
            .values(lock_token=token, locked_until=until, last_request_at=now)
        )
        return result.rowcount == 1

    def unlock(self, owner_id: str, key: str, *, token: str) -> None:
        self._db.execute(
            update(table)
            .where(
                table.c.owner_id == owner_id,
                table.c.session_key == key,
                table.c.lock_token == token,
            )
            .values(lock_token=None, locked_until=None)
        )

    def save(self, workflow: Workflow) -> bool:
        """Write the workflow's state, only while its caller holds the lock."""
        values = _columns(workflow, self._cipher)
        for name in ("owner_id", "session_key", "lock_token", "locked_until", "created_at"):
            values.pop(name)
        result = self._db.execute(
            update(table)
            .where(
                table.c.owner_id == workflow.owner_id,
                table.c.session_key == workflow.key,
                table.c.lock_token == workflow.lock_token,
            )
            .values(**values)
        )
        return result.rowcount == 1

    def by_booking_reference(self, booking_reference: str) -> list[Workflow]:
        rows = self._db.execute(
            select(table).where(table.c.booking_reference == booking_reference)
        ).all()
        return [_workflow(row, self._cipher) for row in rows]


def _columns(workflow: Workflow, cipher: DataCipher) -> dict[str, Any]:
    return {
        "owner_id": workflow.owner_id,
        "session_key": workflow.key,
        "state": workflow.state.value,
        "generation": workflow.generation,
        "offer_request_id": workflow.offer_request_id,
        "search_fingerprint": workflow.search_fingerprint,
        "results": dict(workflow.results),
        "booking": None
        if workflow.booking is None
        else cipher.seal_documents(dump(_booking_codec, workflow.booking)),
        "order_id": workflow.order_id,
        "booking_reference": workflow.booking_reference,
        "payment_token": workflow.payment_token,
        "lock_token": workflow.lock_token,
        "locked_until": workflow.locked_until,
        "created_at": workflow.created_at,
        "last_request_at": workflow.last_request_at,
    }


def _workflow(row: Row[Any], cipher: DataCipher) -> Workflow:
    booking = row.booking
    return Workflow(
        owner_id=row.owner_id,
        key=row.session_key,
        state=WorkflowState(row.state),
        created_at=row.created_at,
        last_request_at=row.last_request_at,
        generation=row.generation,
        offer_request_id=row.offer_request_id,
        search_fingerprint=row.search_fingerprint,
        results=dict(row.results or {}),
        booking=None
        if booking is None
        else _booking_codec.validate_python(cipher.open_documents(booking)),
        order_id=row.order_id,
        booking_reference=row.booking_reference,
        payment_token=row.payment_token,
        lock_token=row.lock_token,
        locked_until=row.locked_until,
    )
