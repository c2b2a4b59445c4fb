"""The only place that picks the store, the provider, the gateway and the clock."""

from __future__ import annotations

import gc
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine

from farebridge.domain.clock import Clock, SystemClock
from farebridge.places_data import load_places
from farebridge.providers.base import Provider
from farebridge.providers.sandbox import SandboxProvider
from farebridge.providers.sandbox.payments import SandboxPaymentGateway
from farebridge.services.ports import Dependencies, PaymentGateway, Policies
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.sandbox_inventory import SqlSandboxInventory
from farebridge.store.unit_of_work import SqlUnitOfWork


def policies_from(settings: Settings) -> Policies:
    return Policies(
        offer_lifetime=settings.offer_lifetime,
        hold_lifetime=settings.hold_lifetime,
        token_lifetime=settings.token_lifetime,
        bookable_days=settings.bookable_days,
        search_wait_seconds=settings.search_wait_seconds,
        job_lease=timedelta(seconds=settings.job_lease_seconds),
        job_max_attempts=settings.job_max_attempts,
    )


def build(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    provider: Provider | None = None,
    gateway: PaymentGateway | None = None,
) -> Dependencies:
    engine = engine or make_engine(settings.database_url)
    places = load_places()
    if provider is None:
        provider = SandboxProvider(
            SqlSandboxInventory(engine),
            places,
            seed=settings.sandbox_seed,
            offer_lifetime=settings.offer_lifetime,
            hold_lifetime=settings.hold_lifetime,
            fault_rates=settings.sandbox_fault_rates,
            scale=settings.sandbox_scale,
        )
    return Dependencies(
        uow=partial(SqlUnitOfWork, engine),
        provider=provider,
        gateway=gateway or SandboxPaymentGateway(),
        clock=clock or SystemClock(),
        places=places,
        policies=policies_from(settings),
    )


def settle_heap() -> None:
    """Call once a long-lived process has built its reference data (places, network).

    Moving those millions of objects out of the garbage collector's view avoids
    50-100 ms full-collection pauses in the middle of searches.
    """
    gc.collect()
    gc.freeze()
