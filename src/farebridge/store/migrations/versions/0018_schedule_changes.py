"""airline-initiated changes (ADR 0020)

- schedule_changes: a retimed or cancelled flight of an order, its segments before and
  after, and the customer's answer (pending → accepted | rebooked | cancelled).

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "schedule_changes",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("provider_change_id", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("detected_at", INSTANT, nullable=False),
        sa.Column("resolved_at", INSTANT, nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_schedule_changes_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_changes")),
        sa.UniqueConstraint(
            "order_id", "provider_change_id", name="uq_schedule_changes_order_provider_change"
        ),
    )
    op.create_index("ix_schedule_changes_order_status", "schedule_changes", ["order_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_schedule_changes_order_status", table_name="schedule_changes")
    op.drop_table("schedule_changes")
