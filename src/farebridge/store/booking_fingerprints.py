"""Each live order's claim on its passengers and flights (ADR 0015).

The claim is a row under the primary key (owner, fingerprint), inserted in the
transaction that records the order: of two identical orders recorded at once the
database lets exactly one in. A claim whose order ended (failed, cancelled,
expired) or whose window passed is taken over by deleting it in the same
statement that could conflict — never read, check in Python, then write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.duplicates import ENDED_STATUSES
from farebridge.store.tables import booking_fingerprints, orders

_ATTEMPTS = 3  # a holder that ends between our insert and our read: try again

# Built once (ADR 0034): every booking runs them.
_table = booking_fingerprints
_SAME = (
    _table.c.owner_id == bindparam("owner_id"),
    _table.c.fingerprint == bindparam("fingerprint"),
)
_TAKE_OVER = delete(_table).where(
    *_SAME,
    or_(
        _table.c.expires_at <= bindparam("now"),
        _table.c.order_id.in_(
            select(orders.c.id).where(orders.c.status.in_([s.value for s in ENDED_STATUSES]))
        ),
    ),
)
_INSERT = insert(_table)
_HOLDER = select(_table.c.order_id).where(*_SAME)


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
    same = {"owner_id": owner_id, "fingerprint": fingerprint}
    for _ in range(_ATTEMPTS):
        db.execute(_TAKE_OVER, {**same, "now": now})
        try:
            with db.begin_nested():
                db.execute(
                    _INSERT,
                    {**same, "order_id": order_id, "created_at": now, "expires_at": expires_at},
                )
            return None
        except IntegrityError:
            holder: str | None = db.execute(_HOLDER, same).scalar_one_or_none()
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
