"""the Duffel provider: the order changes it prepared

- duffel_order_changes: one row per change of ours made at Duffel in place (a
  pending Duffel order change, then confirmed), keyed on our change id.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "duffel_order_changes",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("booking_key", sa.String(60), nullable=False),
        sa.Column("duffel_order_change_id", sa.String(80), nullable=False),
        sa.Column("amount", sa.String(30), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("confirmed_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_duffel_order_changes")),
        sa.UniqueConstraint(
            "duffel_order_change_id", name=op.f("uq_duffel_order_changes_duffel_order_change_id")
        ),
    )
    op.create_index(
        op.f("ix_duffel_order_changes_booking_key"), "duffel_order_changes", ["booking_key"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_duffel_order_changes_booking_key"), table_name="duffel_order_changes")
    op.drop_table("duffel_order_changes")
