"""Passport numbers encrypted at rest (ADR 0027)

Orders keep their passengers in the ``payload`` JSON and Allmyles sessions the
passengers of their book request in ``booking``: every
``identity_documents[].unique_identifier`` in them is sealed with the key of
``FAREBRIDGE_DATA_KEY`` (``enc:v1:`` + a Fernet token). Rows already sealed are left
as they are, so running it twice changes nothing. The downgrade opens them again.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from farebridge.settings import get_settings
from farebridge.store.sealing import DataCipher

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, its key columns, the JSON column that can hold passengers)
_STORES = (
    ("orders", ("id",), "payload"),
    ("allmyles_sessions", ("owner_id", "session_key"), "booking"),
)


def _cipher() -> DataCipher:
    return DataCipher(get_settings().data_key.get_secret_value())


def upgrade() -> None:
    cipher = _cipher()
    _rewrite(cipher.seal_documents)


def downgrade() -> None:
    cipher = _cipher()
    _rewrite(cipher.open_documents)


def _rewrite(change: Callable[[Any], Any]) -> None:
    db = op.get_bind()
    for name, keys, column in _STORES:
        table = sa.table(
            name, *(sa.column(key, sa.String) for key in keys), sa.column(column, sa.JSON)
        )
        rows = db.execute(sa.select(table).where(table.c[column].is_not(None))).all()
        for row in rows:
            value = getattr(row, column)
            changed = change(value)
            if changed == value:
                continue
            condition = sa.and_(*(table.c[key] == getattr(row, key) for key in keys))
            db.execute(sa.update(table).where(condition).values({column: changed}))
