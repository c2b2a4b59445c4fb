"""card surcharges: the card fee an order's payment charged

- orders.surcharge_amount_minor, orders.surcharge_currency: null until the order is
  paid by a card that carries a fee (ADR 0016).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("surcharge_amount_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("surcharge_currency", sa.String(3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("surcharge_currency")
        batch.drop_column("surcharge_amount_minor")
