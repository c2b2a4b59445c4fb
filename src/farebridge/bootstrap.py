"""The only place that picks the store, the providers, the gateway and the clock.

``PROVIDER_FACTORIES`` is the registration table of upstreams: a provider is a
folder under ``providers/`` plus one line here; ``FAREBRIDGE_PROVIDERS`` says
which of them are enabled (default ``sandbox``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache, partial

import structlog
from sqlalchemy import Engine

from farebridge.domain.clock import Clock, SystemClock
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.reference import ReferenceData
from farebridge.domain.webhook_deliveries import RetryPolicy
from farebridge.jobs.handlers import BATCH_HANDLERS, HANDLERS
from farebridge.outbound.mail import EmlFolderTransport, SmtpTransport, parse_smtp_url
from farebridge.outbound.webhooks import HttpWebhookSender
from farebridge.places_data import load_places
from farebridge.providers.base import ExchangeRateSource, PaymentGateway, Provider
from farebridge.providers.duffel.client import DuffelClient, Timeouts
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.providers.registry import ProviderRegistry
from farebridge.providers.sandbox.booking.payments import SandboxPaymentGateway
from farebridge.providers.sandbox.provider import SandboxProvider
from farebridge.providers.sandbox.world.aircraft import aircraft_types
from farebridge.providers.sandbox.world.airlines import airline_directory
from farebridge.services.jobs import check_handler_table
from farebridge.services.ports import Dependencies, MailTransport, Policies, no_checkpoint
from farebridge.services.rates import CachedExchangeRates
from farebridge.services.token_cache import TokenCache
from farebridge.settings import Settings
from farebridge.store.database import is_sqlite, make_engine
from farebridge.store.duffel_refs import SqlDuffelReferences
from farebridge.store.sandbox_inventory import SqlSandboxInventory
from farebridge.store.sandbox_payments import SqlSandboxLedger
from farebridge.store.sealing import DataCipher, is_development_key
from farebridge.store.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a provider factory may use to build its adapter."""

    settings: Settings
    engine: Engine
    places: PlaceDirectory
    rates: ExchangeRateSource  # the engine's rates, to sell in the search's currency


ProviderFactory = Callable[[ProviderContext], Provider]


def _sandbox(context: ProviderContext) -> Provider:
    settings = context.settings
    return SandboxProvider(
        SqlSandboxInventory(context.engine),
        context.places,
        rates=context.rates,
        seed=settings.sandbox_seed,
        max_itineraries=settings.sandbox_max_itineraries,
        offer_lifetime=settings.offer_lifetime,
        hold_lifetime=settings.hold_lifetime,
        fault_rates=settings.sandbox_fault_rates,
        schedule_change_rate=settings.sandbox_schedule_change_rate,
        cache_dir=settings.sandbox_cache_dir,
        min_departure_lead=settings.min_departure_lead,
    )


def _duffel(context: ProviderContext) -> Provider:
    settings = context.settings
    if settings.duffel_access_token is None:  # Settings refuses this; a clear message anyway
        raise ValueError("FAREBRIDGE_DUFFEL_ACCESS_TOKEN is required for the duffel provider")
    client = DuffelClient(
        settings.duffel_access_token.get_secret_value(),
        base_url=settings.duffel_api_url,
        timeouts=Timeouts(order=settings.duffel_order_timeout_seconds),
    )
    return DuffelProvider(
        client, SqlDuffelReferences(context.engine), context.places, rates=context.rates
    )


PROVIDER_FACTORIES: Mapping[str, ProviderFactory] = {
    "sandbox": _sandbox,
    "duffel": _duffel,
}


@lru_cache(maxsize=4)
def reference_data(places: PlaceDirectory) -> ReferenceData:
    """The airlines and aircraft types clients may list: the sandbox world's, which are
    real ones (OpenFlights and the airline facts table)."""
    airlines = {a.iata_code: a.carrier for a in airline_directory(places)}
    aircraft = {t.aircraft.iata_code: t.aircraft for t in aircraft_types().values()}
    return ReferenceData(
        airlines=tuple(airlines[code] for code in sorted(airlines)),
        aircraft=tuple(aircraft[code] for code in sorted(aircraft)),
    )


