"""crash-safe orders and payments, providers, faults as data, API keys

- orders: the fingerprint of the request that used an idempotency key;
- offer_requests: the providers a search goes to and the test faults asked for;
- sandbox_bookings: the caller's key, one booking per key;
- sandbox_charges / sandbox_refunds: the sandbox gateway's ledger, shared by processes;
- api_keys: hashed, revocable keys for server-to-server clients.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("idempotency_fingerprint", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("failure", sa.JSON(), nullable=True))
    with op.batch_alter_table("offer_requests") as batch_op:
        batch_op.add_column(sa.Column("providers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("scenarios", sa.JSON(), nullable=True))
    with op.batch_alter_table("sandbox_bookings") as batch_op:
        batch_op.add_column(sa.Column("request_key", sa.String(60), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_sandbox_bookings_request_key"), ["request_key"])
    op.create_table(
        "sandbox_charges",
        sa.Column("payment_id", sa.String(40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("succeeded", sa.Integer(), nullable=False),
        sa.Column("failure_code", sa.String(60), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_sandbox_charges")),
    )
    op.create_table(
        "sandbox_refunds",
        sa.Column("refund_id", sa.String(60), nullable=False),
        sa.Column("payment_id", sa.String(40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_sandbox_refunds_refund_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["sandbox_charges.payment_id"],
            name=op.f("fk_sandbox_refunds_payment_id_sandbox_charges"),
        ),
        sa.PrimaryKeyConstraint("refund_id", name=op.f("pk_sandbox_refunds")),
    )
    op.create_index(
        op.f("ix_sandbox_refunds_payment_id"), "sandbox_refunds", ["payment_id"], unique=False
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("last_used_at", INSTANT, nullable=True),
        sa.Column("revoked_at", INSTANT, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_keys_secret_hash")),
    )
    op.create_index(op.f("ix_api_keys_user_id"), "api_keys", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_keys_user_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_index(op.f("ix_sandbox_refunds_payment_id"), table_name="sandbox_refunds")
    op.drop_table("sandbox_refunds")
    op.drop_table("sandbox_charges")
    with op.batch_alter_table("sandbox_bookings") as batch_op:
        batch_op.drop_constraint(op.f("uq_sandbox_bookings_request_key"), type_="unique")
        batch_op.drop_column("request_key")
    with op.batch_alter_table("offer_requests") as batch_op:
        batch_op.drop_column("scenarios")
        batch_op.drop_column("providers")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("failure")
        batch_op.drop_column("idempotency_fingerprint")
