"""The unit of work: one transaction per use case, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from farebridge.services.ports import StoreUnreachable
from farebridge.store.accounts import (
    AgencyRepository,
    ApiKeyRepository,
    TokenRepository,
    UserRepository,
)
from farebridge.store.audit import AuditRepository, ManageTokenRepository
from farebridge.store.booking_records import BookingRecordRepository
from farebridge.store.booking_workflows import WorkflowRepository
from farebridge.store.changes import ChangeRepository
from farebridge.store.coupons import CouponRepository
from farebridge.store.database import for_reading
from farebridge.store.documents import DocumentRepository
from farebridge.store.flight_api import FlightApiRepository
from farebridge.store.heartbeats import HeartbeatRepository
from farebridge.store.jobs import JobRepository
from farebridge.store.notifications import EmailOutboxRepository
from farebridge.store.orders import OrderRepository
from farebridge.store.payments import CancellationRepository, PaymentRepository
from farebridge.store.profiles import ProfileRepository
from farebridge.store.rates import ExchangeRateRepository
from farebridge.store.schedule_changes import ScheduleChangeRepository
from farebridge.store.sealing import DataCipher, development_cipher
from farebridge.store.searches import OfferRepository, OfferRequestRepository
from farebridge.store.web_sessions import BookingDraftRepository, SignInCodeRepository
from farebridge.store.webhook_deliveries import WebhookDeliveryRepository
from farebridge.store.webhooks import WebhookRepository


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back.

    ``read_only=True`` starts a deferred transaction on SQLite (no write lock);
    everything else takes the write lock at once (``BEGIN IMMEDIATE``), so two
    writers never deadlock on a lock upgrade. On PostgreSQL a read-only unit of work
    runs without a transaction (autocommit): at READ COMMITTED, the isolation used
    here, every statement sees its own snapshot inside a transaction too, so its reads
    see the same; it saves the ``BEGIN`` and ``ROLLBACK`` round trips (ADR 0054).
    """

    users: UserRepository
    tokens: TokenRepository
    api_keys: ApiKeyRepository
    offer_requests: OfferRequestRepository
    offers: OfferRepository
    orders: OrderRepository
    payments: PaymentRepository
    cancellations: CancellationRepository
    changes: ChangeRepository
    jobs: JobRepository
    exchange_rates: ExchangeRateRepository
    webhooks: WebhookRepository
    webhook_deliveries: WebhookDeliveryRepository
    workflows: WorkflowRepository
    email_outbox: EmailOutboxRepository
    documents: DocumentRepository
    agencies: AgencyRepository
    audit: AuditRepository
    manage_tokens: ManageTokenRepository
    schedule_changes: ScheduleChangeRepository
    booking_records: BookingRecordRepository
    profiles: ProfileRepository
    flight_api: FlightApiRepository
    coupons: CouponRepository
    heartbeats: HeartbeatRepository
    sign_in_codes: SignInCodeRepository
    booking_drafts: BookingDraftRepository

    def __init__(
        self, engine: Engine, *, read_only: bool = False, cipher: DataCipher | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._cipher = cipher or development_cipher()  # bootstrap passes the configured one
        self._connection: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        try:
            connection = self._engine.connect()
        except sa_exc.DBAPIError as error:
            raise _unreachable(error) or error from error
        try:
            if self._read_only:
                connection = for_reading(connection)
            connection.begin()
        except BaseException as error:  # refused (ServerBusy…): the connection goes back at once
            connection.close()
            if isinstance(error, sa_exc.DBAPIError):
                raise _unreachable(error) or error from error
            raise
        self._connection = connection
        self.users = UserRepository(connection)
        self.tokens = TokenRepository(connection)
        self.api_keys = ApiKeyRepository(connection)
        self.offer_requests = OfferRequestRepository(connection)
        self.offers = OfferRepository(connection)
        self.orders = OrderRepository(connection, self._cipher)
        self.payments = PaymentRepository(connection)
        self.cancellations = CancellationRepository(connection)
        self.changes = ChangeRepository(connection)
        self.jobs = JobRepository(connection)
        self.exchange_rates = ExchangeRateRepository(connection)
        self.webhooks = WebhookRepository(connection)
        self.webhook_deliveries = WebhookDeliveryRepository(connection)
        self.workflows = WorkflowRepository(connection, self._cipher)
        self.email_outbox = EmailOutboxRepository(connection)
        self.documents = DocumentRepository(connection)
        self.agencies = AgencyRepository(connection)
        self.audit = AuditRepository(connection)
        self.manage_tokens = ManageTokenRepository(connection)
        self.schedule_changes = ScheduleChangeRepository(connection)
        self.booking_records = BookingRecordRepository(connection)
        self.profiles = ProfileRepository(connection)
        self.flight_api = FlightApiRepository(connection)
        self.coupons = CouponRepository(connection)
        self.heartbeats = HeartbeatRepository(connection)
        self.sign_in_codes = SignInCodeRepository(connection)
        self.booking_drafts = BookingDraftRepository(connection, self._cipher)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            self._connection.rollback()
        except sa_exc.DBAPIError as error:  # a lost connection took the transaction along
            if exc is None and not _unreachable(error):
                raise
        finally:
            self._connection.close()
            self._connection = None
        if isinstance(exc, sa_exc.DBAPIError):
            unreachable = _unreachable(exc)
            if unreachable is not None:
                raise unreachable from exc

    def commit(self) -> None:
        assert self._connection is not None
        if self._read_only:  # on PostgreSQL its statements are not even in a transaction
            raise TypeError("a read-only unit of work has nothing to commit")
        self._connection.commit()


# SQLite says "SQL error" (a syntax error, no such table or column) with the same
# OperationalError as "cannot open the file" or "locked": its primary result code tells.
_SQLITE_ERROR = 1


def _unreachable(error: sa_exc.DBAPIError) -> StoreUnreachable | None:
    """``StoreUnreachable`` when ``error`` says the database is out of reach rather than
    that a statement is wrong: an OperationalError (connection refused or dropped, the
    server shutting down, an SQLite file that cannot be opened, locked past its timeout,
    a full disk), an InterfaceError (the driver's connection is closed), or any error
    SQLAlchemy found to be a disconnect. Constraint violations and programming errors
    (SQLite's ``SQLITE_ERROR`` included: a bad statement, a table not migrated) are not:
    they stay what they are (a 409 where a repository expects them, else a 500)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == _SQLITE_ERROR:
        return None
    if error.connection_invalidated or isinstance(
        error, sa_exc.OperationalError | sa_exc.InterfaceError
    ):
        return StoreUnreachable(str(error.orig or error).strip())
    return None