def policies_from(settings: Settings) -> Policies:
    return Policies(
        offer_lifetime=settings.offer_lifetime,
        hold_lifetime=settings.hold_lifetime,
        token_lifetime=settings.token_lifetime,
        bookable_days=settings.bookable_days,
        search_wait_seconds=settings.search_wait_seconds,
        job_lease=timedelta(seconds=settings.job_lease_seconds),
        job_max_attempts=settings.job_max_attempts,
        job_retention=settings.job_retention,
        recovery_grace=timedelta(seconds=settings.recovery_grace_seconds),
        default_currency=settings.default_currency,
        min_departure_lead=settings.min_departure_lead,
        preferred_currencies=settings.preferred_currencies,
        workflow_lifetime=timedelta(minutes=settings.allmyles_session_minutes),
        duplicate_booking_window=settings.duplicate_booking_window,
        payment_reminder_lead=settings.payment_reminder_lead,
        webhook_retries=RetryPolicy(
            base=settings.webhook_backoff_base,
            cap=settings.webhook_backoff_cap,
            window=settings.webhook_retry_window,
            disable_after=settings.webhook_disable_after,
        ),
        webhook_allow_http_localhost=settings.webhook_allow_http_localhost,
        cancellation_cutoff=settings.cancellation_cutoff,
        max_unpaid_holds=settings.max_unpaid_holds_per_user,
    )


def mail_transport(settings: Settings) -> MailTransport:
    """SMTP when ``FAREBRIDGE_SMTP_URL`` is set, else a folder of ``.eml`` files."""
    url = settings.smtp_url.get_secret_value() if settings.smtp_url else ""
    if url:
        return SmtpTransport(parse_smtp_url(url), sender=settings.mail_from)
    return EmlFolderTransport(settings.mail_dir, sender=settings.mail_from)


def build_providers(
    settings: Settings,
    context: ProviderContext,
    factories: Mapping[str, ProviderFactory] = PROVIDER_FACTORIES,
) -> list[Provider]:
    unknown = [name for name in settings.providers if name not in factories]
    if unknown:
        raise ValueError(
            f"FAREBRIDGE_PROVIDERS names unknown providers {unknown}; known: {sorted(factories)}"
        )
    return [factories[name](context) for name in settings.providers]


def data_cipher(settings: Settings) -> DataCipher:
    """The cipher of passport numbers at rest (ADR 0027). The development key with a
    PostgreSQL database (a production-like setting) is allowed but logged as a warning
    at every start: numbers sealed with a published key are not protected."""
    secrets = settings.data_key.get_secret_value()
    if is_development_key(secrets) and settings.database_url.startswith("postgresql"):
        structlog.get_logger("farebridge.security").warning(
            "data_key.development_default",
            hint="set FAREBRIDGE_DATA_KEY to a long random secret; passport numbers are "
            "encrypted with the published development key",
        )
    return DataCipher(secrets)


def build(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    providers: Sequence[Provider] | None = None,
    provider_factories: Mapping[str, ProviderFactory] = PROVIDER_FACTORIES,
    gateway: PaymentGateway | None = None,
    checkpoint: Callable[[str], None] = no_checkpoint,
) -> Dependencies:
    engine = engine or make_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        pool_timeout_seconds=settings.database_pool_timeout_seconds,
    )
    places = load_places()
    clock = clock or SystemClock()
    uow = partial(SqlUnitOfWork, engine, cipher=data_cipher(settings))
    rates = CachedExchangeRates(uow, ttl_seconds=settings.exchange_rates_cache_seconds)
    if providers is None:
        context = ProviderContext(settings, engine, places, rates)
        providers = build_providers(settings, context, provider_factories)
    check_handler_table(HANDLERS)
    return Dependencies(
        uow=uow,
        providers=ProviderRegistry(providers),
        gateway=gateway or SandboxPaymentGateway(SqlSandboxLedger(engine), clock),
        clock=clock,
        places=places,
        policies=policies_from(settings),
        rates=rates,
        reference=reference_data(places),
        job_handlers=HANDLERS,
        batch_handlers=BATCH_HANDLERS,
        checkpoint=checkpoint,
        webhook_sender=HttpWebhookSender(),
        mail_transport=mail_transport(settings),
        tokens=TokenCache(settings.token_cache_seconds),
        local_reads=is_sqlite(engine),
    )


def settle_heap() -> None:
    """Call once a long-lived process has built its reference data (places, network).

    Moving those millions of objects out of the garbage collector's view avoids
    50-100 ms full-collection pauses in the middle of searches.
    """
    gc.collect()
    gc.freeze()
