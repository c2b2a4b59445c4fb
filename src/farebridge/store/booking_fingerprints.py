"""Each live order's claim on its passengers and flights (ADR 0015).

The claim is a row under the primary key (owner, fingerprint), inserted in the
transaction that records the order: of two identical orders recorded at once the
database lets exactly one in. A claim whose order ended (failed, cancelled,
expired) or whose window passed is taken over by deleting it in the same
statement that could conflict — never read, check in Python, then write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.duplicates import ENDED_STATUSES
from farebridge.store.tables import booking_fingerprints, orders

_ATTEMPTS = 3  # a holder that ends between our insert and our read: try again


def claim(
    db: Connection,
    *,
    owner_id: str,
    fingerprint: str,
    order_id: str,
    now: datetime,
    expires_at: datetime,
) -> str | None:
    """Hold ``fingerprint`` for ``order_id``: None, or the id of the live order that holds it."""
    table = booking_fingerprints
    same = (table.c.owner_id == owner_id, table.c.fingerprint == fingerprint)
    ended = select(orders.c.id).where(orders.c.status.in_([s.value for s in ENDED_STATUSES]))
    for _ in range(_ATTEMPTS):
        db.execute(
            delete(table).where(*same, or_(table.c.expires_at <= now, table.c.order_id.in_(ended)))
        )
        try:
            with db.begin_nested():
                db.execute(
                    insert(table).values(
                        owner_id=owner_id,
                        fingerprint=fingerprint,
                        order_id=order_id,
                        created_at=now,
                        expires_at=expires_at,
                    )
                )
            return None
        except IntegrityError:
            holder: str | None = db.execute(
                select(table.c.order_id).where(*same)
            ).scalar_one_or_none()
            if holder is not None:
                return holder
    raise RuntimeError(f"could not claim booking fingerprint for order {order_id}")


def release(db: Connection, order_id: str) -> None:
    """The order ended: its passengers and flights may be booked again."""
    db.execute(delete(booking_fingerprints).where(booking_fingerprints.c.order_id == order_id))


def move(db: Connection, order_id: str, fingerprint: str) -> None:
    """The order's flights changed: it now claims the new ones; if another live order of
    the account holds those already (a confirmed duplicate), it gives its claim up."""
    try:
        with db.begin_nested():
            db.execute(
                update(booking_fingerprints)
                .where(booking_fingerprints.c.order_id == order_id)
                .values(fingerprint=fingerprint)
            )
    except IntegrityError:
        release(db, order_id)
