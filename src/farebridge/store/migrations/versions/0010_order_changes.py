"""voluntary order changes (ADR 0012)

- order_change_requests / order_change_offers / order_changes: Duffel's change flow;
- sandbox_bookings.replaces: a change's booking names the booking it replaces, whose
  kept flights it takes over when that booking is released.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sandbox_bookings") as batch_op:
        batch_op.add_column(sa.Column("replaces", sa.String(8), nullable=True))
        batch_op.create_index(batch_op.f("ix_sandbox_bookings_replaces"), ["replaces"])
    op.create_table(
        "order_change_requests",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_change_requests_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_order_change_requests_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_change_requests")),
    )
    op.create_index(
        op.f("ix_order_change_requests_order_id"), "order_change_requests", ["order_id"]
    )
    op.create_table(
        "order_change_offers",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("change_request_id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("change_total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total_duration_minutes", sa.Integer(), nullable=False),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["order_change_requests.id"],
            name=op.f("fk_order_change_offers_change_request_id_order_change_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_change_offers")),
    )
    op.create_index(
        "ix_order_change_offers_request_total",
        "order_change_offers",
        ["change_request_id", "change_total_minor", "id"],
    )
    op.create_index(
        "ix_order_change_offers_request_duration",
        "order_change_offers",
        ["change_request_id", "total_duration_minutes", "id"],
    )
    op.create_table(
        "order_changes",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("change_offer_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payment_id", sa.String(40), nullable=True),
        sa.Column("payment_type", sa.String(20), nullable=True),
        sa.Column("old_booking_reference", sa.String(12), nullable=True),
        sa.Column("new_booking_reference", sa.String(12), nullable=True),
        sa.Column("failure_code", sa.String(60), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.Column("confirming_at", INSTANT, nullable=True),
        sa.Column("confirmed_at", INSTANT, nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_changes_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_changes")),
    )
    op.create_index(op.f("ix_order_changes_order_id"), "order_changes", ["order_id"])
    op.create_index(
        "ix_order_changes_status_confirming", "order_changes", ["status", "confirming_at"]
    )
    op.create_index(
        "uq_order_changes_one_confirming_per_order",
        "order_changes",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("status = 'confirming'"),
        postgresql_where=sa.text("status = 'confirming'"),
    )


def downgrade() -> None:
    op.drop_index("uq_order_changes_one_confirming_per_order", table_name="order_changes")
    op.drop_index("ix_order_changes_status_confirming", table_name="order_changes")
    op.drop_index(op.f("ix_order_changes_order_id"), table_name="order_changes")
    op.drop_table("order_changes")
    op.drop_index("ix_order_change_offers_request_duration", table_name="order_change_offers")
    op.drop_index("ix_order_change_offers_request_total", table_name="order_change_offers")
    op.drop_table("order_change_offers")
    op.drop_index(op.f("ix_order_change_requests_order_id"), table_name="order_change_requests")
    op.drop_table("order_change_requests")
    with op.batch_alter_table("sandbox_bookings") as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_bookings_replaces"))
        batch_op.drop_column("replaces")
