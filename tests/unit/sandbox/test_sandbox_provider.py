"""The sandbox as a Provider: offers, availability, bookings, tickets, cancellation."""

from __future__ import annotations

import json
import string
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from farebridge.domain.errors import (
    DepartureTooSoon,
    InvalidState,
    NotFound,
    OfferExpired,
    OfferNoLongerAvailable,
)
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import Offer
from farebridge.domain.places import PlaceDirectory
from farebridge.providers.base import Provider
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.provider import REFERENCE_ALPHABET, SandboxProvider
from farebridge.providers.sandbox.world.network import Network
from tests.unit.sandbox.conftest import (
    NOW,
    SEED,
    TRAVEL_ON,
    FakeInventory,
    FixedRates,
    airline,
    booking_passengers,
    make_criteria,
    offer_passengers,
)


def _legs(offer: Offer) -> list[LegKey]:
    return [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in offer.provider_reference["legs"]
    ]


def _first_offer(
    provider: SandboxProvider,
    *,
    low_cost: bool = False,
    brand: str | None = None,
    **criteria: object,
) -> Offer:
    """The first offer of the kind asked for. Tests that squeeze a flight down to its
    last seats ask for Flex: cheaper booking classes close before the cabin fills."""
    result = provider.search("orq_1", make_criteria(**criteria), now=NOW)  # type: ignore[arg-type]
    return next(
        o
        for o in result.offers
        if o.requires_instant_payment is low_cost and brand in (None, o.fare_brand_name)
    )


def _book(provider: SandboxProvider, offer: Offer, *, hold: bool = True) -> str:
    passengers = booking_passengers(offer.passengers)
    return provider.create_booking(
        offer, passengers, key=new_id("ord"), hold=hold, now=NOW
    ).reference


def test_it_is_a_provider(provider: SandboxProvider) -> None:
    implementation: Provider = provider
    assert implementation.name == "sandbox"


def test_one_way_offers_are_itineraries_times_brands(provider: SandboxProvider) -> None:
    criteria = make_criteria(passengers=offer_passengers(adults=2, children=1), currency="EUR")
    result = provider.search("orq_1", criteria, now=NOW)
    assert result.offers
    for offer in result.offers:
        assert offer.id.startswith("off_") and offer.offer_request_id == "orq_1"
        assert offer.passengers == criteria.passengers
        assert offer.expires_at == NOW + timedelta(minutes=30)
        assert offer.total.currency == "EUR"
        assert offer.airline_fare is not None
        assert offer.airline_fare.currency == airline(offer.owner.iata_code).currency
        for piece in offer.slices:
            assert piece.id.startswith("sli_") and piece.fare_brand_name == offer.fare_brand_name
            for segment in piece.segments:
                assert segment.id.startswith("seg_")
                assert str(segment.departing_at.tzinfo) == segment.origin.time_zone
                assert str(segment.arriving_at.tzinfo) == segment.destination.time_zone
    ba = [o for o in result.offers if o.owner.iata_code == "BA"]
    brands = {tuple(o.fare_brand_name for o in ba if _legs(o) == _legs(first)) for first in ba}
    assert ("Basic", "Standard", "Flex") in brands, "an itinerary with seats to spare sells all"
    assert all(names[-1] == "Flex" for names in brands), "Flex sells to the last seat"
    assert ba[0].airline_fare is not None and ba[0].airline_fare.currency == "GBP"
    assert ba[0].owner.ticket_prefix == "125"


def test_the_brands_of_one_itinerary_share_an_itinerary_id(provider: SandboxProvider) -> None:
    offers = provider.search("orq_1", make_criteria(max_connections=1), now=NOW).offers
    groups: dict[str, list[Offer]] = {}
    for offer in offers:
        groups.setdefault(offer.itinerary_id, []).append(offer)
    assert 1 < len(groups) < len(offers)
    for brands in groups.values():
        assert len({o.fare_brand_name for o in brands}) == len(brands), "one offer per brand"
        assert len({tuple(_legs(o)) for o in brands}) == 1, "the same flights"
    assert len({tuple(_legs(brands[0])) for brands in groups.values()}) == len(groups)
    again = provider.search("orq_2", make_criteria(max_connections=1), now=NOW).offers
    assert [o.itinerary_id for o in again] == [o.itinerary_id for o in offers], "stable ids"


def test_each_slice_says_its_departure_date(provider: SandboxProvider) -> None:
    back = TRAVEL_ON + timedelta(days=7)
    route = (("JFK", "LHR", TRAVEL_ON), ("LHR", "JFK", back))
    offers = provider.search("orq_1", make_criteria(route=route), now=NOW).offers
    assert offers and {o.departure_dates for o in offers} == {(TRAVEL_ON, back)}


