"""roles and agencies, the audit log, finding a booking (ADR 0021)

- agencies, and users.agency_id: the agency an agent works for / a customer belongs to
- audit_log: who did what to which order or account
- manage_tokens: short-lived grants to read one order, from a booking look-up
- order_flights: each order's flights and dates (the flight manifest), filled in
  here for the orders that exist
- ix_orders_booking_reference: look-ups by booking reference

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("name", name=op.f("uq_agencies_name")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("agency_id", sa.String(40), nullable=True))
        batch.create_foreign_key(
            op.f("fk_users_agency_id_agencies"), "agencies", ["agency_id"], ["id"]
        )
        batch.create_index(op.f("ix_users_agency_id"), ["agency_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", INSTANT, nullable=False),
        sa.Column("actor_id", sa.String(40), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=True),
        sa.Column("subject_user_id", sa.String(40), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_actor_id"), "audit_log", ["actor_id"])
    op.create_index(op.f("ix_audit_log_order_id"), "audit_log", ["order_id"])
    op.create_table(
        "manage_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_manage_tokens_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_manage_tokens")),
    )
    op.create_index(op.f("ix_manage_tokens_order_id"), "manage_tokens", ["order_id"])
    op.create_table(
        "order_flights",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("carrier", sa.String(3), nullable=False),
        sa.Column("number", sa.String(5), nullable=False),
        sa.Column("departure_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_flights_order_id_orders")
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "carrier", "number", "departure_on", name=op.f("pk_order_flights")
        ),
    )
    op.create_index(
        "ix_order_flights_flight", "order_flights", ["carrier", "number", "departure_on"]
    )
    op.create_index("ix_orders_booking_reference", "orders", ["booking_reference"])
    _fill_order_flights()


def _fill_order_flights() -> None:
    """Every existing order's flights, read from its stored slices."""
    connection = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.String), sa.column("payload", sa.JSON))
    flights = sa.table(
        "order_flights",
        sa.column("order_id", sa.String),
        sa.column("carrier", sa.String),
        sa.column("number", sa.String),
        sa.column("departure_on", sa.Date),
    )
    rows = []
    for order in connection.execute(sa.select(orders.c.id, orders.c.payload)):
        rows += [{"order_id": order.id, **flight} for flight in _flights(order.payload)]
    if rows:
        connection.execute(sa.insert(flights), rows)


def _flights(payload: Any) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, Any], dict[str, Any]] = {}
    for slice_ in (payload or {}).get("slices", []):
        for segment in slice_.get("segments", []):
            carrier = segment["marketing_carrier"]["iata_code"]
            number = str(segment["marketing_carrier_flight_number"]).lstrip("0") or "0"
            departure_on = datetime.fromisoformat(segment["departing_at"]).date()
            seen[(carrier, number, departure_on)] = {
                "carrier": carrier,
                "number": number,
                "departure_on": departure_on,
            }
    return list(seen.values())


def downgrade() -> None:
    op.drop_index("ix_orders_booking_reference", table_name="orders")
    op.drop_index("ix_order_flights_flight", table_name="order_flights")
    op.drop_table("order_flights")
    op.drop_index(op.f("ix_manage_tokens_order_id"), table_name="manage_tokens")
    op.drop_table("manage_tokens")
    op.drop_index(op.f("ix_audit_log_order_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_actor_id"), table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("users") as batch:
        batch.drop_index(op.f("ix_users_agency_id"))
        batch.drop_constraint(op.f("fk_users_agency_id_agencies"), type_="foreignkey")
        batch.drop_column("agency_id")
    op.drop_table("agencies")
