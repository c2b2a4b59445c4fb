"""duplicate bookings: each live order's claim on its passengers and flights

- booking_fingerprints: (owner, fingerprint) → the order that holds it, until the
  order fails, is cancelled or expires, or the duplicate-booking window passes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "booking_fingerprints",
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_booking_fingerprints_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_booking_fingerprints_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("owner_id", "fingerprint", name=op.f("pk_booking_fingerprints")),
    )
    op.create_index(op.f("ix_booking_fingerprints_order_id"), "booking_fingerprints", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_booking_fingerprints_order_id"), table_name="booking_fingerprints")
    op.drop_table("booking_fingerprints")
