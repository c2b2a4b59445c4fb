"""Table definitions (SQLAlchemy Core). Alembic migrations create them.

Money is stored as integer minor units next to a 3-letter currency; instants
are timezone-aware UTC; rich read-mostly structures (itineraries, passengers)
are JSON, with the columns queries filter or sort on pulled out beside them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC instants on every database (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for an instant column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Instant = UTCDateTime()

users = Table(
    "users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("full_name", String(320), nullable=False, server_default=""),
    Column("role", String(20), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("preferred_currency", String(3)),  # searches default to it; null: the server's
    Column("agency_id", String(40), ForeignKey("agencies.id"), index=True),  # ADR 0021
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("prefix", String(20), nullable=False),  # shown in listings: "fbk_3F9A…"
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", Instant, nullable=False),
    Column("last_used_at", Instant),
    Column("revoked_at", Instant),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("revoked_at", Instant),
)

offer_requests = Table(
    "offer_requests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id")),
    Column("criteria", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("offers_count", Integer, nullable=False, server_default="0"),
    Column("truncated", Integer, nullable=False, server_default="0"),
    Column("error_code", String(60)),
    Column("error_message", Text),
    Column("created_at", Instant, nullable=False),
    Column("completed_at", Instant),
    Column("providers", JSON),  # the provider names the search goes to
    Column("scenarios", JSON),  # test faults asked for with the search
    Column("date_options", JSON),  # the departure date combinations searched (ISO dates)
)

offers = Table(
    "offers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "offer_request_id",
        String(40),
        ForeignKey("offer_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("total_amount_minor", BigInteger, nullable=False),
    Column("total_currency", String(3), nullable=False),
    Column("total_duration_minutes", Integer, nullable=False),
    # the total in minor units of the search's selling currency: what offers sort and
    # filter by (offers made before migration 0006: US cents, their searches' USD)
    Column("comparable_amount", BigInteger, nullable=False),
    Column("connections", Integer, nullable=False),
    Column("owner_iata_code", String(3), nullable=False),
    # first departure, minutes after local midnight at the origin (time-of-day filters)
    Column("departure_minute", Integer),
    # the same for the offers (fare brands) that fly the same flights at the same times
    Column("itinerary_id", String(40), nullable=False),
    # each slice's local departure date, comma-separated: "2027-01-14,2027-01-21"
    Column("departure_dates", String(80), nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_offers_request_amount", "offer_request_id", "comparable_amount", "id"),
    Index("ix_offers_request_duration", "offer_request_id", "total_duration_minutes", "id"),
    Index("ix_offers_request_itinerary", "offer_request_id", "itinerary_id"),
    Index("ix_offers_request_dates", "offer_request_id", "departure_dates"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("offer_id", String(40), nullable=False),
    Column("type", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("ticketing_status", String(20), nullable=False),
    Column("booking_reference", String(12), nullable=False),
    Column("total_amount_minor", BigInteger, nullable=False),
    Column("total_currency", String(3), nullable=False),
    Column("payment_required_by", Instant),
    Column("paid_at", Instant),
    Column("synced_at", Instant),
    Column("cancelled_at", Instant),
    Column("created_at", Instant, nullable=False),
    Column("idempotency_key", String(200)),
    # sha256 of the request that used the key: the same key with another body is refused
    Column("idempotency_fingerprint", String(64)),
    Column("failure", JSON),  # failed orders: the error their request answered
    Column("version", Integer, nullable=False, server_default="1"),
    # The card fee charged with the fare's payment (null: none charged, or not paid yet)
    Column("surcharge_amount_minor", BigInteger),
    Column("surcharge_currency", String(3)),
    Column("payload", JSON, nullable=False),
    Column("metadata", JSON, nullable=False),
    UniqueConstraint("owner_id", "idempotency_key", name="uq_orders_owner_idempotency_key"),
    Index("ix_orders_owner_created", "owner_id", "created_at", "id"),
    Index("ix_orders_status_deadline", "status", "payment_required_by"),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("type", String(60), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("data", JSON, nullable=False),
    Column("occurred_at", Instant, nullable=False),
)

# A live order's claim on its passengers and flights (ADR 0015): the primary key refuses a
# second live order of the same account with the same fingerprint. Deleted when the order
# fails, is cancelled or expires; a claim past ``expires_at`` (the window) is taken over.
booking_fingerprints = Table(
    "booking_fingerprints",
    metadata,
    Column("owner_id", String(40), ForeignKey("users.id"), primary_key=True),
    Column("fingerprint", String(64), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("unique_identifier", String(20), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("passenger_id", String(40), nullable=False),
    Column("type", String(30), nullable=False),
    Column("issued_at", Instant, nullable=False),
)

# The PDF documents of an order (ADR 0017): e-tickets (a version per reissue) and the
# cancellation receipt; the highest version of a kind is the one served.
order_documents = Table(
    "order_documents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("kind", String(30), nullable=False),  # e_ticket | cancellation_receipt
    Column("version", Integer, nullable=False),
    Column("filename", String(120), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source", String(400), nullable=False),  # the order state it shows
    Column("created_at", Instant, nullable=False),
    UniqueConstraint("order_id", "kind", "version", name="uq_order_documents_version"),
    CheckConstraint("version >= 1", name="version_positive"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("type", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("failure_code", String(60)),
    Column("created_at", Instant, nullable=False),
    Column("idempotency_key", String(200)),
    # At most one payment of an order may be in flight or have succeeded.
    Index(
        "uq_payments_one_live_per_order",
        "order_id",
        unique=True,
        sqlite_where=text("status IN ('pending', 'succeeded')"),
        postgresql_where=text("status IN ('pending', 'succeeded')"),
    ),
)

cancellations = Table(
    "cancellations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("order_status", String(20), nullable=False),
    Column("refund_amount_minor", BigInteger, nullable=False),
    Column("penalty_amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("refund_to", String(40), nullable=False),
    Column("reason", String(60), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("confirmed_at", Instant),
)

# --- voluntary order changes (ADR 0012) ------------------------------------------
order_change_requests = Table(
    "order_change_requests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    Column("payload", JSON, nullable=False),
)

order_change_offers = Table(
    "order_change_offers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "change_request_id",
        String(40),
        ForeignKey("order_change_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("order_id", String(40), nullable=False),
    # what the customer pays, minor units of the order's currency (negative: refund)
    Column("change_total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_duration_minutes", Integer, nullable=False),
    Column("connections", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_order_change_offers_request_total", "change_request_id", "change_total_minor", "id"),
    Index(
        "ix_order_change_offers_request_duration",
        "change_request_id",
        "total_duration_minutes",
        "id",
    ),
)

order_changes = Table(
    "order_changes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("change_offer_id", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # pending | confirming | confirmed | failed
    Column("payment_id", String(40)),  # the charge of the change total, when one is due
    Column("payment_type", String(20)),
    Column("old_booking_reference", String(12)),  # the booking it replaces
    Column("new_booking_reference", String(12)),
    Column("failure_code", String(60)),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("confirming_at", Instant),
    Column("confirmed_at", Instant),
    Column("payload", JSON, nullable=False),
    Index("ix_order_changes_status_confirming", "status", "confirming_at"),
    # One change of an order is booked and charged at a time: two would each replace
    # the same booking.
    Index(
        "uq_order_changes_one_confirming_per_order",
        "order_id",
        unique=True,
        sqlite_where=text("status = 'confirming'"),
        postgresql_where=text("status = 'confirming'"),
    ),
)

# --- airline-initiated changes (ADR 0020) -----------------------------------------
schedule_changes = Table(
    "schedule_changes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    # the airline's stable id of the change: recorded once per order
    Column("provider_change_id", String(120), nullable=False),
    Column("kind", String(20), nullable=False),  # retimed | flight_cancelled
    Column("status", String(20), nullable=False),  # pending | accepted | rebooked | cancelled
    Column("detected_at", Instant, nullable=False),
    Column("resolved_at", Instant),
    Column("payload", JSON, nullable=False),  # slices touched, segments before and after
    UniqueConstraint(
        "order_id", "provider_change_id", name="uq_schedule_changes_order_provider_change"
    ),
    Index("ix_schedule_changes_order_status", "order_id", "status"),
)

exchange_rates = Table(
    "exchange_rates",
    metadata,
    Column("currency", String(3), primary_key=True),
    # US dollars per unit, as exact decimal text (no binary float on any database)
    Column("usd_per_unit", String(40), nullable=False),
    Column("updated_at", Instant, nullable=False),
)

# The claimable rows, as the partial index states them: a claim's WHERE repeats this
# text so SQLite (which matches terms, not meaning) uses the index too.
JOBS_CLAIMABLE = "status IN ('queued', 'running')"

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(60), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("dedupe_key", String(200), unique=True),
    Column("status", String(20), nullable=False),  # queued | running | done | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("run_after", Instant, nullable=False),
    Column("locked_until", Instant),
    Column("last_error", Text),
    Column("created_at", Instant, nullable=False),
    Column("finished_at", Instant),
    Column("request_id", String(64)),  # the request that enqueued it, for its logs
    # 0 time-critical (ticketing first), 1 bulk; claimed by (priority, run_after, id)
    Column("priority", SmallInteger, nullable=False, server_default="0"),
    # Only queued and running rows: done ones never slow a claim (ADR 0033).
    Index(
        "ix_jobs_claimable",
        "priority",
        "run_after",
        "id",
        sqlite_where=text(JOBS_CLAIMABLE),
        postgresql_where=text(JOBS_CLAIMABLE),
    ),
    Index(
        "ix_jobs_done_finished_at",
        "finished_at",
        sqlite_where=text("status = 'done'"),
        postgresql_where=text("status = 'done'"),
    ),
)

# One row per worker process: ``/ready`` wants a recent beat (ADR 0029).
worker_heartbeats = Table(
    "worker_heartbeats",
    metadata,
    Column("worker_id", String(120), primary_key=True),
    Column("hostname", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", Instant, nullable=False),
    Column("beat_at", Instant, nullable=False),
    Index("ix_worker_heartbeats_beat_at", "beat_at"),
)

# --- the sandbox GDS's own inventory (providers/sandbox) -------------------
sandbox_inventory = Table(
    "sandbox_inventory",
    metadata,
    Column("flight", String(8), primary_key=True),
    Column("departure_on", Date, primary_key=True),
    Column("cabin", String(20), primary_key=True),
    Column("available", Integer, nullable=False),
    CheckConstraint("available >= 0", name="available_not_negative"),
)

sandbox_bookings = Table(
    "sandbox_bookings",
    metadata,
    Column("reference", String(8), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("legs", JSON, nullable=False),
    Column("payment_required_by", Instant),
    Column("created_at", Instant, nullable=False),
    Column("cancelled_at", Instant),
    Column("faults", JSON),
    # the caller's idempotency key (our order id): one booking per key
    Column("request_key", String(60), unique=True),
    # an order change's booking: the booking it replaces (ADR 0012)
    Column("replaces", String(8), index=True),
)

sandbox_tickets = Table(
    "sandbox_tickets",
    metadata,
    Column("number", String(20), primary_key=True),
    Column("reference", String(8), ForeignKey("sandbox_bookings.reference"), nullable=False),
    Column("passenger_id", String(40), nullable=False),
    Column("issued_at", Instant, nullable=False),
    UniqueConstraint("reference", "passenger_id", name="uq_sandbox_tickets_reference_passenger"),
)

sandbox_seats = Table(
    "sandbox_seats",
    metadata,
    # One row per chosen seat: the primary key makes a seat impossible to hold twice.
    Column("flight", String(8), primary_key=True),
    Column("departure_on", Date, primary_key=True),
    Column("designator", String(4), primary_key=True),
    Column("cabin", String(20), nullable=False),
    Column(
        "reference", String(8), ForeignKey("sandbox_bookings.reference"), nullable=False, index=True
    ),
    Column("passenger_id", String(40), nullable=False),
)

# --- the sandbox payment gateway's ledger (providers/sandbox/booking/payments.py) ------
sandbox_charges = Table(
    "sandbox_charges",
    metadata,
    Column("payment_id", String(40), primary_key=True),  # one charge per payment id
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("succeeded", Integer, nullable=False),
    Column("failure_code", String(60)),
    Column("failure_message", Text),
    Column("created_at", Instant, nullable=False),
)

sandbox_refunds = Table(
    "sandbox_refunds",
    metadata,
    Column("refund_id", String(60), primary_key=True),  # one refund per refund id
    Column(
        "payment_id",
        String(40),
        ForeignKey("sandbox_charges.payment_id"),
        nullable=False,
        index=True,
    ),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", Instant, nullable=False),
    CheckConstraint("amount_minor > 0", name="refund_positive"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    Column("secret", String(100), nullable=False),  # signs deliveries (an HMAC key)
    Column("active", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    # duffel (the Duffel dialect's) | standard (/api/webhooks, Standard Webhooks): ADR 0018
    Column("scheme", String(20), nullable=False, server_default="duffel"),
    Column("description", String(500)),
    Column("disabled_reason", String(200)),  # why farebridge turned it off
    Column("failing_since", Instant),  # the first failed attempt since the last success
)

# The native scheme's delivery log: one row per event and webhook (ADR 0018).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("webhook_id", String(40), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(60), nullable=False),  # the webhook-id header
    Column("event_type", String(60), nullable=False),
    Column("payload", JSON, nullable=False),  # the body, the same on every attempt
    Column("status", String(20), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("next_attempt_at", Instant),
    Column("delivered_at", Instant),
    Column("retry_until", Instant, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at", "id"),
)

# How far the webhook dispatcher has read the order events (one row per stream).
webhook_cursors = Table(
    "webhook_cursors",
    metadata,
    Column("stream", String(40), primary_key=True),
    Column("last_event_id", Integer, nullable=False),
)

# The email notifications (services/notifications.py, ADR 0019): one row per message,
# queued once per order event and kind; the bodies are rendered when queued, attachments
# are produced when sent (``attachments`` records what went out).
email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", String(40), primary_key=True),  # also the message's Message-ID
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("event_id", Integer, nullable=False),  # the order event that caused it
    Column("kind", String(40), nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("attachments", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | sent | failed | skipped
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("created_at", Instant, nullable=False),
    Column("send_after", Instant, nullable=False),
    Column("sent_at", Instant),
    UniqueConstraint("event_id", "kind", name="uq_email_outbox_event_kind"),
)

# --- the Duffel provider's references (providers/duffel/references.py) ----------------
duffel_bookings = Table(
    "duffel_bookings",
    metadata,
    Column("key", String(60), primary_key=True),  # our order id: one booking per key
    Column("duffel_offer_id", String(80), nullable=False, index=True),
    Column("duffel_order_id", String(80), unique=True),
    Column("booking_reference", String(20), index=True),
    Column("duffel_type", String(10), nullable=False),
    Column("hold", Integer, nullable=False),
    Column("amount", String(30), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("passengers", JSON, nullable=False),
    Column("departures", JSON, nullable=False),
    Column("cancelled", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
)

duffel_order_changes = Table(
    "duffel_order_changes",
    metadata,
    Column("key", String(60), primary_key=True),  # our change id: one Duffel change per key
    Column("booking_key", String(60), nullable=False, index=True),
    Column("duffel_order_change_id", String(80), nullable=False, unique=True),
    Column("amount", String(30), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("confirmed_at", Instant),
)

duffel_webhook_events = Table(
    "duffel_webhook_events",
    metadata,
    Column("event_id", String(80), primary_key=True),  # a replayed event is seen once
    Column("type", String(80), nullable=False),
    Column("received_at", Instant, nullable=False),
)

allmyles_sessions = Table(
    "allmyles_sessions",
    metadata,
    Column("owner_id", String(40), primary_key=True),
    Column("session_key", String(64), primary_key=True),  # sha256 of the Cookie header
    Column("state", String(20), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("offer_request_id", String(40)),
    Column("search_fingerprint", String(64)),
    Column("results", JSON, nullable=False),  # result id → offer id, latest search
    Column("booking", JSON),  # the book request's data, in domain terms
    Column("order_id", String(40)),
    Column("booking_reference", String(20), index=True),
    Column("payment_token", String(80)),
    Column("lock_token", String(40)),
    Column("locked_until", Instant),
    Column("created_at", Instant, nullable=False),
    Column("last_request_at", Instant, nullable=False),
)

# --- roles, agencies, audit log, find a booking (ADR 0021) ----------------------------
agencies = Table(
    "agencies",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", Instant, nullable=False),
)

# Who did what to which order or account, written in the same transaction as the change.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("occurred_at", Instant, nullable=False),
    Column("actor_id", String(40), ForeignKey("users.id"), index=True),  # null: the CLI
    Column("action", String(60), nullable=False),
    Column("order_id", String(40), index=True),
    Column("subject_user_id", String(40)),
    Column("data", JSON, nullable=False),
)

# A "manage booking" grant from POST /api/bookings/lookup: reads one order, briefly.
manage_tokens = Table(
    "manage_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
)

# Each order's flights (marketing carrier, number, local departure date): the manifest.
# Rewritten with the order's trip (a change replaces it).
order_flights = Table(
    "order_flights",
    metadata,
    Column("order_id", String(40), ForeignKey("orders.id"), primary_key=True),
    Column("carrier", String(3), primary_key=True),
    Column("number", String(5), primary_key=True),
    Column("departure_on", Date, primary_key=True),
    Index("ix_order_flights_flight", "carrier", "number", "departure_on"),
)

Index("ix_orders_booking_reference", orders.c.booking_reference)

# Booking records (ADR 0023): a traveller's notes on one dated flight, maybe on an order.
booking_records = Table(
    "booking_records",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("carrier", String(3), nullable=False),
    Column("number", String(5), nullable=False),
    Column("departure_on", Date, nullable=False),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=True, index=True),
    Column("booking_code", String(50)),
    Column("seat_number", String(10)),
    Column("seat_type", String(20)),
    Column("seating_class", String(20)),
    Column("reason", String(20)),
    Column("notes", String(500)),
    Column("version", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    Index("ix_booking_records_flight", "carrier", "number", "departure_on"),
    Index("ix_booking_records_owner", "owner_id", "created_at"),
)

# --- the flight_api dialect (seed 002, ADR 0022) ---------------------------------------
# A user's username, names and mobile number, and the small integer id that dialect shows.
user_profiles = Table(
    "user_profiles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, unique=True),
    Column("username", String(150), nullable=False),
    Column("username_key", String(150), nullable=False, unique=True),  # lower-cased
    Column("first_name", String(150), nullable=False),
    Column("last_name", String(150), nullable=False),
    Column("mobile_no", String(14), nullable=False),
)


# What a booking made through the flight_api dialect keeps besides its order (ADR 0026):
# the trip's shape, which way the order flies, the dialect's flight ids, the baggage
# mode, each passenger's age, seat preference and baggage weights, and the other
# ticket of a round trip on two airlines.
flight_api_bookings = Table(
    "flight_api_bookings",
    metadata,
    Column("order_id", String(40), ForeignKey("orders.id"), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("shape", String(20), nullable=False),
    Column("leg", String(10), nullable=False),
    Column("flight", Integer, nullable=False),
    Column("return_flight", Integer),
    Column("baggage_mode", String(20), nullable=False),
    Column("travellers", JSON, nullable=False),
    Column("extra_baggage_kg", String(40), nullable=False),  # a decimal, as text
    Column("extra_baggage_amount", String(20), nullable=False),
    Column("extra_baggage_currency", String(3), nullable=False),
    Column("linked_order_id", String(40), ForeignKey("orders.id"), index=True),
    Column("created_at", Instant, nullable=False),
)

# A sandbox payment intent of a booking's orders, completed by opening its confirm URL.
flight_api_payment_intents = Table(
    "flight_api_payment_intents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("booking_reference", String(20), nullable=False),
    Column("order_ids", JSON, nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("card_token", String(40), nullable=False),  # a sandbox token, never a card
    Column("status", String(20), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("completed_at", Instant),
    Column("failure", String(500)),
    Index("ix_flight_api_payment_intents_booking", "owner_id", "booking_reference"),
)

# --- coupons (ADR 0024) ---------------------------------------------------------------
# A code (upper-case) taking a fixed amount (minor units and currency) or a whole
# percentage off the fare; ``uses`` counts redemptions, never above ``max_uses``.
coupons = Table(
    "coupons",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("amount_minor", BigInteger),
    Column("currency", String(3)),
    Column("percent", Integer),
    Column("minimum_spend_minor", BigInteger),
    Column("minimum_spend_currency", String(3)),
    Column("valid_from", Instant),
    Column("valid_until", Instant),
    Column("max_uses", Integer),
    Column("uses", Integer, nullable=False, server_default=text("0")),
    Column("created_at", Instant, nullable=False),
    CheckConstraint("uses >= 0", name="uses_not_negative"),
    CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_max"),
    CheckConstraint("(amount_minor IS NULL) <> (percent IS NULL)", name="amount_or_percent"),
)

# One row per order that redeemed a coupon: what it took off, in the order's currency.
coupon_redemptions = Table(
    "coupon_redemptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("coupon_id", String(40), ForeignKey("coupons.id"), nullable=False, index=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("redeemed_at", Instant, nullable=False),
)

# A one-time code that hands a login over to the browser as an HttpOnly cookie (ADR 0035):
# only its hash is kept; ``token_hash`` is the login that asked for it, revoked when the
# code is redeemed; ``used_at`` makes it single-use (compare-and-set).
sign_in_codes = Table(
    "sign_in_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("used_at", Instant),
)

# A signed-in traveller's booking in progress on the web site (ADR 0035): the step and
# what was typed or chosen, sealed at rest (it holds passport numbers), never card data.
booking_drafts = Table(
    "booking_drafts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("content", Text, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
)
