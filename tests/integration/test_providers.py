"""Several providers: a search asks each, and every order stays with its own."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from farebridge.bootstrap import PROVIDER_FACTORIES, build
from farebridge.domain.errors import UpstreamTimeout, UpstreamUnavailable
from farebridge.domain.ids import new_id
from farebridge.domain.order import OrderStatus
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.jobs.worker import Worker
from farebridge.services import cancellation, search
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings
from tests.integration.conftest import create_user, place_order
from tests.toy_provider.provider import ToyProvider, make_toy


@pytest.fixture
def two(engine: Engine) -> Dependencies:
    settings = Settings(database_url="sqlite://", providers="sandbox, toy")  # type: ignore[arg-type]
    return build(
        settings, engine=engine, provider_factories={**PROVIDER_FACTORIES, "toy": make_toy}
    )


def _search(deps: Dependencies, scenarios: frozenset[str] = frozenset()) -> search.OfferRequest:
    criteria = SearchCriteria(
        (SliceRequest("JFK", "LHR", date.today() + timedelta(days=30)),),
        (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
        max_connections=0,
    )
    request = search.create_offer_request(deps, user=None, criteria=criteria, scenarios=scenarios)
    return search.get_offer_request(deps, user=None, request_id=request.id, wait=True)


def test_settings_name_the_providers(two: Dependencies) -> None:
    assert two.providers.names == ("sandbox", "toy")
    with pytest.raises(ValueError, match="unknown providers"):
        build(Settings(database_url="sqlite://", providers="sandbox,nowhere"))  # type: ignore[arg-type]


def test_a_search_merges_every_providers_offers(two: Dependencies) -> None:
    request = _search(two)
    assert request.providers == ("sandbox", "toy")
    page = search.list_offers(
        two, user=None, request_id=request.id, filters=OfferFilter(), page=PageRequest(limit=200)
    )
    assert set(Counter(offer.provider for offer in page.items)) == {"sandbox", "toy"}


def test_an_order_and_all_that_follows_go_to_its_provider(two: Dependencies) -> None:
    toy = two.providers.get("toy")
    assert isinstance(toy, ToyProvider)
    request = _search(two)
    user = create_user(two)
    page = search.list_offers(
        two, user=None, request_id=request.id, filters=OfferFilter(), page=PageRequest(limit=200)
    )
    offer = next(o for o in page.items if o.provider == "toy")
    toy.calls.clear()
    order = place_order(two, user=user, offer=offer, instant=True)
    assert order.provider == "toy"
    Worker(two).drain()  # ticketing
    quote = cancellation.quote_cancellation(two, user=user, order_id=order.id, reason="other")
    cancelled, _ = cancellation.confirm_cancellation(
        two, user=user, order_id=order.id, quote_id=quote.id
    )
    assert cancelled.status is OrderStatus.CANCELLED
    assert {"create_booking", "issue_tickets", "cancel_booking"} <= set(toy.calls)


def test_a_fault_stored_with_the_search_reaches_its_job(two: Dependencies) -> None:
    """The job runs the search later; every provider times out, so the search fails."""
    request = _search(two, scenarios=frozenset({"search_timeout"}))
    assert request.status.value == "failed"
    assert request.error_code == UpstreamTimeout.code


class _Down(ToyProvider):
    def search(self, *_args: object, **_kwargs: object) -> None:
        raise UpstreamUnavailable("toy is down")


def test_a_search_keeps_the_offers_of_the_providers_that_answered(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://", providers="sandbox,toy")  # type: ignore[arg-type]
    factories = {**PROVIDER_FACTORIES, "toy": lambda context: _Down(make_toy(context)._inner)}  # type: ignore[attr-defined]
    deps = build(settings, engine=engine, provider_factories=factories)
    request = _search(deps)
    assert request.status.value == "complete" and request.offers_count > 0


class _AirlineCurrency(ToyProvider):
    """A provider that ignores the selling currency: its offers come back in CHF."""

    def search(self, offer_request_id: str, criteria: SearchCriteria, **kwargs: Any) -> Any:
        return self._inner.search(offer_request_id, replace(criteria, currency="CHF"), **kwargs)


def test_offers_in_another_currency_than_the_search_are_dropped(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://", providers="sandbox,toy")  # type: ignore[arg-type]
    factories = {
        **PROVIDER_FACTORIES,
        "toy": lambda context: _AirlineCurrency(make_toy(context)._inner),  # type: ignore[attr-defined]
    }
    deps = build(settings, engine=engine, provider_factories=factories)
    request = _search(deps)
    page = search.list_offers(
        deps, user=None, request_id=request.id, filters=OfferFilter(), page=PageRequest(limit=200)
    )
    assert page.items and {offer.provider for offer in page.items} == {"sandbox"}
    assert request.offers_count == len(page.items)
    assert {offer.total.currency for offer in page.items} == {"USD"}
