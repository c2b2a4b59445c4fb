"""The providers that settings enable, by name (``FAREBRIDGE_PROVIDERS``).

Every offer request, offer and order records the name of its provider, and
everything later about an order (ticketing, cancellation, sync) is sent to
that provider through this registry — never to "the" provider. ``bootstrap.py``
holds the table of provider factories: adding a provider is one folder under
``providers/`` plus one line there.
"""

from __future__ import annotations

from collections.abc import Iterable

from farebridge.domain.errors import OfferNoLongerAvailable, UpstreamUnavailable
from farebridge.domain.manifest import FlightKey
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order
from farebridge.providers.base import Provider, Timetable


class ProviderRegistry:
    def __init__(self, providers: Iterable[Provider]) -> None:
        self._providers: dict[str, Provider] = {}
        for provider in providers:
            if provider.name in self._providers:
                raise ValueError(f"provider {provider.name!r} is enabled twice")
            self._providers[provider.name] = provider
        if not self._providers:
            raise ValueError("enable at least one provider (FAREBRIDGE_PROVIDERS)")

    @property
    def names(self) -> tuple[str, ...]:
        """The enabled providers, in the order settings list them: a search asks each."""
        return tuple(self._providers)

    @property
    def scenarios(self) -> frozenset[str]:
        """Every test scenario some enabled provider can script."""
        return frozenset().union(*(p.scenarios for p in self._providers.values()))

    def get(self, name: str) -> Provider:
        """The provider called ``name``; ``UpstreamUnavailable`` if it is not enabled."""
        provider = self._providers.get(name)
        if provider is None:
            raise UpstreamUnavailable(
                f"Provider {name!r} is not enabled here (FAREBRIDGE_PROVIDERS).",
                code="provider_not_enabled",
            )
        return provider

    def for_offer(self, offer: Offer) -> Provider:
        if offer.provider not in self._providers:
            raise OfferNoLongerAvailable(
                f"Offer {offer.id} came from provider {offer.provider!r}, which is not enabled."
            )
        return self._providers[offer.provider]

    def operates(self, flight: FlightKey) -> bool:
        """Whether an enabled provider that knows a timetable flies ``flight``."""
        return any(p.operates(flight) for p in self._providers.values() if isinstance(p, Timetable))

    def for_order(self, order: Order) -> Provider:
        return self.get(order.provider)
