"""Fixtures for the sandbox GDS: one network per session and an in-memory inventory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from farebridge.domain.errors import SeatUnavailable
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.order import Passenger
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.places_data import load_places
from farebridge.providers.sandbox.booking.inventory import LegKey, LegReservation, SandboxBooking
from farebridge.providers.sandbox.provider import SandboxProvider
from farebridge.providers.sandbox.world.airlines import Airline, airline_directory
from farebridge.providers.sandbox.world.network import Network, build_network
from tests.factories import FixedRates

SEED = 7
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TRAVEL_ON = date(2026, 12, 15)  # a Tuesday, 24 days after NOW


def airline(code: str) -> Airline:
    """A sandbox airline by code (the directory of the real airports)."""
    return airline_directory(load_places())[code]


class FakeInventory:
    """``SandboxInventory`` in memory, with the SQL version's guarantees (one lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.available: dict[LegKey, int] = {}
        self.bookings: dict[str, SandboxBooking] = {}
        self.tickets: dict[str, list[tuple[str, str]]] = {}
        self.reserve_calls = 0

    def set_available(self, key: LegKey, seats: int) -> None:
        with self._lock:
            self.available[key] = seats

    def availability(self, keys: Sequence[LegKey]) -> dict[LegKey, int]:
        with self._lock:
            return {key: self.available[key] for key in keys if key in self.available}

    def reserve(self, booking: SandboxBooking) -> SandboxBooking | None:
        with self._lock:
            self.reserve_calls += 1
            if booking.reference in self.bookings:
                raise ValueError(f"duplicate booking reference {booking.reference}")
            made = [b for b in self.bookings.values() if booking.key and b.key == booking.key]
            if made:
                return made[0]
            for leg in booking.legs:
                if self.available.get(leg.key, leg.initially_available) < leg.seats:
                    return None
            held = {(h.key, h.designator) for b in self.live_bookings() for h in b.seats}
            if any((h.key, h.designator) in held for h in booking.seats):
                raise SeatUnavailable("seat held already", field="services")
            for leg in booking.legs:
                current = self.available.get(leg.key, leg.initially_available)
                self.available[leg.key] = current - leg.seats
            self.bookings[booking.reference] = booking
            return booking

    def find_by_key(self, key: str) -> SandboxBooking | None:
        with self._lock:
            return next((b for b in self.bookings.values() if b.key == key), None)

    def release(self, reference: str, *, now: datetime) -> bool:
        with self._lock:
            booking = self.bookings.get(reference)
            if booking is None or booking.status == "cancelled":
                return False
            released = self._hand_over(booking)
            for leg in sorted(released, key=lambda leg: leg.key.flight):
                self.available[leg.key] += leg.seats
            self.bookings[reference] = replace(booking, status="cancelled")
            return True

    def _hand_over(self, booking: SandboxBooking) -> list[LegReservation]:
        """The legs a live successor carries over (0 seats) get this booking's seats."""
        successor = next((b for b in self.live_bookings() if b.replaces == booking.reference), None)
        if successor is None:
            return list(booking.legs)
        mine = {leg.key: leg for leg in booking.legs}
        handed = {leg.key for leg in successor.legs if leg.seats == 0 and leg.key in mine}
        legs = tuple(
            replace(leg, seats=mine[leg.key].seats) if leg.key in handed else leg
            for leg in successor.legs
        )
        moved = tuple(hold for hold in booking.seats if hold.key in handed)
        self.bookings[successor.reference] = replace(
            successor, legs=legs, seats=(*successor.seats, *moved)
        )
        return [leg for leg in booking.legs if leg.key not in handed]

    def live_bookings(self) -> list[SandboxBooking]:
        return [b for b in self.bookings.values() if b.status != "cancelled"]

    def chosen_seats(self, keys: Sequence[LegKey]) -> dict[LegKey, frozenset[str]]:
        with self._lock:
            holds = [h for b in self.live_bookings() for h in b.seats]
            return {k: frozenset(h.designator for h in holds if h.key == k) for k in keys}

    def get_booking(self, reference: str) -> SandboxBooking | None:
        with self._lock:
            return self.bookings.get(reference)

    def issue_tickets(
        self, reference: str, numbers: Sequence[tuple[str, str]], *, now: datetime
    ) -> list[tuple[str, str]]:
        with self._lock:
            if reference not in self.tickets:
                self.tickets[reference] = list(numbers)
                self.bookings[reference] = replace(self.bookings[reference], status="ticketed")
            return list(self.tickets[reference])


def offer_passengers(
    *, adults: int = 1, children: int = 0, infants: int = 0
) -> tuple[OfferPassenger, ...]:
    kinds = (
        [PassengerType.ADULT] * adults
        + [PassengerType.CHILD] * children
        + [PassengerType.INFANT_WITHOUT_SEAT] * infants
    )
    return tuple(OfferPassenger(f"pas_{index}", kind) for index, kind in enumerate(kinds))


def make_criteria(
    *,
    route: Sequence[tuple[str, str, date]] = (("JFK", "LHR", TRAVEL_ON),),
    passengers: tuple[OfferPassenger, ...] | None = None,
    cabin_class: CabinClass = CabinClass.ECONOMY,
    max_connections: int = 0,
    preferred_airlines: tuple[str, ...] = (),
    currency: str = "USD",
) -> SearchCriteria:
    return SearchCriteria(
        slices=tuple(SliceRequest(origin, destination, day) for origin, destination, day in route),
        passengers=passengers if passengers is not None else offer_passengers(),
        cabin_class=cabin_class,
        max_connections=max_connections,
        preferred_airlines=preferred_airlines,
        currency=currency,
    )


def booking_passengers(offered: Sequence[OfferPassenger]) -> list[Passenger]:
    born = {
        PassengerType.ADULT: date(1980, 5, 17),
        PassengerType.CHILD: date(2018, 3, 2),
        PassengerType.INFANT_WITHOUT_SEAT: date(2026, 2, 1),
    }
    return [
        Passenger(p.id, p.type, "mx", "Alex", f"Traveller{index}", born[p.type], "x")
        for index, p in enumerate(offered)
    ]


@pytest.fixture(scope="session")
def places() -> PlaceDirectory:
    return load_places()


@pytest.fixture(scope="session")
def network(places: PlaceDirectory) -> Network:
    return build_network(places, seed=SEED)


@pytest.fixture
def inventory() -> FakeInventory:
    return FakeInventory()


@pytest.fixture
def provider(inventory: FakeInventory, places: PlaceDirectory, network: Network) -> SandboxProvider:
    return SandboxProvider(inventory, places, rates=FixedRates(), seed=SEED, network=network)
