"""Interfaces the services own; ``store`` and ``providers`` implement them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from farebridge.domain.access import OrderScope
from farebridge.domain.account import Agency, ApiKey, Role, User
from farebridge.domain.audit import AuditEntry
from farebridge.domain.booking_draft import BookingDraft
from farebridge.domain.booking_records import BookingRecord, RecordDetails
from farebridge.domain.booking_workflow import Workflow
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.changes import ChangeOffer, ChangeRequest, OrderChange, OrderChangeStatus
from farebridge.domain.clock import Clock
from farebridge.domain.coupons import Coupon
from farebridge.domain.documents import DocumentInfo, DocumentKind, OrderDocument
from farebridge.domain.flight_api import FlightApiBooking, IntentStatus, PaymentIntent
from farebridge.domain.manifest import FlightKey
from farebridge.domain.money import ExchangeRate, Money
from farebridge.domain.notifications import EmailStatus, OutboxEmail
from farebridge.domain.offer import (
    CalendarDay,
    FareBrandOption,
    Offer,
    OfferRequest,
    OfferRequestStatus,
)
from farebridge.domain.order import Document, Order, OrderEvent, TicketingStatus
from farebridge.domain.payment import Payment, PaymentStatus
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.profiles import Profile
from farebridge.domain.reference import ReferenceData
from farebridge.domain.schedule_changes import ScheduleChange, ScheduleChangeStatus
from farebridge.domain.webhook_deliveries import Delivery, DeliveryStatus, RetryPolicy
from farebridge.domain.webhooks import Webhook, WebhookScheme
from farebridge.providers.base import ExchangeRateSource, PaymentGateway
from farebridge.providers.registry import ProviderRegistry
from farebridge.services.token_cache import TokenCache


class DuplicateIdempotencyKey(Exception):
    """Another order of the same owner already used this idempotency key."""


class PaymentInFlight(Exception):
    """The order already has a pending or succeeded payment."""


class StoreUnreachable(Exception):
    """The database could not be reached, or dropped the connection, during a unit of
    work: it was rolled back, unless the connection was lost during its commit, when
    whether it was committed is unknown. Not a :class:`FarebridgeError` on purpose:
    code that tells business answers from failures (a job's retry, a booking's steps)
    sees it as the failure it is; the API answers 503 with ``Retry-After``."""

    retry_after_seconds = 2


T = TypeVar("T")
AirlineNames = list[tuple[str, str]]  # (IATA code, name)


@dataclass(frozen=True, slots=True)
class PageRequest:
    after: str | None = None
    before: str | None = None
    limit: int = 50

    def __post_init__(self) -> None:
        # ``?after=&before=`` (empty) is no cursor, as a form that sends every field has it
        for name in ("after", "before"):
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    after: str | None  # pass as ?after= for the next page; None on the last page
    before: str | None  # pass as ?before= for the previous page; None on the first page
    limit: int


@dataclass(frozen=True, slots=True)
class OfferFilter:
    sort: str = "total_amount"  # | "total_duration" | "best" (price and duration)
    best_minute_worth: int = 1  # sort=best: a minute of travel, in minor units of the currency
    max_price: Decimal | None = None  # in max_price_currency
    max_price_currency: str | None = None  # the search's selling currency (None: that one)
    max_connections: int | None = None
    airlines: tuple[str, ...] = ()  # owning airlines' IATA codes; empty: all
    departure_from: time | None = None  # first departure, local time at the origin
    departure_to: time | None = None
    departure_dates: tuple[date, ...] = ()  # one per slice (flexible dates); empty: all
    one_per_itinerary: bool = False  # only the cheapest offer (fare brand) of each itinerary


@dataclass(frozen=True, slots=True)
class OrderFilter:
    awaiting_payment: bool | None = None  # True: unpaid holds only; False: none of them
    booking_reference: str | None = None
    offer_id: str | None = None
    owner_id: str | None = None  # one account's orders, within what the caller may see


class Users(Protocol):
    def add(self, user: User, password_hash: str) -> None: ...
    def get(self, user_id: str) -> User | None: ...
    def get_many(self, user_ids: Collection[str]) -> dict[str, User]: ...
    def lock(self, user_id: str) -> None:
        """Hold the user's row until the transaction ends (PostgreSQL: FOR UPDATE;
        SQLite's write transactions are serialised already)."""
        ...

    def get_with_password_hash(self, email: str) -> tuple[User, str] | None: ...
    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...
    def set_preferred_currency(self, user_id: str, currency: str | None) -> None: ...
    def get_by_email(self, email: str) -> User | None: ...
    def list(
        self, *, agency_id: str | None = None, role: Role | None = None, limit: int = 1000
    ) -> list[User]: ...
    def set_role(self, user_id: str, role: Role, agency_id: str | None) -> bool: ...


