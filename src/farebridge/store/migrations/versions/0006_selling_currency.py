"""one selling currency per search: exchange rates, accounts' preferred currency

- exchange_rates: US dollars per unit of each currency, seeded with the default
  rates (approximate; ``farebridge rates set|import`` keeps them current);
- users.preferred_currency: the currency an account's searches are priced in.

``offers.comparable_amount`` now holds the total in minor units of the search's
selling currency. Rows made before this revision hold US cents at the old
reference rates and their searches read back as USD searches, so they need no
backfill (offers expire within minutes anyway).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from farebridge.domain.money import REFERENCE_USD_RATES

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    rates = op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("usd_per_unit", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("currency", name=op.f("pk_exchange_rates")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        rates,
        [
            {"currency": code, "usd_per_unit": str(rate), "updated_at": now}
            for code, rate in sorted(REFERENCE_USD_RATES.items())
        ],
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("preferred_currency", sa.String(3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("preferred_currency")
    op.drop_table("exchange_rates")
