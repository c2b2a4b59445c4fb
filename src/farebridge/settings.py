"""All configuration, from ``FAREBRIDGE_*`` environment variables or ``.env``."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FAREBRIDGE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///./farebridge.db",
        description="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://user@host/db",
    )
    providers: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("sandbox",),
        description="The upstreams enabled, comma-separated (e.g. sandbox); a search asks "
        "each, and every order stays with the provider that made its offer.",
    )
    sandbox_seed: int = 7
    sandbox_max_itineraries: int = Field(
        default=200,
        ge=1,
        le=1000,
        description="Itineraries a sandbox search returns per slice at most (each sold in "
        "every fare brand on sale); at most a quarter connect at the same airports.",
    )
    sandbox_cache_dir: Path | None = Field(
        default=Path(".farebridge-cache"),
        description="Where built sandbox timetables are kept, so that a process after "
        "the first starts in about a second; empty: build in every process.",
    )
    sandbox_fault_rates: dict[str, float] = Field(
        default_factory=dict,
        description='Chance of each sandbox fault per call, e.g. {"timeout": 0.02, '
        '"price_change": 0.05}; see providers/sandbox/faults/plan.py.',
    )
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-change-me"),
        description="Signs webhook payloads and tokens; set a long random value in production.",
    )
    data_key: SecretStr = Field(
        default=SecretStr("dev-only-data-key-change-me"),
        description="Encrypts passport numbers at rest (ADR 0027): a long random secret; "
        "comma-separated to rotate (the first encrypts, every one decrypts). The default "
        "is for development only: start-up warns when it is used with PostgreSQL.",
    )
    token_lifetime: timedelta = timedelta(days=7)
    token_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long an API process remembers who a login token belongs to, "
        "instead of reading the database on every request. A log-out or role change is "
        "seen at once by the process that made it and within this time by the others; "
        "0: no cache.",
    )
    min_departure_lead: timedelta = Field(
        default=timedelta(hours=2),
        description="Flights leaving sooner than this are not offered, and booking one is "
        "409 departure_too_soon (ISO 8601, e.g. PT2H).",
    )
    duplicate_booking_window: timedelta = Field(
        default=timedelta(days=365),
        ge=timedelta(0),
        description="An order with the same passengers on the same flights as a live order "
        "of the same account made within this window is refused as a duplicate (409 "
        "duplicate_booking) unless it is confirmed (confirm_duplicate). ISO 8601, e.g. "
        "PT1H; the default, longer than anything is sold ahead, refuses every live "
        "duplicate as airlines do; PT0S turns the check off.",
    )
    cancellation_cutoff: timedelta = Field(
        default=timedelta(hours=2),
        ge=timedelta(0),
        description="No online cancellation when the first flight leaves within this "
        "(422 cancellation_window_closed), unless the fare sets its own cut-off; never "
        "for cancellations because of an airline change (ISO 8601, e.g. PT2H).",
    )
    sandbox_schedule_change_rate: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Chance that the sandbox airline retimes or cancels a flight of a "
        "booking, drawn once per booking (deterministically) when the order is synced.",
    )
    offer_lifetime: timedelta = timedelta(minutes=30)
    hold_lifetime: timedelta = timedelta(hours=24)
    bookable_days: int = Field(default=330, description="How far ahead flights can be searched.")
    search_wait_seconds: float = Field(
        default=20.0, description="How long ?return_offers=true waits for a search."
    )
    worker_poll_seconds: float = 0.2
    job_lease_seconds: float = 60.0
    job_max_attempts: int = 5
    worker_threads: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Jobs one worker process runs at once, each on a thread of its own "
        "(handlers wait on the database and upstreams); sweeps and the heartbeat run "
        "beside them (ADR 0033).",
    )
    worker_bulk_threads: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Of those threads, how many may run bulk jobs (documents, e-mails, "
        "webhooks) at once; the others are kept for tickets, syncs and refunds. Default: "
        "half of FAREBRIDGE_WORKER_THREADS, at least one (ADR 0040).",
    )
    worker_ticketing_batch: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Paid orders one worker thread tickets together, in one transaction "
        "before the airline is asked and one after (their calls to the airline still one "
        "by one). Default: 16 on SQLite with the sandbox airline, whose single writer the "
        "API's bookings also need; 1 on PostgreSQL and with Duffel (ADR 0052).",
    )
    worker_nice: int = Field(
        default=0,
        ge=0,
        le=19,
        description="How far the worker process stands back when the API and it want the "
        "same core: a Unix nice increment (0: not at all, 19: the most). Higher books more "
        "per second on a shared machine and issues tickets later (ADR 0044).",
    )
    job_retention: timedelta = Field(
        default=timedelta(days=1),
        ge=timedelta(0),
        description="Done jobs are deleted this long after they finished (ISO 8601, e.g. "
        "P1D), by the worker's sweep; failed jobs are kept.",
    )
    recovery_grace_seconds: float = Field(
        default=30.0,
        description="How long an order or payment may stay pending before the worker (or a "
        "retry with the same Idempotency-Key) treats its request as dead and finishes it.",
    )
    default_currency: str = Field(
        default="USD",
        pattern=r"^[A-Z]{3}$",
        description="The selling currency of a search that names none, by an account "
        "without a preferred currency; it needs a row in the exchange rates table.",
    )
    preferred_currencies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Currencies, comma-separated (e.g. GBP,USD), in which /api also shows "
        "each offer's total and card surcharges, converted at the engine's rates, for "
        "reference (never charged); empty: none.",
    )
    exchange_rates_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long a process reuses the exchange rates it read from the database.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="The largest request body accepted, in bytes; a bigger one is 413 "
        "payload_too_large (ADR 0027).",
    )
    search_rate_limit_per_minute: int = 60
    booking_rate_limit_per_minute: int = 20
    lookup_rate_limit_per_minute: int = Field(
        default=10,
        description="Booking look-ups (POST /api/bookings/lookup) per minute per address.",
    )
    payment_rate_limit_per_minute: int = Field(
        default=20, description="Payments per minute per account (or address); 0: no limit."
    )
    login_rate_limit_per_minute: int = Field(
        default=60, description="Log-ins per minute per client address; 0: no limit."
    )
    register_rate_limit_per_minute: int = Field(
        default=20,
        description="Account registrations per minute per client address; 0: no limit.",
    )
    login_free_failures: int = Field(
        default=5,
        description="Failed log-ins for one account before each further failure doubles "
        "a wait (429 login_backoff with Retry-After); 0: no back-off.",
    )
    login_free_failures_per_ip: int = Field(
        default=20, description="The same, per client address; 0: no back-off."
    )
    login_backoff_seconds: float = Field(
        default=1.0, gt=0, description="The first back-off wait; it doubles per failure."
    )
    login_backoff_max_seconds: float = Field(
        default=900.0, gt=0, description="The longest back-off wait."
    )
    password_hash_workers: int = Field(
        default=0,
        ge=0,
        description="Password hashes (argon2) one API process runs at once; 0: half the "
        "CPUs (at least 1).",
    )
    password_hash_queue: int = Field(
        default=8,
        ge=0,
        description="Log-ins that may wait for a hashing slot; more are 429 login_busy.",
    )
    password_hash_wait_seconds: float = Field(
        default=2.0, gt=0, description="How long a log-in waits for a hashing slot."
    )
    max_unpaid_holds_per_user: int = Field(
        default=5,
        ge=0,
        description="Live unpaid hold orders one account may have; another is 409 "
        "too_many_holds (seat spinning). 0: no cap.",
    )
    redis_key_prefix: str = Field(
        default="farebridge", description="The prefix of every Redis key farebridge writes."
    )
    duffel_access_token: SecretStr | None = Field(
        default=None,
        description="Duffel API access token (Bearer); required when FAREBRIDGE_PROVIDERS "
        "names duffel.",
    )
    duffel_api_url: str = Field(
        default="https://api.duffel.com",
        description="Duffel's API root (no trailing slash); another farebridge's /duffel works.",
    )
    duffel_webhook_secret: SecretStr | None = Field(
        default=None,
        description="The secret of the Duffel webhook that posts to /hooks/duffel; "
        "unset: the endpoint refuses every event.",
    )
    duffel_order_timeout_seconds: float = Field(
        default=130.0,
        gt=0,
        description="How long an order creation or payment at Duffel may take (Duffel "
        "advises at least 130 s); no answer in time is an unknown outcome.",
    )
    allmyles_session_minutes: float = Field(
        default=17,
        gt=0,
        description="An Allmyles-dialect workflow (session cookie) expires this long after "
        "its last call; later calls of the session are 412.",
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        description="Where notifications are sent: smtp://[user[:password]@]host[:port]"
        "[?starttls=true][&timeout=SECONDS], or smtps://... for TLS from the start "
        "(ports 25, 587 with starttls, 465); percent-encode the user and password. "
        "Unset: messages are written as .eml files to FAREBRIDGE_MAIL_DIR.",
    )
    mail_dir: Path = Field(
        default=Path("var/mail"),
        description="Where notifications are written, one <email id>.eml file each, when "
        "FAREBRIDGE_SMTP_URL is not set (relative paths: from the working directory, like "
        "the default SQLite database).",
    )
    mail_from: str = Field(
        default="farebridge <bookings@farebridge.localhost>",
        min_length=3,
        pattern=r"@",
        description="The From address of notifications; its domain ends each Message-ID.",
    )
    payment_reminder_lead: timedelta = Field(
        default=timedelta(hours=2),
        gt=timedelta(0),
        description="A held order's payment reminder is sent this long before its payment "
        "deadline (ISO 8601, e.g. PT2H); a hold shorter than twice this is reminded "
        "halfway through.",
    )
    site_url: str = Field(
        default="http://127.0.0.1:8501",
        pattern=r"^https?://[^/?#]+/?$",
        description="The web site's address (scheme, host and port). After signing in or "
        "out, the API sends the browser back only to addresses of this site (ADR 0035).",
    )
    session_cookie_domain: str | None = Field(
        default=None,
        description="The Domain of the web site's sign-in cookie; empty: the API's host "
        "only (the site must then be served from the same host, any port).",
    )
    webhook_allow_http_localhost: bool = Field(
        default=False,
        description="Accept plain http:// webhook URLs on localhost, 127.0.0.1 and ::1 in "
        "/api/webhooks (development and tests); otherwise https is required.",
    )
    webhook_retry_window: timedelta = Field(
        default=timedelta(days=1),
        gt=timedelta(0),
        description="How long a native webhook delivery is retried before it is failed "
        "(ISO 8601, e.g. P1D).",
    )
    webhook_backoff_base: timedelta = Field(
        default=timedelta(seconds=5),
        gt=timedelta(0),
        description="The first retry of a webhook delivery waits up to this long; each "
        "retry doubles it (full jitter), up to webhook_backoff_cap.",
    )
    webhook_backoff_cap: timedelta = Field(
        default=timedelta(hours=4),
        gt=timedelta(0),
        description="The longest wait between two attempts of a webhook delivery.",
    )
    webhook_disable_after: timedelta = Field(
        default=timedelta(days=1),
        gt=timedelta(0),
        description="A native webhook whose deliveries have all failed for this long is "
        "disabled (active=false, disabled_reason).",
    )
    log_level: str = "INFO"
    log_json: bool = False
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Process model, readiness and metrics (ADR 0029)
    api_workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="API processes `farebridge api` starts; default: min(CPUs, 2) on "
        "SQLite, min(CPUs, 4) on PostgreSQL.",
    )
    worker_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Worker processes `farebridge worker` starts; default: 1 on SQLite "
        "(always 1 there), 2 on PostgreSQL.",
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="redis://host:port/db: rate limits and log-in back-off are counted "
        "there, shared by every API process (unset: in each process's memory); /ready "
        "checks it.",
    )
    # Overload (ADR 0030)
    max_requests_in_flight: int = Field(
        default=4,
        ge=0,
        description="Requests one API process serves at once (/health, /ready and /metrics "
        "aside); more wait in its queue, and beyond that are 429 server_busy with "
        "Retry-After. 0: no cap.",
    )
    request_queue_size: int = Field(
        default=32,
        ge=0,
        description="Requests that may wait for a place in one API process; more are "
        "refused at once (429 server_busy).",
    )
    request_queue_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a request waits for a place before it is refused "
        "(429 server_busy); 0: refuse at once when every place is taken.",
    )
    database_pool_size: int = Field(
        default=10,
        ge=1,
        description="PostgreSQL connections each process keeps (as many again at peaks); "
        "keep it above FAREBRIDGE_MAX_REQUESTS_IN_FLIGHT.",
    )
    database_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long a request waits for a free database connection before it is "
        "refused (429 server_busy) instead of failing.",
    )
    worker_heartbeat_seconds: float = Field(default=5.0, gt=0)
    ready_heartbeat_max_age_seconds: float = Field(
        default=30.0,
        ge=0,
        description="/ready fails when no worker has beaten for this long; 0: "
        "no worker is expected (an API-only deployment).",
    )

    @field_validator("providers", mode="before")
    @classmethod
    def _split_providers(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    @field_validator("preferred_currencies", mode="before")
    @classmethod
    def _split_currencies(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(code.strip().upper() for code in value.split(",") if code.strip())
        return value

    @field_validator("preferred_currencies")
    @classmethod
    def _three_letter_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [code for code in value if not (len(code) == 3 and code.isalpha())]
        if wrong:
            raise ValueError(f"not ISO 4217 currency codes: {', '.join(wrong)}")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_parses(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            from farebridge.outbound.mail import parse_smtp_url

            parse_smtp_url(value.get_secret_value())  # ValueError names the part, not the secret
        return value

    @model_validator(mode="after")
    def _duffel_needs_a_token(self) -> Settings:
        if "duffel" in self.providers and not (
            self.duffel_access_token and self.duffel_access_token.get_secret_value()
        ):
            raise ValueError(
                "FAREBRIDGE_PROVIDERS names duffel but FAREBRIDGE_DUFFEL_ACCESS_TOKEN is not set"
            )
        return self


@cache
def get_settings() -> Settings:
    return Settings()