class Profiles(Protocol):
    """The flight_api dialect's user profiles (``domain.profiles``)."""

    def add(self, profile: Profile) -> Profile: ...
    def by_username(self, username: str) -> Profile | None: ...
    def by_user(self, user_id: str) -> Profile | None: ...


class FlightApiBookings(Protocol):
    """The flight_api dialect's bookings and payment intents (``domain.flight_api``)."""

    def add_booking(self, booking: FlightApiBooking) -> None: ...
    def booking(self, order_id: str) -> FlightApiBooking | None: ...
    def bookings(self, order_ids: Sequence[str]) -> list[FlightApiBooking]: ...
    def add_intent(self, intent: PaymentIntent) -> None: ...
    def intent(self, intent_id: str) -> PaymentIntent | None: ...
    def open_intent(self, owner_id: str, booking_reference: str) -> PaymentIntent | None: ...
    def move_intent(
        self,
        intent_id: str,
        *,
        expected: IntentStatus,
        to: IntentStatus,
        now: datetime | None = None,
        failure: str | None = None,
    ) -> bool: ...


class Agencies(Protocol):
    def get(self, agency_id: str) -> Agency | None: ...
    def by_name(self, name: str) -> Agency | None: ...
    def add_or_get(self, agency: Agency) -> Agency: ...
    def list(self) -> list[Agency]: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...
    def list(
        self, *, before_id: int | None = None, order_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]: ...


class ManageTokens(Protocol):
    def add(
        self, token_hash: str, order_id: str, *, now: datetime, expires_at: datetime
    ) -> None: ...
    def order_for(self, token_hash: str, *, now: datetime) -> str | None: ...


class Tokens(Protocol):
    def add(
        self, token_hash: str, user_id: str, *, now: datetime, expires_at: datetime
    ) -> None: ...
    def user_for(self, token_hash: str, *, now: datetime) -> tuple[User, datetime] | None: ...
    def revoke(self, token_hash: str, *, now: datetime) -> bool:
        """Whether a live token was revoked (False: unknown or already revoked)."""
        ...


class ApiKeys(Protocol):
    def add(self, key: ApiKey, secret_hash: str) -> None: ...
    def list_for_user(self, user_id: str) -> list[ApiKey]: ...
    def get(self, key_id: str) -> ApiKey | None: ...
    def revoke(self, key_id: str, *, now: datetime) -> bool: ...
    def user_for(self, secret_hash: str) -> tuple[User, ApiKey] | None:
        """The user of an active (unrevoked) key."""
        ...

    def touch(self, key_id: str, *, now: datetime) -> None: ...


