"""The Duffel provider against a fake Duffel (``httpx.MockTransport``): search, recheck,
seats, hold and instant orders, ticketing, reconciliation, cancellation, changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from farebridge.domain.errors import (
    InvalidState,
    OfferNoLongerAvailable,
    OfferPriceChanged,
    UpstreamTimeout,
    UpstreamUnavailable,
    ValidationFailed,
)
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer
from farebridge.providers.base import IssuedTicket
from farebridge.providers.duffel.provider import DuffelProvider
from tests.factories import create_passenger
from tests.fake_duffel.rig import NOW, OUR_PASSENGER, Rig, criteria, make_rig
from tests.fake_duffel.server import (
    DUFFEL_PASSENGER,
    HOLDABLE,
    INSTANT_ONLY,
    envelope,
    timeout,
)

PASSENGERS = [create_passenger(id=OUR_PASSENGER)]


@pytest.fixture
def rig() -> Rig:
    return make_rig()


def _offers(provider: DuffelProvider) -> dict[str, Offer]:
    result = provider.search("orq_01OURREQUEST", criteria(), now=NOW)
    return {offer.provider_reference["offer_id"]: offer for offer in result.offers}


def _public_text(offer: Offer) -> str:
    return repr(dataclasses.replace(offer, provider_reference={}))


def test_search_maps_every_page_sanitised_and_in_the_selling_currency(rig: Rig) -> None:
    offers = _offers(rig.provider)

    assert set(offers) == {HOLDABLE, INSTANT_ONLY}  # two pages of one offer each
    assert [c.params.get("after") for c in rig.fake.calls if c.path == "/air/offers"] == [
        None,
        "1",
    ]
    created = rig.fake.posts("/air/offer_requests")[0]
    assert created.params["return_offers"] == "false"
    assert created.body["data"]["passengers"] == [{"type": "adult"}]
    assert created.headers["duffel-version"] == "v2"
    assert created.headers["authorization"] == "Bearer duffel_test_token"
    held = offers[HOLDABLE]
    assert "Duffel" not in _public_text(held) and "arl_" not in _public_text(held)
    assert held.id.startswith("off_") and held.offer_request_id == "orq_01OURREQUEST"
    assert held.passengers[0].id == OUR_PASSENGER
    assert held.total == Money(Decimal("525.63"), "USD")  # 420.50 GBP at 1.25
    assert held.airline_fare == Money(Decimal("420.50"), "GBP")
    assert held.provider_reference["amount"] == "420.50"
    assert held.provider_reference["currency"] == "GBP"
    assert held.provider_reference["passengers"] == {OUR_PASSENGER: DUFFEL_PASSENGER}
    assert held.is_priced_in("USD") and held.provider == "duffel"
    assert held.conditions.refund_before_departure.penalty == Money(Decimal("62.50"), "USD")
    segment = held.slices[0].segments[0]
    assert (segment.marketing_carrier.iata_code, segment.operating_carrier.iata_code) == (
        "BA",
        "AA",
    )
    assert segment.aircraft.iata_code == "77W" and segment.fare_basis_code == "OLOWUS"
    assert segment.departing_at.isoformat() == "2027-06-15T18:30:00-04:00"
    assert not held.requires_instant_payment
    assert held.payment_required_by == datetime(2029, 12, 31, tzinfo=UTC)  # the guarantee
    assert offers[INSTANT_ONLY].requires_instant_payment
    assert offers[INSTANT_ONLY].payment_required_by is None


def test_a_search_converts_into_any_selling_currency(rig: Rig) -> None:
    result = rig.provider.search("orq_01OURREQUEST", criteria("EUR"), now=NOW)
    assert {offer.total.currency for offer in result.offers} == {"EUR"}


@pytest.mark.parametrize("how", ["422", "404"])
def test_recheck_of_a_gone_offer_says_so(rig: Rig, how: str) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    if how == "422":
        rig.fake.gone.add(HOLDABLE)
    else:
        del rig.fake.offers[HOLDABLE]
    with pytest.raises(OfferNoLongerAvailable):
        rig.provider.recheck_offer(offer, now=NOW)


def test_recheck_returns_the_repriced_offer_with_its_bags(rig: Rig) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    rig.fake.reprice(HOLDABLE, "450.50")

    checked = rig.provider.recheck_offer(offer, now=NOW)

    assert checked.id == offer.id
    assert checked.total == Money(Decimal("563.13"), "USD")
    assert checked.provider_reference["amount"] == "450.50"
    [bag] = checked.available_services
    assert bag.unit_price == Money(Decimal("50.00"), "USD")
    assert bag.passenger_id == OUR_PASSENGER and bag.slice_id == checked.slices[0].id
    assert "Duffel" not in bag.id


def test_seat_maps_use_our_ids_and_prices(rig: Rig) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    [seat_map] = rig.provider.seat_maps(offer, now=NOW)
    assert seat_map.segment_id == offer.slices[0].segments[0].id
    seats = {
        e.designator: e
        for row in seat_map.cabins[0].rows
        for section in row.sections
        for e in section
        if e.designator
    }
    [service] = seats["28A"].available_services
    assert service.total == Money(Decimal("18.75"), "USD")
    assert service.passenger_id == OUR_PASSENGER and "Duffel" not in service.id
    assert seats["28B"].available_services == () and seats["28C"].type == "seat"


def _held(rig: Rig, *, key: str = "ord_01HOLD", with_bag: bool = True) -> Offer:
    offer = rig.provider.recheck_offer(_offers(rig.provider)[HOLDABLE], now=NOW)
    services = (
        rig.provider.price_services(offer, [(offer.available_services[0].id, 1)])
        if with_bag
        else []
    )
    booking = rig.provider.create_booking(
        offer, PASSENGERS, key=key, hold=True, now=NOW, services=services
    )
    assert booking.reference == "RZPN01" and booking.payment_required_by is not None
    return offer


def test_a_hold_is_paid_its_exact_amount_when_ticketed(rig: Rig) -> None:
    _held(rig)
    [created] = rig.fake.posts("/air/orders")
    assert created.body["data"]["type"] == "hold" and "payments" not in created.body["data"]
    assert created.body["data"]["services"] == [{"id": "ase_0000AqRrDuffelBag01", "quantity": 1}]
    assert created.body["data"]["metadata"] == {"farebridge_order_id": "ord_01HOLD"}
    assert created.body["data"]["passengers"][0]["id"] == DUFFEL_PASSENGER

    tickets = rig.provider.issue_tickets("RZPN01", PASSENGERS, now=NOW)
    again = rig.provider.issue_tickets("RZPN01", PASSENGERS, now=NOW)

    assert tickets == again == [IssuedTicket(OUR_PASSENGER, "125-2212312455")]
    [payment] = rig.fake.posts("/air/payments")  # paid once
    assert payment.body["data"]["payment"] == {
        "type": "balance",
        "amount": "460.50",  # the offer's 420.50 and one 40.00 bag
        "currency": "GBP",
    }


def test_an_offer_that_cannot_be_held_is_an_instant_order_paid_from_the_balance(
    rig: Rig,
) -> None:
    offer = _offers(rig.provider)[INSTANT_ONLY]
    booking = rig.provider.create_booking(offer, PASSENGERS, key="ord_01INST", hold=False, now=NOW)
    assert booking.payment_required_by is None
    [created] = rig.fake.posts("/air/orders")
    assert created.body["data"]["type"] == "instant"
    assert created.body["data"]["payments"] == [
        {"type": "balance", "amount": "580.00", "currency": "GBP"}
    ]
    tickets = rig.provider.issue_tickets(booking.reference, PASSENGERS, now=NOW)
    assert tickets == [IssuedTicket(OUR_PASSENGER, "125-2212312455")]
    assert rig.fake.posts("/air/payments") == []


def test_an_instant_order_of_a_holdable_offer_is_held_first(rig: Rig) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    booking = rig.provider.create_booking(offer, PASSENGERS, key="ord_01HF", hold=False, now=NOW)
    assert booking.payment_required_by is None  # our order is paid at once
    assert rig.fake.posts("/air/orders")[0].body["data"]["type"] == "hold"
    rig.provider.issue_tickets(booking.reference, PASSENGERS, now=NOW)
    assert rig.fake.posts("/air/payments")[0].body["data"]["payment"]["amount"] == "420.50"


def test_a_chosen_seat_is_booked_with_duffels_service(rig: Rig) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    [seat_map] = rig.provider.seat_maps(offer, now=NOW)
    seat_id = seat_map.cabins[0].rows[0].sections[0][0].available_services[0].id
    [seat] = rig.provider.price_services(offer, [(seat_id, 1)])
    assert (seat.type, seat.designator, seat.total.amount) == ("seat", "28A", Decimal("18.75"))
    with pytest.raises(ValidationFailed) as unknown:
        rig.provider.price_services(offer, [("ase_nope", 1)])
    assert unknown.value.field == "services[0]"
    rig.provider.create_booking(
        offer, PASSENGERS, key="ord_01SEAT", hold=False, now=NOW, services=[seat]
    )
    sent = rig.fake.posts("/air/orders")[0].body["data"]["services"]
    assert sent == [{"id": "ase_0000AqRrDuffelSeat28A", "quantity": 1}]


def test_a_price_change_at_booking_is_offer_price_changed(rig: Rig) -> None:
    offer = _offers(rig.provider)[INSTANT_ONLY]
    rig.fake.reprice(INSTANT_ONLY, "600.00")
    rig.fake.fail_next("POST", "/air/orders", envelope("error_price_changed.json", 422))
    with pytest.raises(OfferPriceChanged) as changed:
        rig.provider.create_booking(offer, PASSENGERS, key="ord_01PC", hold=False, now=NOW)
    assert changed.value.repriced.total == Money(Decimal("750.00"), "USD")
    assert changed.value.repriced.id == offer.id


@pytest.mark.parametrize(
    "reply",
    [timeout, httpx.Response(502, json={"errors": [{"type": "airline_error"}]})],
    ids=["timeout", "502"],
)
def test_an_order_creation_is_never_retried(rig: Rig, reply: object) -> None:
    offer = _offers(rig.provider)[INSTANT_ONLY]
    rig.fake.fail_next("POST", "/air/orders", reply)  # type: ignore[arg-type]
    with pytest.raises(UpstreamTimeout):
        rig.provider.create_booking(offer, PASSENGERS, key="ord_01TO", hold=False, now=NOW)
    assert len(rig.fake.posts("/air/orders")) == 1
    assert rig.sleeps == []


def test_a_failed_payment_is_never_retried(rig: Rig) -> None:
    _held(rig, with_bag=False)
    rig.fake.fail_next("POST", "/air/payments", httpx.Response(503, json={}))
    with pytest.raises(UpstreamTimeout):
        rig.provider.issue_tickets("RZPN01", PASSENGERS, now=NOW)
    assert len(rig.fake.posts("/air/payments")) == 1


def test_find_booking_after_an_unknown_outcome_finds_what_duffel_did(rig: Rig) -> None:
    offer = _offers(rig.provider)[INSTANT_ONLY]
    rig.fake.booking_on_timeout = True  # Duffel booked, then the answer was lost
    rig.fake.fail_next("POST", "/air/orders", timeout)
    with pytest.raises(UpstreamTimeout):
        rig.provider.create_booking(offer, PASSENGERS, key="ord_01LOST", hold=False, now=NOW)

    found = rig.provider.find_booking("ord_01LOST")

    assert found is not None and found.reference == "RZPN01" and found.active
    lookup = [c for c in rig.fake.calls if c.method == "GET" and c.path == "/air/orders"]
    assert lookup[0].params["offer_id"] == INSTANT_ONLY
    again = rig.provider.create_booking(offer, PASSENGERS, key="ord_01LOST", hold=False, now=NOW)
    assert again.reference == "RZPN01" and len(rig.fake.posts("/air/orders")) == 1


def test_find_booking_is_none_when_duffel_made_nothing(rig: Rig) -> None:
    offer = _offers(rig.provider)[INSTANT_ONLY]
    rig.fake.fail_next("POST", "/air/orders", timeout)
    with pytest.raises(UpstreamTimeout):
        rig.provider.create_booking(offer, PASSENGERS, key="ord_01NONE", hold=False, now=NOW)
    assert rig.provider.find_booking("ord_01NONE") is None
    assert rig.provider.find_booking("ord_never_sent") is None


def test_cancelling_quotes_then_confirms_and_twice_is_a_no_op(rig: Rig) -> None:
    _held(rig, with_bag=False)
    rig.provider.cancel_booking("RZPN01", now=NOW)
    rig.provider.cancel_booking("RZPN01", now=NOW)
    posts = [c.path for c in rig.fake.calls if c.method == "POST" and "cancellation" in c.path]
    assert posts == [
        "/air/order_cancellations",
        "/air/order_cancellations/ore_for_ord_0000AqRrDuffelOrder01/actions/confirm",
    ]
    assert rig.fake.orders["ord_0000AqRrDuffelOrder01"]["cancelled_at"]
    assert rig.provider.find_booking("ord_01HOLD") is not None
    assert not rig.provider.find_booking("ord_01HOLD").active  # type: ignore[union-attr]


def test_cancelling_what_duffel_already_cancelled_is_a_no_op(rig: Rig) -> None:
    _held(rig, with_bag=False)
    rig.fake.fail_next(
        "POST", "/air/order_cancellations", envelope("error_already_cancelled.json", 422)
    )
    rig.provider.cancel_booking("RZPN01", now=NOW)
    assert not [c for c in rig.fake.calls if c.path.endswith("/confirm")]


def test_a_retimed_flight_is_a_booking_change(rig: Rig) -> None:
    _held(rig, with_bag=False)
    assert rig.provider.booking_changes("RZPN01", now=NOW) == []
    order = rig.fake.orders["ord_0000AqRrDuffelOrder01"]
    moved = {"segments": [{**order["slices"][0]["segments"][0]}]}
    moved["segments"][0]["departing_at"] = "2027-06-15T20:00:00"
    order["airline_initiated_changes"] = [
        {"id": "aic_0000Duffel", "removed": [order["slices"][0]], "added": [moved]}
    ]

    [change] = rig.provider.booking_changes("RZPN01", now=NOW)

    assert (change.flight, change.minutes, change.kind) == ("BA112", 90, "schedule_change")
    assert change.departure_on.isoformat() == "2027-06-15"
    assert rig.provider.booking_changes("RZPN01", now=NOW)[0].id == change.id  # stable
    assert "Duffel" not in change.id


def test_tickets_issued_a_moment_after_payment_are_waited_for() -> None:
    polls: list[float] = []
    rig = make_rig(on_poll=polls.append)
    offer = _offers(rig.provider)[INSTANT_ONLY]
    booking = rig.provider.create_booking(offer, PASSENGERS, key="ord_01LATE", hold=False, now=NOW)
    order = rig.fake.orders["ord_0000AqRrDuffelOrder01"]
    issued, order["documents"] = order["documents"], []

    def issue_later(seconds: float) -> None:
        polls.append(seconds)
        order["documents"] = issued

    rig.provider._sleep = issue_later
    assert rig.provider.issue_tickets(booking.reference, PASSENGERS, now=NOW)
    assert polls == [0.5]
    order["documents"] = []
    rig.provider._sleep = polls.append
    with pytest.raises(UpstreamUnavailable):
        rig.provider.issue_tickets(booking.reference, PASSENGERS, now=NOW)
    assert len(polls) == 1 + 20  # ten seconds, every half second


def test_a_hold_is_not_paid_more_than_was_agreed(rig: Rig) -> None:
    _held(rig, with_bag=False)
    rig.fake.orders["ord_0000AqRrDuffelOrder01"]["total_amount"] = "450.00"
    with pytest.raises(InvalidState) as refused:
        rig.provider.issue_tickets("RZPN01", PASSENGERS, now=NOW)
    assert refused.value.code == "provider_price_changed"
    assert rig.fake.posts("/air/payments") == []


def test_fare_rules_come_from_the_conditions(rig: Rig) -> None:
    offer = _offers(rig.provider)[HOLDABLE]
    rules = rig.provider.fare_rules(offer, now=NOW)
    assert rules.offer_id == offer.id and rules.fare_basis_codes == ("OLOWUS",)
    assert [s.text for s in rules.sections] == [
        "Permitted before departure; penalty 62.50 USD.",
        "Not permitted before departure.",
    ]


def test_a_change_described_by_another_farebridge_is_a_booking_change(rig: Rig) -> None:
    _held(rig, with_bag=False)
    rig.fake.orders["ord_0000AqRrDuffelOrder01"]["airline_initiated_changes"] = [
        {
            "id": "aic_RZPN01-BA112-2027-06-15-retime",
            "added": [],
            "removed": [],
            "flight": "BA112",
            "departure_on": "2027-06-15",
            "minutes": 95,
            "message": "Flight BA112 on 2027-06-15 now departs 95 minutes later.",
        }
    ]
    [change] = rig.provider.booking_changes("RZPN01", now=NOW)
    assert (change.flight, change.minutes) == ("BA112", 95)
    assert change.departure_on.isoformat() == "2027-06-15" and "aic" not in change.id
