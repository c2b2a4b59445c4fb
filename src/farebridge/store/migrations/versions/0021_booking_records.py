"""booking records (ADR 0023): a traveller's notes on one dated flight

- booking_records: booking code, seat, seat position, class, reason and notes on a
  flight (carrier, number, local departure date), optionally on one of the owner's
  orders; ``version`` is the compare-and-set counter of updates

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "booking_records",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("carrier", sa.String(3), nullable=False),
        sa.Column("number", sa.String(5), nullable=False),
        sa.Column("departure_on", sa.Date(), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=True),
        sa.Column("booking_code", sa.String(50), nullable=True),
        sa.Column("seat_number", sa.String(10), nullable=True),
        sa.Column("seat_type", sa.String(20), nullable=True),
        sa.Column("seating_class", sa.String(20), nullable=True),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("notes", sa.String(500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_booking_records_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_booking_records_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_records")),
    )
    op.create_index(
        "ix_booking_records_flight", "booking_records", ["carrier", "number", "departure_on"]
    )
    op.create_index("ix_booking_records_owner", "booking_records", ["owner_id", "created_at"])
    op.create_index(op.f("ix_booking_records_order_id"), "booking_records", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_booking_records_order_id"), table_name="booking_records")
    op.drop_index("ix_booking_records_owner", table_name="booking_records")
    op.drop_index("ix_booking_records_flight", table_name="booking_records")
    op.drop_table("booking_records")