def test_money_is_decimal_everywhere(provider: SandboxProvider) -> None:
    result = provider.search("orq_1", make_criteria(max_connections=1), now=NOW)
    for offer in result.offers:
        rules = (offer.conditions.refund_before_departure, offer.conditions.change_before_departure)
        amounts = [offer.base, offer.tax, offer.total] + [r.penalty for r in rules if r.penalty]
        assert all(isinstance(m.amount, Decimal) for m in amounts)
        assert {m.currency for m in amounts} == {offer.base.currency}
        assert offer.base.amount > 0 and offer.tax.amount > 0


def test_provider_reference_has_the_agreed_shape(provider: SandboxProvider) -> None:
    offer = _first_offer(provider, max_connections=1)
    reference = offer.provider_reference
    assert json.loads(json.dumps(reference)) == reference
    assert set(reference) == {"legs", "brand", "seed", "price"} and reference["seed"] == SEED
    assert set(reference["price"]) == {
        "airline_currency",
        "fare",
        "tax_per_seat",
        "currency",
        "rate",
    }
    assert reference["brand"] == offer.fare_brand_name.lower()
    segments = [s for piece in offer.slices for s in piece.segments]
    assert len(reference["legs"]) == len(segments)
    for leg, segment in zip(reference["legs"], segments, strict=True):
        assert set(leg) == {"flight", "departure_on", "cabin", "initially_available"}
        assert (
            leg["flight"]
            == segment.marketing_carrier.iata_code + segment.marketing_carrier_flight_number
        )
        assert leg["departure_on"] == segment.departing_at.date().isoformat()
        assert leg["cabin"] == segment.cabin_class.value
        assert isinstance(leg["initially_available"], int)


def test_prices_follow_passenger_types(provider: SandboxProvider) -> None:
    """Sold in the airline's own currency (BA, GBP), the shares are exact."""
    offers = provider.search("orq_1", make_criteria(currency="GBP"), now=NOW).offers
    adult = next(o for o in offers if o.owner.iata_code == "BA")
    family = provider.search(
        "orq_2",
        make_criteria(passengers=offer_passengers(adults=1, children=1, infants=1), currency="GBP"),
        now=NOW,
    ).offers
    same = next(
        o for o in family if _legs(o) == _legs(adult) and o.fare_brand_name == adult.fare_brand_name
    )
    assert same.base == adult.base + adult.base * Decimal("0.75") + adult.base * Decimal("0.10")
    assert same.tax == adult.tax * 2


def test_searching_twice_gives_the_same_flights_and_prices(provider: SandboxProvider) -> None:
    def summary(offers: list[Offer]) -> list[tuple[object, ...]]:
        return [(tuple(_legs(o)), o.fare_brand_name, o.total) for o in offers]

    first = provider.search("orq_1", make_criteria(max_connections=1), now=NOW).offers
    second = provider.search("orq_2", make_criteria(max_connections=1), now=NOW).offers
    assert summary(first) == summary(second)
    assert {o.id for o in first}.isdisjoint(o.id for o in second)


def test_sold_out_legs_and_small_cabins_are_not_offered(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider)
    inventory.set_available(_legs(offer)[0], 2)
    three = make_criteria(passengers=offer_passengers(adults=3))
    assert all(_legs(o) != _legs(offer) for o in provider.search("orq_1", three, now=NOW).offers)
    two = make_criteria(passengers=offer_passengers(adults=2, infants=1))
    assert any(_legs(o) == _legs(offer) for o in provider.search("orq_1", two, now=NOW).offers)


def test_booking_takes_seats_and_the_last_seats_sell_once(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider, passengers=offer_passengers(adults=2), brand="Flex")
    for key in _legs(offer):
        inventory.set_available(key, 3)
    reference = _book(provider, offer)
    assert len(reference) == 6 and set(reference) <= set(REFERENCE_ALPHABET)
    assert not set(reference) & set("01OI") and set(reference) <= set(
        string.ascii_uppercase + string.digits
    )
    assert inventory.availability(_legs(offer)) == dict.fromkeys(_legs(offer), 1)
    with pytest.raises(OfferNoLongerAvailable):
        _book(provider, offer)
    assert inventory.availability(_legs(offer)) == dict.fromkeys(_legs(offer), 1)


def test_a_new_leg_is_materialised_with_its_initial_availability(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider)
    _book(provider, offer)
    for leg in offer.provider_reference["legs"]:
        key = LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        assert inventory.available[key] == leg["initially_available"] - 1


def test_only_one_of_many_concurrent_bookings_gets_the_last_seat(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider, brand="Flex")
    for key in _legs(offer):
        inventory.set_available(key, 1)

    def attempt(_: int) -> str:
        try:
            return _book(provider, offer)
        except OfferNoLongerAvailable:
            return "sold_out"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("sold_out") == 15
    assert all(seats == 0 for seats in inventory.availability(_legs(offer)).values())


