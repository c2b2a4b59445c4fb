"""email outbox: the notifications queued from order events, and the mail dispatcher's position

- email_outbox: one row per message, unique (event_id, kind) so a message is queued once
- webhook_cursors row 'email_outbox': how far the mail dispatcher has read the order
  events (its own position: webhooks and email move independently)

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

Instant = sa.DateTime(timezone=True)

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("order_id", sa.String(40), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text_body", sa.Text, nullable=False),
        sa.Column("html_body", sa.Text, nullable=False),
        sa.Column("attachments", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("send_after", Instant, nullable=False),
        sa.Column("sent_at", Instant),
        sa.UniqueConstraint("event_id", "kind", name="uq_email_outbox_event_kind"),
    )
    op.create_index("ix_email_outbox_order_id", "email_outbox", ["order_id"])
    # Start after the events that exist: upgrading does not mail every past booking.
    op.execute(
        "INSERT INTO webhook_cursors (stream, last_event_id) "
        "SELECT 'email_outbox', COALESCE(MAX(id), 0) FROM order_events"
    )


def downgrade() -> None:
    op.execute("DELETE FROM webhook_cursors WHERE stream = 'email_outbox'")
    op.drop_index("ix_email_outbox_order_id", table_name="email_outbox")
    op.drop_table("email_outbox")
