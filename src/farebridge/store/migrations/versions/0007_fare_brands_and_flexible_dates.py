"""offers grouped by itinerary and searched on flexible dates

- offers.itinerary_id: the same for the fare brands of one itinerary;
- offers.departure_dates: each slice's local departure date, for the date filter
  and the cheapest-per-day calendar;
- offer_requests.date_options: the departure date combinations a search covers.

Offers stored before this revision (they live 30 minutes) become itineraries of
their own with no departure dates.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch_op:
        batch_op.add_column(sa.Column("itinerary_id", sa.String(40), nullable=True))
        batch_op.add_column(sa.Column("departure_dates", sa.String(80), nullable=True))
    op.execute("UPDATE offers SET itinerary_id = id, departure_dates = ''")
    with op.batch_alter_table("offers") as batch_op:
        batch_op.alter_column("itinerary_id", existing_type=sa.String(40), nullable=False)
        batch_op.alter_column("departure_dates", existing_type=sa.String(80), nullable=False)
        batch_op.create_index(
            "ix_offers_request_itinerary", ["offer_request_id", "itinerary_id"], unique=False
        )
        batch_op.create_index(
            "ix_offers_request_dates", ["offer_request_id", "departure_dates"], unique=False
        )
    with op.batch_alter_table("offer_requests") as batch_op:
        batch_op.add_column(sa.Column("date_options", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offer_requests") as batch_op:
        batch_op.drop_column("date_options")
    with op.batch_alter_table("offers") as batch_op:
        batch_op.drop_index("ix_offers_request_dates")
        batch_op.drop_index("ix_offers_request_itinerary")
        batch_op.drop_column("departure_dates")
        batch_op.drop_column("itinerary_id")