def test_cancelling_gives_the_seats_back_once(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider, passengers=offer_passengers(adults=2, infants=1), brand="Flex")
    before = dict.fromkeys(_legs(offer), 10)
    for key, seats in before.items():
        inventory.set_available(key, seats)
    reference = _book(provider, offer)
    assert inventory.availability(_legs(offer)) == dict.fromkeys(before, 8)
    provider.cancel_booking(reference, now=NOW)
    provider.cancel_booking(reference, now=NOW)
    assert inventory.availability(_legs(offer)) == before
    with pytest.raises(NotFound):
        provider.cancel_booking("ZZZZZZ", now=NOW)


def test_tickets_carry_the_owner_prefix_and_are_stable(provider: SandboxProvider) -> None:
    offer = _first_offer(provider, passengers=offer_passengers(adults=1, infants=1))
    passengers = booking_passengers(offer.passengers)
    reference = provider.create_booking(
        offer, passengers, key=new_id("ord"), hold=False, now=NOW
    ).reference
    tickets = provider.issue_tickets(reference, passengers, now=NOW)
    prefix = offer.owner.ticket_prefix
    assert [t.passenger_id for t in tickets] == [p.id for p in passengers]
    for ticket in tickets:
        head, tail = ticket.number.split("-")
        assert head == prefix and len(tail) == 10 and tail.isdigit()
    assert provider.issue_tickets(reference, passengers, now=NOW + timedelta(minutes=5)) == tickets
    with pytest.raises(NotFound):
        provider.issue_tickets("ZZZZZZ", passengers, now=NOW)


def test_a_cancelled_booking_cannot_be_ticketed(provider: SandboxProvider) -> None:
    offer = _first_offer(provider)
    reference = _book(provider, offer)
    provider.cancel_booking(reference, now=NOW)
    with pytest.raises(InvalidState):
        provider.issue_tickets(reference, booking_passengers(offer.passengers), now=NOW)


def test_low_cost_offers_must_be_paid_at_once(provider: SandboxProvider) -> None:
    offer = _first_offer(provider, low_cost=True, route=(("DUB", "STN", TRAVEL_ON),))
    assert offer.owner.iata_code == "FR" and offer.hold_lifetime is None
    assert offer.airline_fare is not None and offer.airline_fare.currency == "EUR"
    assert offer.total.currency == "USD" and offer.fare_brand_name in {"Basic", "Plus"}
    with pytest.raises(InvalidState):
        _book(provider, offer, hold=True)
    booking = provider.create_booking(
        offer, booking_passengers(offer.passengers), key=new_id("ord"), hold=False, now=NOW
    )
    assert booking.payment_required_by is None


def test_holds_last_the_hold_lifetime_but_never_past_departure(provider: SandboxProvider) -> None:
    offer = _first_offer(provider)
    assert offer.hold_lifetime == timedelta(hours=24)
    booking = provider.create_booking(
        offer, booking_passengers(offer.passengers), key=new_id("ord"), hold=True, now=NOW
    )
    assert booking.payment_required_by == NOW + timedelta(hours=24)
    departure = offer.slices[0].departing_at
    late = departure - timedelta(hours=10)
    short = provider.create_booking(
        offer, booking_passengers(offer.passengers), key=new_id("ord"), hold=True, now=late
    )
    assert short.payment_required_by == departure - timedelta(hours=2)
    with pytest.raises(DepartureTooSoon):  # booking closes two hours before departure
        provider.create_booking(
            offer,
            booking_passengers(offer.passengers),
            key=new_id("ord"),
            hold=True,
            now=departure - timedelta(hours=1),
        )


def test_booking_other_passengers_than_offered_is_refused(provider: SandboxProvider) -> None:
    offer = _first_offer(provider, passengers=offer_passengers(adults=2))
    with pytest.raises(InvalidState):
        provider.create_booking(
            offer, booking_passengers(offer.passengers)[:1], key=new_id("ord"), hold=True, now=NOW
        )


