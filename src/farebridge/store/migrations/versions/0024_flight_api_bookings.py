"""flight_api bookings and payment intents (ADR 0026)

- flight_api_bookings: what a booking made through the flight_api dialect keeps
  besides its order (trip shape, leg, the dialect's flight ids, baggage mode, each
  passenger's age, seat preference and baggage weights, the linked ticket). Rows are
  made from the ``flight_api`` metadata key that bookings kept before (ADR 0022),
  which is then removed from their metadata.
- flight_api_payment_intents: the sandbox payment intents of those bookings

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-04
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
OLD_KEY = "flight_api"


def upgrade() -> None:
    op.create_table(
        "flight_api_bookings",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("shape", sa.String(20), nullable=False),
        sa.Column("leg", sa.String(10), nullable=False),
        sa.Column("flight", sa.Integer(), nullable=False),
        sa.Column("return_flight", sa.Integer(), nullable=True),
        sa.Column("baggage_mode", sa.String(20), nullable=False),
        sa.Column("travellers", sa.JSON(), nullable=False),
        sa.Column("extra_baggage_kg", sa.String(10), nullable=False),
        sa.Column("extra_baggage_amount", sa.String(20), nullable=False),
        sa.Column("extra_baggage_currency", sa.String(3), nullable=False),
        sa.Column("linked_order_id", sa.String(40), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_flight_api_bookings_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_flight_api_bookings_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["linked_order_id"],
            ["orders.id"],
            name=op.f("fk_flight_api_bookings_linked_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_flight_api_bookings")),
    )
    op.create_index(
        op.f("ix_flight_api_bookings_linked_order_id"), "flight_api_bookings", ["linked_order_id"]
    )
    op.create_table(
        "flight_api_payment_intents",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(40), nullable=False),
        sa.Column("booking_reference", sa.String(20), nullable=False),
        sa.Column("order_ids", sa.JSON(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("card_token", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("completed_at", INSTANT, nullable=True),
        sa.Column("failure", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_flight_api_payment_intents_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flight_api_payment_intents")),
    )
    op.create_index(
        "ix_flight_api_payment_intents_booking",
        "flight_api_payment_intents",
        ["owner_id", "booking_reference"],
    )
    _move_metadata()


def _move_metadata() -> None:
    orders = sa.table(
        "orders",
        sa.column("id", sa.String),
        sa.column("owner_id", sa.String),
        sa.column("created_at", INSTANT),
        sa.column("metadata", sa.JSON),
        sa.column("payload", sa.JSON),
    )
    bookings = sa.table(
        "flight_api_bookings",
        sa.column("order_id", sa.String),
        sa.column("owner_id", sa.String),
        sa.column("shape", sa.String),
        sa.column("leg", sa.String),
        sa.column("flight", sa.Integer),
        sa.column("return_flight", sa.Integer),
        sa.column("baggage_mode", sa.String),
        sa.column("travellers", sa.JSON),
        sa.column("extra_baggage_kg", sa.String),
        sa.column("extra_baggage_amount", sa.String),
        sa.column("extra_baggage_currency", sa.String),
        sa.column("linked_order_id", sa.String),
        sa.column("created_at", INSTANT),
    )
    db = op.get_bind()
    for row in db.execute(sa.select(orders)).all():
        kept: dict[str, Any] = dict(row.metadata or {})
        if OLD_KEY not in kept:
            continue
        try:
            details = json.loads(kept.pop(OLD_KEY))
            travellers = [
                {
                    "passenger_id": p["passenger_id"],
                    "age": int(p["age"]),
                    "seat_type": p["seat_type"],
                    "hand_baggage": str(p["hand_baggage"]),
                    "check_in_baggage": str(p["check_in_baggage"]),
                }
                for p in details["passengers"]
            ]
            values = {
                "order_id": row.id,
                "owner_id": row.owner_id,
                "shape": "one_way",
                "leg": "departing",
                "flight": int(details["flight"]),
                "return_flight": None,
                "baggage_mode": str(details["baggage_mode"]),
                "travellers": travellers,
                "extra_baggage_kg": "0",  # bookings with excess were refused then
                "extra_baggage_amount": "0",
                "extra_baggage_currency": _currency(row.payload),
                "linked_order_id": None,
                "created_at": row.created_at,
            }
        except (ValueError, KeyError, TypeError):
            continue  # edited by hand since: not a booking the dialect can show
        db.execute(sa.insert(bookings).values(**values))
        db.execute(sa.update(orders).where(orders.c.id == row.id).values(metadata=kept))


def _currency(payload: Any) -> str:
    try:
        return str(payload["base"]["currency"])
    except (KeyError, TypeError):
        return "USD"


def downgrade() -> None:
    op.drop_index("ix_flight_api_payment_intents_booking", table_name="flight_api_payment_intents")
    op.drop_table("flight_api_payment_intents")
    op.drop_index(op.f("ix_flight_api_bookings_linked_order_id"), table_name="flight_api_bookings")
    op.drop_table("flight_api_bookings")
