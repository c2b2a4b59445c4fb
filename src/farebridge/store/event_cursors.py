"""A dispatcher's position in ``order_events``: one ``webhook_cursors`` row per stream
(the webhooks' ``order_events``, the email outbox's ``email_outbox``), moved by a
compare-and-set so two dispatchers never hand out the same events."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from farebridge.store.tables import order_events, webhook_cursors


class EventCursor:
    def __init__(self, connection: Connection, stream: str) -> None:
        self._db = connection
        self._stream = stream

    def position(self) -> int | None:
        """How far the dispatcher has read; None before its first run."""
        value = self._db.execute(
            select(webhook_cursors.c.last_event_id).where(webhook_cursors.c.stream == self._stream)
        ).scalar()
        return None if value is None else int(value)

    def cursor(self) -> int:
        """The position, created on the first run at the newest event (racing first runs
        create it once): a new stream does not replay the events the database holds."""
        value = self.position()
        if value is not None:
            return value
        insert_ = pg_insert if self._db.dialect.name == "postgresql" else sqlite_insert
        start = select(func.coalesce(func.max(order_events.c.id), 0)).scalar_subquery()
        self._db.execute(
            insert_(webhook_cursors)
            .values(stream=self._stream, last_event_id=start)
            .on_conflict_do_nothing(index_elements=["stream"])
        )
        created = self.position()
        assert created is not None
        return created

    def advance(self, from_id: int, to_id: int) -> bool:
        """Compare-and-set the position: False if another dispatcher moved it first."""
        result = self._db.execute(
            update(webhook_cursors)
            .where(
                webhook_cursors.c.stream == self._stream,
                webhook_cursors.c.last_event_id == from_id,
            )
            .values(last_event_id=to_id)
        )
        return result.rowcount == 1
