"""api webhooks: a scheme per webhook (duffel | standard), and the delivery log

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

Instant = sa.DateTime(timezone=True)

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        # Every webhook so far is the Duffel dialect's.
        batch.add_column(
            sa.Column("scheme", sa.String(20), nullable=False, server_default="duffel")
        )
        batch.add_column(sa.Column("description", sa.String(500)))
        batch.add_column(sa.Column("disabled_reason", sa.String(200)))
        batch.add_column(sa.Column("failing_since", Instant))
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "webhook_id",
            sa.String(40),
            sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(60), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", Instant),
        sa.Column("delivered_at", Instant),
        sa.Column("retry_until", Instant, nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        # One delivery of an event per webhook, whatever the dispatchers do.
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_webhook_created",
        "webhook_deliveries",
        ["webhook_id", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_webhook_created", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("failing_since")
        batch.drop_column("disabled_reason")
        batch.drop_column("description")
        batch.drop_column("scheme")
