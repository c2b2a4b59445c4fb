"""the Duffel provider: its bookings and the webhook events it has seen

- duffel_bookings: one row per order booked through Duffel, written before the
  order is created at Duffel (our key, Duffel's offer id), completed with Duffel's
  order id and booking reference;
- duffel_webhook_events: the ids of the webhook events received, so a replay is
  acted on once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "duffel_bookings",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("duffel_offer_id", sa.String(80), nullable=False),
        sa.Column("duffel_order_id", sa.String(80), nullable=True),
        sa.Column("booking_reference", sa.String(20), nullable=True),
        sa.Column("duffel_type", sa.String(10), nullable=False),
        sa.Column("hold", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(30), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("passengers", sa.JSON(), nullable=False),
        sa.Column("departures", sa.JSON(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_duffel_bookings")),
        sa.UniqueConstraint("duffel_order_id", name=op.f("uq_duffel_bookings_duffel_order_id")),
    )
    op.create_index(
        op.f("ix_duffel_bookings_duffel_offer_id"), "duffel_bookings", ["duffel_offer_id"]
    )
    op.create_index(
        op.f("ix_duffel_bookings_booking_reference"), "duffel_bookings", ["booking_reference"]
    )
    op.create_table(
        "duffel_webhook_events",
        sa.Column("event_id", sa.String(80), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_duffel_webhook_events")),
    )


def downgrade() -> None:
    op.drop_table("duffel_webhook_events")
    op.drop_index(op.f("ix_duffel_bookings_booking_reference"), table_name="duffel_bookings")
    op.drop_index(op.f("ix_duffel_bookings_duffel_offer_id"), table_name="duffel_bookings")
    op.drop_table("duffel_bookings")
