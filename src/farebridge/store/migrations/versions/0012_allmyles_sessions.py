"""the Allmyles dialect: its booking workflows (sessions)

- allmyles_sessions: one row per (user, session cookie hash): the latest search,
  its result ids, the book request's data, the order, and the one-call-at-a-time
  lock (lock_token, locked_until), taken and given back by compare-and-set.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "allmyles_sessions",
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("session_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("offer_request_id", sa.String(40), nullable=True),
        sa.Column("search_fingerprint", sa.String(64), nullable=True),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("booking", sa.JSON(), nullable=True),
        sa.Column("order_id", sa.String(40), nullable=True),
        sa.Column("booking_reference", sa.String(20), nullable=True),
        sa.Column("payment_token", sa.String(80), nullable=True),
        sa.Column("lock_token", sa.String(40), nullable=True),
        sa.Column("locked_until", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("last_request_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "session_key", name=op.f("pk_allmyles_sessions")),
    )
    op.create_index(
        op.f("ix_allmyles_sessions_booking_reference"),
        "allmyles_sessions",
        ["booking_reference"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_allmyles_sessions_booking_reference"), table_name="allmyles_sessions")
    op.drop_table("allmyles_sessions")
