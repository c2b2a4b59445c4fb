"""What the site remembers between reruns, kept in ``st.session_state``.

One :class:`Journey` per browser session holds the booking in progress; the
login lives next to it. Pages read and change these objects, never raw keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any

import streamlit as st

from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.models import CalendarDay, FareRules, Offer, OfferRequest, Order, SeatMap


class Step(IntEnum):
    SEARCH = 0
    SELECT = 1
    PASSENGERS = 2
    EXTRAS = 3
    PAY = 4
    CONFIRMATION = 5

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(slots=True)
class Leg:
    origin: str  # IATA code of an airport or a city
    destination: str
    departure_date: date


@dataclass(slots=True)
class Criteria:
    """The search form, as sent."""

    legs: list[Leg]
    adults: int = 1
    children: int = 0
    infants: int = 0
    cabin_class: str = "economy"
    max_connections: int = 1
    currency: str | None = None  # None: the account's, else the server's default
    flexible_days: int = 0  # also search each date ± this many days

    @property
    def requested_dates(self) -> tuple[str, ...]:
        return tuple(leg.departure_date.isoformat() for leg in self.legs)

    def to_api(self) -> dict[str, Any]:
        passengers = (
            [{"type": "adult"}] * self.adults
            + [{"type": "child"}] * self.children
            + [{"type": "infant_without_seat"}] * self.infants
        )
        body: dict[str, Any] = {
            "slices": [
                {
                    "origin": leg.origin,
                    "destination": leg.destination,
                    "departure_date": leg.departure_date.isoformat(),
                }
                for leg in self.legs
            ],
            "passengers": passengers,
            "cabin_class": self.cabin_class,
            "max_connections": self.max_connections,
            "flexible_days": self.flexible_days,
        }
        if self.currency:
            body["currency"] = self.currency
        return body


@dataclass(frozen=True, slots=True)
class SeatChoice:
    service_id: str
    designator: str
    amount: str
    currency: str


# The results' sort, stops, max price, airlines and outbound departure hours.
Filters = tuple[str, int | None, str | None, tuple[str, ...], tuple[int, int]]


@dataclass(slots=True)
class Results:
    """Offers loaded so far (cursor pagination) and the filters that shaped them."""

    offers: list[Offer] = field(default_factory=list)
    next_cursor: str | None = None
    sort: str = "total_amount"
    max_connections: int | None = None
    max_price: str | None = None  # in the search's currency
    airlines: tuple[str, ...] = ()
    departure_hours: tuple[int, int] = (0, 24)
    departure_dates: tuple[str, ...] = ()  # flexible searches: the dates shown
    calendar: list[CalendarDay] | None = None  # flexible searches: cheapest per dates

    def filters(self) -> Filters:
        """The sort and filters, in one value (compared with the controls and the URL)."""
        hours = (self.departure_hours[0], self.departure_hours[1])
        return (self.sort, self.max_connections, self.max_price, tuple(self.airlines), hours)

    def set_filters(self, filters: Filters) -> None:
        (
            self.sort,
            self.max_connections,
            self.max_price,
            self.airlines,
            self.departure_hours,
        ) = filters


@dataclass(slots=True)
class Journey:
    step: Step = Step.SEARCH
    criteria: Criteria | None = None
    offer_request: OfferRequest | None = None
    results: Results = field(default_factory=Results)
    offer: Offer | None = None
    fare_rules: FareRules | None = None
    seat_maps: list[SeatMap] | None = None
    passengers: list[dict[str, Any]] = field(default_factory=list)
    seats: dict[str, SeatChoice] = field(default_factory=dict)  # "segment|passenger" → seat
    bags: dict[str, int] = field(default_factory=dict)  # service id → quantity
    order: Order | None = None
    draft_id: str | None = None  # the API's copy of this booking (signed in only)
    saved_draft: str | None = None  # what was last sent to it, to skip unchanged saves

    def choose_offer(self, offer: Offer | None) -> None:
        self.offer = offer
        self.fare_rules = None
        self.seat_maps = None
        self.seats = {}
        self.bags = {}
        self.order = None

    def furthest_step(self) -> Step:
        """The last step the traveller may jump back to."""
        if self.order is not None:
            return Step.CONFIRMATION
        if self.passengers and self.offer is not None:
            return Step.PAY
        if self.offer is not None:
            return Step.PASSENGERS
        if self.offer_request is not None:
            return Step.SELECT
        return Step.SEARCH


def journey() -> Journey:
    if "journey" not in st.session_state:
        st.session_state["journey"] = Journey()
    value: Journey = st.session_state["journey"]
    return value


def new_journey() -> Journey:
    st.session_state["journey"] = Journey()
    return journey()


def login() -> LoggedIn | None:
    value: LoggedIn | None = st.session_state.get("login")
    return value


def set_login(value: LoggedIn | None) -> None:
    st.session_state["login"] = value


def client() -> ApiClient:
    """A client that sends the traveller's bearer token, when signed in."""
    current = login()
    return ApiClient(token=current.token if current else None)


def view() -> str:
    value: str = st.session_state.get("view", "book")
    return value


def go_to(page: str) -> None:
    st.session_state["view"] = page
