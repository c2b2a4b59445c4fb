"""Sign-in codes and booking drafts of the web site (ADR 0035)

- sign_in_codes: one-time codes that hand a login to the browser as an HttpOnly cookie
- booking_drafts: a signed-in traveller's booking in progress, sealed at rest

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(40), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.Column("used_at", INSTANT),
    )
    op.create_index("ix_sign_in_codes_user_id", "sign_in_codes", ["user_id"])
    op.create_table(
        "booking_drafts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("user_id", sa.String(40), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
    )
    op.create_index("ix_booking_drafts_user_id", "booking_drafts", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_booking_drafts_user_id", table_name="booking_drafts")
    op.drop_table("booking_drafts")
    op.drop_index("ix_sign_in_codes_user_id", table_name="sign_in_codes")
    op.drop_table("sign_in_codes")