def test_recheck_returns_the_offer_until_a_leg_sells_out(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    offer = _first_offer(provider, max_connections=1)
    assert provider.recheck_offer(offer, now=NOW) == offer
    inventory.set_available(_legs(offer)[-1], 0)
    with pytest.raises(OfferNoLongerAvailable):
        provider.recheck_offer(offer, now=NOW)
    with pytest.raises(OfferExpired):
        provider.recheck_offer(offer, now=offer.expires_at)


def test_an_offer_from_another_seed_is_no_longer_available(provider: SandboxProvider) -> None:
    offer = _first_offer(provider)
    stale = replace(offer, provider_reference={**offer.provider_reference, "seed": SEED + 1})
    with pytest.raises(OfferNoLongerAvailable):
        provider.recheck_offer(stale, now=NOW)


def test_return_trips_combine_one_owner_or_alliance(provider: SandboxProvider) -> None:
    back_on = TRAVEL_ON + timedelta(days=7)
    criteria = make_criteria(
        route=(("JFK", "LHR", TRAVEL_ON), ("LHR", "JFK", back_on)), max_connections=1
    )
    offers = provider.search("orq_1", criteria, now=NOW).offers
    assert offers and all(len(o.slices) == 2 for o in offers)
    for offer in offers:
        assert offer.slices[1].departing_at > offer.slices[0].segments[-1].arriving_at
        carriers = [s.marketing_carrier for piece in offer.slices for s in piece.segments]
        assert all(
            c.iata_code == offer.owner.iata_code or c.alliance == offer.owner.alliance
            for c in carriers
        )
        assert offer.slices[1].segments[0].departing_at.date() == back_on


def test_business_cabin_is_never_sold_by_low_cost(provider: SandboxProvider) -> None:
    criteria = make_criteria(route=(("LON", "BCN", TRAVEL_ON),), cabin_class=CabinClass.BUSINESS)
    offers = provider.search("orq_1", criteria, now=NOW).offers
    assert offers and all(not o.requires_instant_payment for o in offers)
    assert all(
        s.cabin_class is CabinClass.BUSINESS for o in offers for p in o.slices for s in p.segments
    )
    assert {o.fare_brand_name for o in offers} == {"Standard", "Flex"}


def test_cheap_booking_classes_close_as_the_cabin_fills(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    basic = _first_offer(provider, brand="Basic")
    legs = _legs(basic)
    for key in legs:
        inventory.set_available(key, 5)  # a few seats left: well under a quarter of the cabin
    with pytest.raises(OfferNoLongerAvailable, match="Basic fare class"):
        provider.create_booking(
            basic, booking_passengers(basic.passengers), key=new_id("ord"), hold=True, now=NOW
        )
    again = provider.search("orq_3", make_criteria(), now=NOW).offers
    same_flights = [o for o in again if _legs(o) == legs]
    assert same_flights, "the flight is still on sale"
    assert {o.fare_brand_name for o in same_flights} == {"Flex"}


def test_flights_about_to_leave_are_neither_offered_nor_booked(
    inventory: FakeInventory, places: PlaceDirectory, network: Network
) -> None:
    """Booking closes two hours before departure (``min_departure_lead``)."""
    today = make_criteria(route=(("LON", "NYC", NOW.date()),), max_connections=0)
    strict = SandboxProvider(inventory, places, rates=FixedRates(), seed=SEED, network=network)
    lax = SandboxProvider(
        inventory,
        places,
        rates=FixedRates(),
        seed=SEED,
        network=network,
        min_departure_lead=timedelta(0),
    )
    offered = strict.search("orq_1", today, now=NOW).offers
    assert offered
    assert all(o.slices[0].departing_at >= NOW + timedelta(hours=2) for o in offered)
    soon = [
        o
        for o in lax.search("orq_2", today, now=NOW).offers
        if o.slices[0].departing_at < NOW + timedelta(hours=2)
    ]
    assert soon, "without the lead time, flights leaving within two hours are offered"
    with pytest.raises(DepartureTooSoon, match=r"(?i)search again"):
        strict.create_booking(
            soon[0], booking_passengers(soon[0].passengers), key=new_id("ord"), hold=False, now=NOW
        )
    with pytest.raises(DepartureTooSoon):
        strict.recheck_offer(soon[0], now=NOW)


@pytest.mark.parametrize("airlines", [("AA",), ("BA",), ("IB", "AY")])
def test_preferred_airlines_sell_every_flight(
    provider: SandboxProvider, airlines: tuple[str, ...]
) -> None:
    """``preferred_airlines``: only offers whose every flight one of them sells, under
    its own number (as the Duffel provider reads it). The search finds their codeshares
    on partners' flights too, so an offer a partner owns (its number on them) is left out."""
    found = provider.search(
        "orq_1", make_criteria(max_connections=1, preferred_airlines=airlines), now=NOW
    ).offers
    assert found
    assert all(offer.sold_only_by(airlines) for offer in found)


def test_a_preferred_airlines_codeshares_are_offered(provider: SandboxProvider) -> None:
    """American's number on a partner's flight is American's to sell: it stays."""
    found = provider.search(
        "orq_1", make_criteria(max_connections=1, preferred_airlines=("AA",)), now=NOW
    ).offers
    operators = {
        segment.operating_carrier.iata_code
        for offer in found
        for item in offer.slices
        for segment in item.segments
    }
    assert operators - {"AA"}, "a flight American sells but a partner flies"