class OfferRequests(Protocol):
    def add(self, request: OfferRequest) -> None: ...
    def get(self, request_id: str) -> OfferRequest | None: ...
    def list_for_owner(self, owner_id: str, page: PageRequest) -> Page[OfferRequest]: ...
    def finish(
        self,
        request_id: str,
        *,
        status: OfferRequestStatus,
        now: datetime,
        offers_count: int = 0,
        truncated: bool = False,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> bool: ...


class Offers(Protocol):
    def add_many(self, items: Sequence[Offer]) -> None: ...
    def get(self, offer_id: str) -> Offer | None: ...
    def replace(self, offer: Offer) -> None: ...
    def list(self, request_id: str, filters: OfferFilter, page: PageRequest) -> Page[Offer]: ...
    def ranked_ids(self, request_id: str) -> Sequence[str]:
        """The ids of every offer of the request in ``list``'s order with no filter, which
        is also the order of ``fare_brands`` (cheapest first, then by id)."""
        ...

    def airlines(self, request_id: str) -> AirlineNames: ...
    def fare_brands(
        self, request_id: str, itinerary_ids: Collection[str]
    ) -> dict[str, tuple[FareBrandOption, ...]]:
        """The brands on sale for each itinerary of the request, cheapest first."""
        ...

    def calendar(
        self, request_id: str, dates: Sequence[tuple[date, ...]]
    ) -> tuple[CalendarDay, ...]:
        """The cheapest offer and the number of offers for each of ``dates`` that has any."""
        ...


class Orders(Protocol):
    def add(
        self,
        order: Order,
        *,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        """Insert; ``DuplicateIdempotencyKey`` if the owner used the key already."""
        ...

    def get(self, order_id: str) -> Order | None: ...
    def get_many(self, order_ids: Collection[str]) -> dict[str, Order]: ...
    def get_by_idempotency_key(self, owner_id: str, key: str) -> tuple[Order, str | None] | None:
        """The order that holds the key, and the fingerprint of its request."""
        ...

    def release_idempotency_key(self, order_id: str) -> None:
        """A failed order gives its key back, so that a retry runs afresh."""
        ...

    def claim_booking(self, order: Order, fingerprint: str, *, expires_at: datetime) -> str | None:
        """Hold ``fingerprint`` (``domain.duplicates``) for ``order``, added in this
        transaction, under a unique key until the order ends (failed, cancelled, expired:
        ``apply`` releases it) or ``expires_at``; None, or the id of the live order of the
        same owner that holds it. ``replace_trip`` moves the claim to the new flights."""
        ...

    def list_for_owner(
        self, owner_id: str, page: PageRequest, filters: OrderFilter | None = None
    ) -> Page[Order]:
        """Confirmed orders only (never pending or failed ones), newest first."""
        ...

    def list_visible(
        self, scope: OrderScope, page: PageRequest, filters: OrderFilter | None = None
    ) -> Page[Order]:
        """``list_for_owner`` for an access scope (ADR 0021)."""
        ...

    def with_booking_reference(self, booking_reference: str, *, limit: int = 5) -> list[Order]:
        """Confirmed orders of any owner with this booking reference."""
        ...

    def on_flight(self, flight: FlightKey) -> list[Order]: ...

    def latest_for_offer(self, owner_id: str, offer_id: str) -> Order | None:
        """The owner's newest order of ``offer_id``, whatever its status (failed too)."""
        ...

    def apply(self, event: OrderEvent, **changes: Any) -> bool:
        """Compare-and-set ``event.from_status → event.to_status`` with ``changes``, and
        write the event row; False when the order is no longer in ``from_status``.
        Raises ``InvalidTransition`` for a pair the state machine does not allow."""
        ...

    def pending_before(self, cutoff: datetime, *, limit: int = 100) -> list[Order]: ...
    def set_ticketing_status(
        self, order_id: str, status: TicketingStatus, *, synced_at: datetime
    ) -> None: ...
    def mark_synced(self, order_id: str, *, synced_at: datetime) -> None: ...
    def update_metadata(self, order_id: str, metadata: dict[str, Any]) -> None: ...
    def add_event(self, event: OrderEvent) -> None: ...
    def events(self, order_id: str) -> list[OrderEvent]: ...
    def add_documents(self, order_id: str, items: Sequence[Document]) -> None: ...
    def holds_due_for_expiry(self, now: datetime, *, limit: int = 100) -> list[str]: ...
    def count_unpaid_holds(self, owner_id: str, now: datetime) -> int:
        """The owner's hold orders not paid, cancelled or expired (pending ones too)."""
        ...

    def replace_trip(self, order: Order, *, expected_version: int) -> bool:
        """Store ``order``'s slices, fare, extras and booking reference (a confirmed
        change) if the order is still at ``expected_version`` and in ``order.status``;
        False otherwise. Bumps the version."""
        ...

    def replace_pending_services(self, order: Order) -> bool:
        """Store ``order.services`` (seats assigned again after one was lost while
        booking, ADR 0025) while the order is still pending; False otherwise."""
        ...

    def remove_documents(self, order_id: str) -> list[str]:
        """Delete the order's documents (void tickets); return their numbers."""
        ...


class Payments(Protocol):
    def add(
        self, payment: Payment, *, idempotency_key: str | None = None, new_order: bool = False
    ) -> None:
        """``PaymentInFlight`` if the order has a live payment. ``new_order``: its order was
        inserted in this transaction, so nothing can be in the way (no savepoint)."""
        ...

    def set_status(
        self,
        payment_id: str,
        *,
        from_status: PaymentStatus,
        to_status: PaymentStatus,
        failure_code: str | None = None,
    ) -> bool: ...
    def get(self, payment_id: str) -> Payment | None: ...
    def for_order(self, order_id: str) -> list[Payment]: ...
    def stale_pending(self, older_than: datetime) -> list[Payment]: ...
    def live_for_order(self, order_id: str) -> Payment | None:
        """The order's pending or succeeded payment (at most one exists)."""
        ...


class Cancellations(Protocol):
    def add(self, quote: CancellationQuote) -> None: ...
    def get(self, quote_id: str) -> CancellationQuote | None: ...
    def list_for_order(self, order_id: str) -> list[CancellationQuote]: ...
    def confirm(self, quote_id: str, *, now: datetime) -> bool: ...


class Changes(Protocol):
    """Order change requests, change offers and order changes (ADR 0012)."""

    def add_request(self, request: ChangeRequest) -> None: ...
    def get_request(self, request_id: str) -> ChangeRequest | None: ...
    def add_offers(self, offers: Sequence[ChangeOffer]) -> None: ...
    def get_offer(self, offer_id: str) -> ChangeOffer | None: ...
    def list_offers(
        self,
        request_id: str,
        page: PageRequest,
        *,
        sort: str = "change_total_amount",
        max_connections: int | None = None,
    ) -> Page[ChangeOffer]:
        """``sort``: change_total_amount | total_duration (else ``ValidationFailed``)."""
        ...

    def add_change(self, change: OrderChange) -> None: ...
    def get_change(self, change_id: str) -> OrderChange | None: ...
    def set_status(
        self,
        change_id: str,
        *,
        from_status: OrderChangeStatus,
        to_status: OrderChangeStatus,
        **changes: Any,
    ) -> bool:
        """Compare-and-set; False when the change is no longer in ``from_status``."""
        ...

    def confirming_before(self, cutoff: datetime, *, limit: int = 100) -> list[OrderChange]: ...


class ScheduleChanges(Protocol):
    """Airline-initiated changes of orders (ADR 0020)."""

    def add(self, change: ScheduleChange) -> bool:
        """Insert; False when the order already has this airline change."""
        ...

    def get(self, change_id: str) -> ScheduleChange | None: ...
    def list_for_order(self, order_id: str) -> list[ScheduleChange]: ...
    def pending_for_order(self, order_id: str) -> list[ScheduleChange]: ...
    def resolve(self, change_id: str, to_status: ScheduleChangeStatus, *, now: datetime) -> bool:
        """Compare-and-set ``pending → to_status``; False when no longer pending."""
        ...


class BookingRecords(Protocol):
    """A traveller's notes on dated flights (ADR 0023)."""

    def add(self, record: BookingRecord) -> None: ...
    def get(self, record_id: str) -> BookingRecord | None: ...
    def on_flight(
        self, flight: FlightKey, *, owner_ids: list[str] | None = None
    ) -> list[BookingRecord]:
        """Newest first; only the records of ``owner_ids`` when given."""
        ...

    def for_order(self, order_id: str) -> list[BookingRecord]: ...
    def update(
        self, record_id: str, details: RecordDetails, *, version: int, now: datetime
    ) -> bool:
        """Compare-and-set on ``version``; False when the record changed or is gone."""
        ...

    def remove(self, record_id: str) -> bool: ...


class Coupons(Protocol):
    """Discount codes and their redemptions (ADR 0024)."""

    def add(self, coupon: Coupon) -> bool:
        """False (nothing added) when the code exists."""
        ...

    def get_by_code(self, code: str) -> Coupon | None: ...
    def list(self) -> list[Coupon]: ...
    def redeem(self, coupon_id: str, order_id: str, discount: Money, *, now: datetime) -> bool:
        """One use for ``order_id``, a compare-and-set on the uses left; False: none left."""
        ...

    def release(self, order_id: str) -> bool:
        """Give back the use ``order_id`` took; False when it took none."""
        ...


class ExchangeRateTable(Protocol):
    def list(self) -> list[ExchangeRate]:
        """Every rate, by currency code."""
        ...

    def put_many(self, rates: Sequence[ExchangeRate]) -> None:
        """Insert or replace each rate."""
        ...


class ExchangeRateCache(ExchangeRateSource, Protocol):
    def forget(self) -> None:
        """Read the table again at the next ``current()`` (this process changed it)."""
        ...


class JobLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def attempts(self) -> int: ...
    @property
    def request_id(self) -> str | None: ...
    @property
    def priority(self) -> int: ...


class Jobs(Protocol):
    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        run_after: datetime | None = None,
        dedupe_key: str | None = None,
        request_id: str | None = None,
        priority: int = 0,
    ) -> None: ...
    def add_claimed(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        lease: timedelta,
        dedupe_key: str | None = None,
        request_id: str | None = None,
        priority: int = 0,
    ) -> JobLike:
        """A new job, already claimed by the caller (running, its lease from ``now``)."""
        ...

    def claim_batch(
        self,
        *,
        now: datetime,
        lease: timedelta,
        limit: int,
        kind: str | None = None,
        max_priority: int = ...,
        due_by: datetime | None = None,
    ) -> Sequence[JobLike]:
        """Up to ``limit`` due jobs (of a priority up to ``max_priority``: any by
        default; due by ``due_by``: now by default) claimed at once, by (priority,
        run_after, id)."""
        ...

    def claim_next(
        self, *, now: datetime, lease: timedelta, kind: str | None = None
    ) -> JobLike | None: ...
    def claim(self, job_id: int, *, now: datetime, lease: timedelta) -> JobLike | None: ...
    def find_queued(self, kind: str, dedupe_key: str) -> int | None: ...
    def finish(self, job_id: int, *, now: datetime) -> None: ...
    def finish_many(self, job_ids: Sequence[int], *, now: datetime) -> None: ...
    def give_back(self, job_id: int) -> None: ...
    def retry_later(self, job_id: int, *, error: str, run_after: datetime) -> None: ...
    def fail(self, job_id: int, *, error: str, now: datetime) -> None: ...
    def kinds_waiting(self) -> set[str]:
        """The kinds of the jobs still queued or running."""
        ...

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting due queued job became due (None: nothing waits)."""
        ...

    def delete_done(self, *, finished_before: datetime, limit: int) -> int:
        """Delete up to ``limit`` done jobs finished before then (never failed ones)."""
        ...


class Heartbeats(Protocol):
    """Worker processes' liveness rows (ADR 0029)."""

    def beat(self, worker_id: str, *, hostname: str, pid: int, now: datetime) -> None: ...
    def latest(self) -> datetime | None: ...
    def forget(self, worker_id: str) -> None: ...
    def forget_older_than(self, cutoff: datetime) -> int: ...


class SignInCodes(Protocol):
    """One-time codes that hand a login to the browser as a cookie (ADR 0035)."""

    def add(
        self,
        code_hash: str,
        *,
        user_id: str,
        token_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> None: ...
    def redeem(self, code_hash: str, *, now: datetime) -> tuple[str, str] | None: ...
    def delete_expired(self, *, before: datetime) -> None: ...


class BookingDrafts(Protocol):
    """The web site's bookings in progress, read and written by id and owner (ADR 0035)."""

    def add(self, draft: BookingDraft) -> None: ...
    def get(self, draft_id: str, *, user_id: str, now: datetime) -> BookingDraft | None: ...
    def replace(self, draft: BookingDraft, *, now: datetime) -> bool: ...
    def remove(self, draft_id: str, *, user_id: str, now: datetime) -> bool: ...
    def prune(self, *, user_id: str, now: datetime, keep: int) -> None: ...


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An order event the webhook dispatcher has not handed out yet."""

    id: int
    order_id: str
    owner_id: str
    type: str
    occurred_at: datetime
    booking_reference: str
    status: str
    data: dict[str, Any]


class Webhooks(Protocol):
    def add(self, webhook: Webhook) -> None: ...
    def get(self, webhook_id: str) -> Webhook | None: ...
    def list_for_owner(
        self, owner_id: str, page: PageRequest, scheme: WebhookScheme = ...
    ) -> Page[Webhook]: ...
    def active_for(self, owner_ids: set[str]) -> list[Webhook]: ...
    def replace(self, webhook: Webhook) -> None: ...
    def delete(self, webhook_id: str) -> None: ...
    def count_for_owner(self, owner_id: str, scheme: WebhookScheme) -> int: ...
    def change(
        self,
        webhook_id: str,
        *,
        expected_updated_at: datetime,
        url: str,
        events: tuple[str, ...],
        description: str | None,
        active: bool,
        reenabled: bool,
        now: datetime,
    ) -> bool: ...
    def mark_failing(self, webhook_id: str, *, now: datetime) -> None: ...
    def mark_healthy(self, webhook_id: str) -> None: ...
    def disable_if_failing_since(
        self, webhook_id: str, *, cutoff: datetime, reason: str, now: datetime
    ) -> bool: ...
    def position(self) -> int | None: ...
    def cursor(self) -> int: ...
    def advance(self, from_id: int, to_id: int) -> bool: ...
    def events_after(self, event_id: int, *, limit: int) -> list[PendingEvent]: ...


class WebhookDeliveries(Protocol):
    """The native webhooks' delivery log (``store/webhook_deliveries.py``)."""

    def add(self, delivery: Delivery) -> bool: ...
    def get(self, delivery_id: str) -> Delivery | None: ...
    def list_for_webhook(self, webhook_id: str, page: PageRequest) -> Page[Delivery]: ...
    def record_attempt(
        self,
        delivery_id: str,
        *,
        attempts_before: int,
        status: DeliveryStatus,
        status_code: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> bool: ...
    def give_up(self, delivery_id: str, *, attempts: int, error: str, now: datetime) -> bool: ...
    def restart(self, delivery_id: str, *, now: datetime, retry_until: datetime) -> bool: ...


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body``; the receiver's status. Raises ``UpstreamUnavailable`` when it
        cannot be reached or does not answer in time."""
        ...


class EmailOutbox(Protocol):
    """Queued notifications (``domain.notifications``) and the mail dispatcher's position."""

    def add(self, email: OutboxEmail) -> bool:
        """Queue; False (nothing written) when its event already queued its kind."""
        ...

    def get(self, email_id: str) -> OutboxEmail | None: ...
    def list_for_order(self, order_id: str) -> list[OutboxEmail]: ...
    def record_attempt(self, email_id: str, *, error: str) -> int | None: ...
    def finish(
        self,
        email_id: str,
        *,
        status: EmailStatus,
        sent_at: datetime | None = None,
        attachments: list[dict[str, object]] | None = None,
        error: str | None = None,
    ) -> bool:
        """Compare-and-set pending → ``status``; False when no longer pending."""
        ...

    def position(self) -> int | None: ...
    def cursor(self) -> int: ...
    def advance(self, from_id: int, to_id: int) -> bool: ...


class MailTransport(Protocol):
    """Where notifications go: an SMTP server, or a folder of ``.eml`` files."""

    @property
    def sender(self) -> str:
        """The From address, e.g. ``farebridge <bookings@example.com>``."""
        ...

    def send(self, message: EmailMessage, *, email_id: str) -> None:
        """Deliver ``message`` (outbox row ``email_id``). Raises ``UpstreamUnavailable``:
        code ``mail_rejected`` when the server refused it for good, ``mail_unavailable``
        when a retry may work."""
        ...


class Workflows(Protocol):
    """Booking workflows (``domain.booking_workflow``), by owner and session key."""

    def get(self, owner_id: str, key: str) -> Workflow | None: ...
    def add(self, workflow: Workflow) -> bool:
        """Insert; False when it exists already."""
        ...

    def lock(self, owner_id: str, key: str, *, token: str, now: datetime, until: datetime) -> bool:
        """Compare-and-set: take the lock unless another call holds it (until ``until``)."""
        ...

    def unlock(self, owner_id: str, key: str, *, token: str) -> None: ...
    def save(self, workflow: Workflow) -> bool:
        """Store the workflow's state, only while ``workflow.lock_token`` holds the lock."""
        ...

    def by_booking_reference(self, booking_reference: str) -> list[Workflow]: ...


class OrderDocuments(Protocol):
    """The PDF documents of orders (ADR 0017)."""

    def add(self, document: OrderDocument) -> bool:
        """Insert; False when the order already has this kind at this version."""
        ...

    def newest_info(self, order_id: str, kind: DocumentKind) -> DocumentInfo | None: ...
    def newest(self, order_id: str, kind: DocumentKind) -> OrderDocument | None: ...
    def list_newest(self, order_id: str) -> list[DocumentInfo]:
        """The highest version of each kind, e-ticket first; no bytes."""
        ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: …; uow.commit()``; leaving without commit rolls back."""

    @property
    def users(self) -> Users: ...
    @property
    def tokens(self) -> Tokens: ...
    @property
    def api_keys(self) -> ApiKeys: ...
    @property
    def offer_requests(self) -> OfferRequests: ...
    @property
    def offers(self) -> Offers: ...
    @property
    def orders(self) -> Orders: ...
    @property
    def payments(self) -> Payments: ...
    @property
    def cancellations(self) -> Cancellations: ...
    @property
    def changes(self) -> Changes: ...
    @property
    def jobs(self) -> Jobs: ...
    @property
    def exchange_rates(self) -> ExchangeRateTable: ...
    @property
    def webhooks(self) -> Webhooks: ...
    @property
    def webhook_deliveries(self) -> WebhookDeliveries: ...
    @property
    def workflows(self) -> Workflows: ...
    @property
    def email_outbox(self) -> EmailOutbox: ...
    @property
    def documents(self) -> OrderDocuments: ...
    @property
    def agencies(self) -> Agencies: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def manage_tokens(self) -> ManageTokens: ...
    @property
    def schedule_changes(self) -> ScheduleChanges: ...
    @property
    def booking_records(self) -> BookingRecords: ...
    @property
    def profiles(self) -> Profiles: ...
    @property
    def flight_api(self) -> FlightApiBookings: ...
    @property
    def coupons(self) -> Coupons: ...
    @property
    def heartbeats(self) -> Heartbeats: ...
    @property
    def sign_in_codes(self) -> SignInCodes: ...
    @property
    def booking_drafts(self) -> BookingDrafts: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Policies:
    offer_lifetime: timedelta = timedelta(minutes=30)
    hold_lifetime: timedelta = timedelta(hours=24)
    token_lifetime: timedelta = timedelta(days=7)
    bookable_days: int = 330
    search_wait_seconds: float = 20.0
    job_lease: timedelta = timedelta(seconds=60)
    job_max_attempts: int = 5
    job_retention: timedelta = timedelta(days=1)  # done jobs are deleted after this
    # How long an order or payment may stay pending before the reconciler (or a
    # retry with the same key) decides that its request died and finishes it.
    recovery_grace: timedelta = timedelta(seconds=30)
    # The selling currency of a search that names none, by an account without a preference.
    default_currency: str = "USD"
    # Flights leaving sooner than this are neither offered nor booked.
    min_departure_lead: timedelta = timedelta(hours=2)
    # Where offers' totals and card surcharges are also shown, converted (never charged).
    preferred_currencies: tuple[str, ...] = ()
    # A booking workflow (the Allmyles dialect's session) ends this long after a call.
    workflow_lifetime: timedelta = timedelta(minutes=17)
    # The same passengers on the same flights as a live order made this recently: a duplicate.
    duplicate_booking_window: timedelta = timedelta(days=365)
    # A hold's payment reminder goes this long before its deadline (half of a shorter hold).
    payment_reminder_lead: timedelta = timedelta(hours=2)
    # The native webhooks' retry schedule and when a failing one is disabled (ADR 0018).
    webhook_retries: RetryPolicy = field(default_factory=RetryPolicy)
    # Plain http:// webhook URLs on localhost / 127.0.0.1 / ::1 (development and tests).
    webhook_allow_http_localhost: bool = False
    # No online cancellation this close to departure, unless the fare says otherwise.
    cancellation_cutoff: timedelta = timedelta(hours=2)
    # Live unpaid hold orders per account (seat spinning); 0: no cap.
    max_unpaid_holds: int = 0


JobHandler = Callable[["Dependencies", dict[str, Any]], None]
# A kind's handler of several jobs at once (ADR 0052): one outcome per payload, in their
# order: None (done) or the exception the single handler would have raised for it.
BatchJobHandler = Callable[["Dependencies", Sequence[dict[str, Any]]], list[Exception | None]]


def no_checkpoint(_step: str) -> None:
    """Production: step boundaries are not observed."""


@dataclass(frozen=True)
class Dependencies:
    """Everything a use case may touch; built once in ``bootstrap.py``."""

    uow: Callable[..., UnitOfWork]  # uow(read_only=False)
    providers: ProviderRegistry
    gateway: PaymentGateway
    clock: Clock
    places: PlaceDirectory
    policies: Policies
    rates: ExchangeRateCache  # the operator's exchange rates, briefly cached
    reference: ReferenceData = field(default_factory=ReferenceData)  # airlines, aircraft
    job_handlers: Mapping[str, JobHandler] = field(default_factory=dict)
    batch_handlers: Mapping[str, BatchJobHandler] = field(default_factory=dict)
    # Called at each step boundary of the money and inventory path (e.g.
    # "order.booked"); the crash tests kill the process there.
    checkpoint: Callable[[str], None] = no_checkpoint
    webhook_sender: WebhookSender | None = None  # None: webhooks are stored, not delivered
    mail_transport: MailTransport | None = None  # None: emails are queued, not sent
    # Login tokens resolved recently (off unless bootstrap sets a lifetime; ADR 0034)
    tokens: TokenCache = field(default_factory=TokenCache)
    # The store answers a read from this machine's memory and disk (SQLite), never
    # waiting on a network: a short read may run on the event loop (ADR 0051).
    local_reads: bool = False
