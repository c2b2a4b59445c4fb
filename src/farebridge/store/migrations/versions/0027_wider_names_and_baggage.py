"""Columns wide enough for what the dialects accept

- users.full_name: 320 characters (was 200). flight_api's register takes a first and
  a last name of up to 150 characters each, as Django's user model does; joined they
  are up to 301, and PostgreSQL refused the longer ones (a 500 schemathesis found).
- flight_api_bookings.extra_baggage_kg: 40 characters (was 10). The excess is a
  decimal sum of the passengers' baggage weights, sent as floats (``12.6``, or
  ``14.385619166931903``); Python's decimal context keeps at most 28 significant
  digits, so its text fits in 40.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "full_name", existing_type=sa.String(200), type_=sa.String(320), existing_nullable=False
        )
    with op.batch_alter_table("flight_api_bookings") as batch:
        batch.alter_column(
            "extra_baggage_kg",
            existing_type=sa.String(10),
            type_=sa.String(40),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("flight_api_bookings") as batch:
        batch.alter_column(
            "extra_baggage_kg",
            existing_type=sa.String(40),
            type_=sa.String(10),
            existing_nullable=False,
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "full_name", existing_type=sa.String(320), type_=sa.String(200), existing_nullable=False
        )
