"""The email outbox, and the mail dispatcher's read position in the order events.

The position is a row of ``webhook_cursors`` (stream ``email_outbox``), moved with the
same compare-and-set as the webhook dispatcher's own row: the two read the events
independently.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from farebridge.domain.notifications import EmailKind, EmailStatus, OutboxEmail
from farebridge.store.database import per_dialect
from farebridge.store.event_cursors import EventCursor
from farebridge.store.tables import email_outbox

# Built once (ADR 0039), given the row as parameters: an email already queued for its
# event and kind is skipped.
_ADD = per_dialect(
    lambda insert: (
        insert(email_outbox)
        .on_conflict_do_nothing(index_elements=["event_id", "kind"])
        .returning(email_outbox.c.id)
    )
)

STREAM = "email_outbox"


class EmailOutboxRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._cursor = EventCursor(connection, STREAM)

    def add(self, email: OutboxEmail) -> bool:
        """Queue ``email``; False (nothing written) when its event already queued its kind."""
        inserted = self._db.execute(_ADD[self._db.dialect.name], _columns(email)).first()
        return inserted is not None

    def get(self, email_id: str) -> OutboxEmail | None:
        row = self._db.execute(select(email_outbox).where(email_outbox.c.id == email_id)).first()
        return None if row is None else _email(row)

    def list_for_order(self, order_id: str) -> list[OutboxEmail]:
        rows = self._db.execute(
            select(email_outbox)
            .where(email_outbox.c.order_id == order_id)
            .order_by(email_outbox.c.event_id, email_outbox.c.created_at, email_outbox.c.id)
        )
        return [_email(r) for r in rows]

    def record_attempt(self, email_id: str, *, error: str) -> int | None:
        """Count a failed attempt of a pending email; its attempts so far (None: not
        pending any more)."""
        result = self._db.execute(
            update(email_outbox)
            .where(email_outbox.c.id == email_id, email_outbox.c.status == EmailStatus.PENDING)
            .values(attempts=email_outbox.c.attempts + 1, last_error=error)
            .returning(email_outbox.c.attempts)
        ).first()
        return None if result is None else int(result.attempts)

    def finish(
        self,
        email_id: str,
        *,
        status: EmailStatus,
        sent_at: Any = None,
        attachments: list[dict[str, object]] | None = None,
        error: str | None = None,
    ) -> bool:
        """Compare-and-set pending → ``status``; False when it is no longer pending."""
        values: dict[str, Any] = {"status": status.value}
        if status is EmailStatus.SENT:
            values |= {
                "sent_at": sent_at,
                "attempts": email_outbox.c.attempts + 1,
                "attachments": attachments or [],
            }
        if error is not None:
            values["last_error"] = error
        result = self._db.execute(
            update(email_outbox)
            .where(email_outbox.c.id == email_id, email_outbox.c.status == EmailStatus.PENDING)
            .values(**values)
        )
        return result.rowcount == 1

    # --- the dispatcher's position -----------------------------------------------------

    def position(self) -> int | None:
        return self._cursor.position()

    def cursor(self) -> int:
        return self._cursor.cursor()

    def advance(self, from_id: int, to_id: int) -> bool:
        return self._cursor.advance(from_id, to_id)


def _columns(email: OutboxEmail) -> dict[str, Any]:
    return {
        "id": email.id,
        "order_id": email.order_id,
        "event_id": email.event_id,
        "kind": email.kind.value,
        "to_address": email.to_address,
        "subject": email.subject,
        "text_body": email.text_body,
        "html_body": email.html_body,
        "attachments": list(email.attachments),
        "status": email.status.value,
        "attempts": email.attempts,
        "last_error": email.last_error,
        "created_at": email.created_at,
        "send_after": email.send_after,
        "sent_at": email.sent_at,
    }


def _email(row: Any) -> OutboxEmail:
    return OutboxEmail(
        id=row.id,
        order_id=row.order_id,
        event_id=int(row.event_id),
        kind=EmailKind(row.kind),
        to_address=row.to_address,
        subject=row.subject,
        text_body=row.text_body,
        html_body=row.html_body,
        created_at=row.created_at,
        send_after=row.send_after,
        status=EmailStatus(row.status),
        attempts=int(row.attempts),
        last_error=row.last_error,
        sent_at=row.sent_at,
        attachments=tuple(row.attachments or ()),
    )
