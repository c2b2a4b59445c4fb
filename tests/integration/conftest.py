from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from farebridge.bootstrap import build
from farebridge.domain.account import Role, User
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer
from farebridge.domain.order import Order, OrderType
from farebridge.domain.payment import PaymentMethod, PaymentType
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.services import search
from farebridge.services.orders import CreateOrder, PaymentRequest, create_order
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings


@pytest.fixture
def services(engine: Engine) -> Dependencies:
    return build(Settings(database_url="sqlite://"), engine=engine)


def create_user(services: Dependencies, *, email: str | None = None) -> User:
    user = User(
        new_id("usr"), email or f"{new_id('u')}@test.com", Role.CUSTOMER, services.clock.now()
    )
    with services.uow() as uow:
        uow.users.add(user, "not-a-real-hash")
        uow.commit()
    return user


def find_offers(
    services: Dependencies,
    *,
    user: User | None = None,
    origin: str = "JFK",
    destination: str = "LHR",
    days: int = 30,
    max_connections: int = 0,
    currency: str | None = None,
    filters: OfferFilter | None = None,
) -> list[Offer]:
    criteria = SearchCriteria(
        (SliceRequest(origin, destination, date.today() + timedelta(days=days)),),
        (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
        max_connections=max_connections,
    )
    request = search.create_offer_request(services, user=user, criteria=criteria, currency=currency)
    search.get_offer_request(services, user=user, request_id=request.id, wait=True)
    page = search.list_offers(
        services,
        user=user,
        request_id=request.id,
        filters=filters or OfferFilter(),
        page=PageRequest(limit=200),
    )
    assert page.items
    return page.items


def offer_of_an_airline_flying_later(
    services: Dependencies, *, user: User | None, offers: list[Offer], brand: str, later: int
) -> Offer:
    """The first offer of ``brand`` whose airline flies the route more than once that day
    and also on day ``later``, so that a change to that day, or to another flight after a
    disruption, finds that airline's flights (the services' twin of the e2e helper of the
    same name: the sandbox's network is real, and Kuwait Airways flies JFK-LHR once a
    day on some weekdays only)."""
    first = offers[0].slices[0]
    flying = {
        offer.owner.iata_code
        for offer in find_offers(
            services,
            user=user,
            origin=first.origin.iata_code,
            destination=first.destination.iata_code,
            days=later,
        )
    }
    departures: dict[str, set[datetime]] = {}
    for offer in offers:
        departures.setdefault(offer.owner.iata_code, set()).add(offer.slices[0].departing_at)
    return next(
        offer
        for offer in offers
        if offer.fare_brand_name == brand
        and offer.owner.iata_code in flying
        and len(departures[offer.owner.iata_code]) > 1
    )


def place_order(
    services: Dependencies,
    *,
    user: User,
    offer: Offer,
    instant: bool,
    fault: str | None = None,
) -> Order:
    """One adult, paid from the balance when ``instant``, held otherwise; with the
    sandbox ``fault`` scenario when given."""
    from tests.factories import create_passenger

    payment = PaymentRequest(offer.total, PaymentMethod(PaymentType.BALANCE)) if instant else None
    kind = OrderType.INSTANT if instant else OrderType.HOLD
    scenarios = frozenset({fault}) if fault else frozenset()
    command = CreateOrder(
        kind, offer.id, [create_passenger(id="")], payment=payment, scenarios=scenarios
    )
    return create_order(services, user=user, command=command)
