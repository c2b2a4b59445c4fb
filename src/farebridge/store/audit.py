"""The audit log and the manage-booking grants (ADR 0021)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.store.tables import audit_log, manage_tokens

_INSERT_ENTRY = insert(audit_log)  # built once (ADR 0034)


class AuditRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def record(self, entry: AuditEntry) -> None:
        self._db.execute(
            _INSERT_ENTRY,
            {
                "occurred_at": entry.occurred_at,
                "actor_id": entry.actor_id,
                "action": entry.action.value,
                "order_id": entry.order_id,
                "subject_user_id": entry.subject_user_id,
                "data": entry.data,
            },
        )

    def list(
        self, *, before_id: int | None = None, order_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Newest first; ``before_id`` pages back."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(audit_log.c.id < before_id)
        if order_id is not None:
            query = query.where(audit_log.c.order_id == order_id)
        return [
            AuditEntry(
                action=AuditAction(r.action),
                actor_id=r.actor_id,
                occurred_at=r.occurred_at,
                order_id=r.order_id,
                subject_user_id=r.subject_user_id,
                data=r.data,
                id=r.id,
            )
            for r in self._db.execute(query)
        ]


class ManageTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, token_hash: str, order_id: str, *, now: datetime, expires_at: datetime) -> None:
        self._db.execute(
            insert(manage_tokens).values(
                token_hash=token_hash, order_id=order_id, created_at=now, expires_at=expires_at
            )
        )

    def order_for(self, token_hash: str, *, now: datetime) -> str | None:
        """The order a live grant reads; None if unknown or expired."""
        row = self._db.execute(
            select(manage_tokens.c.order_id).where(
                manage_tokens.c.token_hash == token_hash, manage_tokens.c.expires_at > now
            )
        ).first()
        return row.order_id if row else None
