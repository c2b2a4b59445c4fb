"""The sandbox's ``change_booking``: a new booking that carries the kept flights over
and takes them from the old booking only when that one is released (ADR 0012)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from farebridge.domain.errors import InvalidState, NotFound, OfferNoLongerAvailable
from farebridge.domain.offer import Offer
from farebridge.providers.sandbox.booking.inventory import LegKey
from farebridge.providers.sandbox.provider import SandboxProvider
from tests.unit.sandbox.conftest import (
    NOW,
    TRAVEL_ON,
    FakeInventory,
    booking_passengers,
    make_criteria,
)

BACK_ON = TRAVEL_ON + timedelta(days=7)


def legs(offer: Offer) -> list[LegKey]:
    return [
        LegKey(leg["flight"], date.fromisoformat(leg["departure_on"]), leg["cabin"])
        for leg in offer.provider_reference["legs"]
    ]


def flex(provider: SandboxProvider, route: tuple[tuple[str, str, date], ...]) -> Offer:
    offers = provider.search("orq_1", make_criteria(route=route), now=NOW).offers
    return next(o for o in offers if o.fare_brand_name == "Flex")


def booked_return(provider: SandboxProvider, inventory: FakeInventory) -> tuple[Offer, str, Offer]:
    """A booked JFK-LHR return, and a Flex offer for an outbound two days later."""
    trip = flex(provider, (("JFK", "LHR", TRAVEL_ON), ("LHR", "JFK", BACK_ON)))
    later = flex(provider, (("JFK", "LHR", TRAVEL_ON + timedelta(days=2)),))
    for key in [*legs(trip), *legs(later)]:
        inventory.set_available(key, 5)
    passengers = booking_passengers(trip.passengers)
    reference = provider.create_booking(
        trip, passengers, key="ord_1", hold=False, now=NOW
    ).reference
    return trip, reference, later


def change(provider: SandboxProvider, trip: Offer, reference: str, later: Offer) -> str:
    return provider.change_booking(
        reference,
        later,
        booking_passengers(trip.passengers),
        key="oce_1",
        slices=trip.slices,
        remove_slice_ids=[trip.slices[0].id],
        change_total=later.total,
        now=NOW,
    ).reference


def test_confirmed_change_hands_the_kept_flight_over_and_frees_the_removed_one(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    trip, reference, later = booked_return(provider, inventory)
    out, back = legs(trip)[: len(trip.slices[0].segments)], legs(trip)[-1]
    new = change(provider, trip, reference, later)
    assert change(provider, trip, reference, later) == new, "idempotent on the change id"
    assert provider.commit_change("oce_1", now=NOW).reference == new, "committing takes nothing"
    # Both held for now; the kept flight is not taken twice.
    assert all(inventory.available[key] == 4 for key in [*out, back, *legs(later)])
    provider.cancel_booking(reference, now=NOW)  # the old booking's release
    assert all(inventory.available[key] == 5 for key in out), "removed flight freed"
    assert inventory.available[back] == 4, "kept flight now held by the new booking"
    assert all(inventory.available[key] == 4 for key in legs(later))
    stored = inventory.get_booking(new)
    assert stored is not None and [leg.key for leg in stored.legs] == [*legs(later), back]
    provider.cancel_booking(new, now=NOW)  # the changed order cancelled later
    assert all(inventory.available[key] == 5 for key in [*out, back, *legs(later)])


def test_an_undone_change_releases_only_what_it_took(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    trip, reference, later = booked_return(provider, inventory)
    new = change(provider, trip, reference, later)
    provider.cancel_booking(new, now=NOW)  # the change failed: its booking released
    assert all(inventory.available[key] == 4 for key in legs(trip)), "the order keeps its seats"
    assert all(inventory.available[key] == 5 for key in legs(later))
    provider.cancel_booking(reference, now=NOW)
    assert all(inventory.available[key] == 5 for key in legs(trip))


def test_a_sold_out_new_flight_changes_nothing(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    trip, reference, later = booked_return(provider, inventory)
    for key in legs(later):
        inventory.set_available(key, 0)
    with pytest.raises(OfferNoLongerAvailable):
        change(provider, trip, reference, later)
    assert provider.find_booking("oce_1") is None
    with pytest.raises(NotFound):
        provider.commit_change("oce_1", now=NOW)
    assert all(inventory.available[key] == 4 for key in legs(trip))


def test_a_cancelled_booking_cannot_be_changed(
    provider: SandboxProvider, inventory: FakeInventory
) -> None:
    trip, reference, later = booked_return(provider, inventory)
    provider.cancel_booking(reference, now=NOW)
    with pytest.raises(InvalidState):
        change(provider, trip, reference, later)
