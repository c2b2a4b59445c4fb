"""Sign-in codes and booking drafts of the web site (ADR 0035)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from farebridge.domain.booking_draft import BookingDraft
from farebridge.store.sealing import DataCipher
from farebridge.store.tables import booking_drafts, sign_in_codes


class SignInCodeRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self,
        code_hash: str,
        *,
        user_id: str,
        token_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self._db.execute(
            insert(sign_in_codes).values(
                code_hash=code_hash,
                user_id=user_id,
                token_hash=token_hash,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def redeem(self, code_hash: str, *, now: datetime) -> tuple[str, str] | None:
        """Mark a live, unused code used (compare-and-set): (user id, asking token's hash),
        or None when it is unknown, used or expired."""
        result = self._db.execute(
            update(sign_in_codes)
            .where(
                sign_in_codes.c.code_hash == code_hash,
                sign_in_codes.c.used_at.is_(None),
                sign_in_codes.c.expires_at > now,
            )
            .values(used_at=now)
        )
        if result.rowcount != 1:
            return None
        row = self._db.execute(
            select(sign_in_codes.c.user_id, sign_in_codes.c.token_hash).where(
                sign_in_codes.c.code_hash == code_hash
            )
        ).one()
        return row.user_id, row.token_hash

    def delete_expired(self, *, before: datetime) -> None:
        self._db.execute(delete(sign_in_codes).where(sign_in_codes.c.expires_at < before))


class BookingDraftRepository:
    """Every read and write is by id *and* owner: another user's draft does not exist."""

    def __init__(self, connection: Connection, cipher: DataCipher) -> None:
        self._db = connection
        self._cipher = cipher

    def add(self, draft: BookingDraft) -> None:
        self._db.execute(
            insert(booking_drafts).values(
                id=draft.id,
                user_id=draft.user_id,
                content=self._seal(draft),
                created_at=draft.created_at,
                updated_at=draft.updated_at,
                expires_at=draft.expires_at,
            )
        )

    def get(self, draft_id: str, *, user_id: str, now: datetime) -> BookingDraft | None:
        row = self._db.execute(
            select(booking_drafts).where(
                booking_drafts.c.id == draft_id,
                booking_drafts.c.user_id == user_id,
                booking_drafts.c.expires_at > now,
            )
        ).first()
        if row is None:
            return None
        return BookingDraft(
            row.id,
            row.user_id,
            json.loads(self._cipher.open(row.content)),
            row.created_at,
            row.updated_at,
            row.expires_at,
        )

    def replace(self, draft: BookingDraft, *, now: datetime) -> bool:
        result = self._db.execute(
            update(booking_drafts)
            .where(
                booking_drafts.c.id == draft.id,
                booking_drafts.c.user_id == draft.user_id,
                booking_drafts.c.expires_at > now,
            )
            .values(
                content=self._seal(draft),
                updated_at=draft.updated_at,
                expires_at=draft.expires_at,
            )
        )
        return result.rowcount == 1

    def remove(self, draft_id: str, *, user_id: str, now: datetime) -> bool:
        result = self._db.execute(
            delete(booking_drafts).where(
                booking_drafts.c.id == draft_id,
                booking_drafts.c.user_id == user_id,
                booking_drafts.c.expires_at > now,
            )
        )
        return result.rowcount == 1

    def prune(self, *, user_id: str, now: datetime, keep: int) -> None:
        """Forget the user's expired drafts and all but the ``keep`` newest others."""
        self._db.execute(
            delete(booking_drafts).where(
                booking_drafts.c.user_id == user_id, booking_drafts.c.expires_at <= now
            )
        )
        newest = (
            select(booking_drafts.c.id)
            .where(booking_drafts.c.user_id == user_id)
            .order_by(booking_drafts.c.updated_at.desc(), booking_drafts.c.id.desc())
            .limit(keep)
        )
        self._db.execute(
            delete(booking_drafts).where(
                booking_drafts.c.user_id == user_id, booking_drafts.c.id.not_in(newest)
            )
        )

    def _seal(self, draft: BookingDraft) -> str:
        return self._cipher.seal(json.dumps(draft.content, separators=(",", ":")))
