"""chosen seats: one row per seat, so two passengers can never hold one seat

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_seats",
        sa.Column("flight", sa.String(length=8), nullable=False),
        sa.Column("departure_on", sa.Date(), nullable=False),
        sa.Column("designator", sa.String(length=4), nullable=False),
        sa.Column("cabin", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("passenger_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["sandbox_bookings.reference"],
            name=op.f("fk_sandbox_seats_reference_sandbox_bookings"),
        ),
        sa.PrimaryKeyConstraint(
            "flight", "departure_on", "designator", name=op.f("pk_sandbox_seats")
        ),
    )
    op.create_index(
        op.f("ix_sandbox_seats_reference"), "sandbox_seats", ["reference"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sandbox_seats_reference"), table_name="sandbox_seats")
    op.drop_table("sandbox_seats")
