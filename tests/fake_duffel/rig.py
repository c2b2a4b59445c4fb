"""Building a ``DuffelProvider`` on the fake Duffel, with fixed rates and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from farebridge.domain.money import ExchangeRates
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.places_data import load_places
from farebridge.providers.duffel.client import DuffelClient
from farebridge.providers.duffel.provider import DuffelProvider
from farebridge.providers.duffel.references import DuffelReferences
from tests.fake_duffel.references import MemoryReferences
from tests.fake_duffel.server import TOKEN, FakeDuffel

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
GBP_IN_USD = Decimal("1.25")
OUR_PASSENGER = "pas_01OURPASSENGER000000000001"


class FixedRates:
    def current(self) -> ExchangeRates:
        return ExchangeRates({"USD": Decimal(1), "GBP": GBP_IN_USD, "EUR": Decimal("1.10")})


@dataclass
class Rig:
    fake: FakeDuffel
    provider: DuffelProvider
    sleeps: list[float] = field(default_factory=list)


def make_rig(
    fake: FakeDuffel | None = None,
    references: DuffelReferences | None = None,
    on_poll: Callable[[float], None] = lambda _seconds: None,
) -> Rig:
    fake = fake or FakeDuffel()
    sleeps: list[float] = []
    client = DuffelClient(
        TOKEN,
        base_url="https://api.duffel.test",
        transport=fake.transport(),
        sleep=sleeps.append,
        backoff_seconds=0.01,
        clock=lambda: NOW,
    )
    provider = DuffelProvider(
        client, references or MemoryReferences(), load_places(), rates=FixedRates(), sleep=on_poll
    )
    return Rig(fake, provider, sleeps)


def criteria(currency: str = "USD") -> SearchCriteria:
    return SearchCriteria(
        (SliceRequest("JFK", "LHR", date(2027, 6, 15)),),
        (OfferPassenger(OUR_PASSENGER, PassengerType.ADULT),),
        currency=currency,
    )
