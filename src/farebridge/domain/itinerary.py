"""Flights as a traveller sees them: segments grouped into slices.

Segment times are timezone-aware datetimes in the airport's own zone; the API
shows them as airport-local wall time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from farebridge.domain.places import Airport, great_circle_km


class CabinClass(StrEnum):
    ECONOMY = "economy"
    PREMIUM_ECONOMY = "premium_economy"
    BUSINESS = "business"
    FIRST = "first"


@dataclass(frozen=True, slots=True)
class Carrier:
    iata_code: str
    name: str
    ticket_prefix: str = ""
    alliance: str | None = None


@dataclass(frozen=True, slots=True)
class Aircraft:
    iata_code: str
    name: str


@dataclass(frozen=True, slots=True)
class Baggage:
    type: str  # "checked" | "carry_on"
    quantity: int


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    origin: Airport
    destination: Airport
    departing_at: datetime
    arriving_at: datetime
    marketing_carrier: Carrier
    operating_carrier: Carrier
    marketing_carrier_flight_number: str
    aircraft: Aircraft
    cabin_class: CabinClass
    booking_class: str
    fare_basis_code: str
    baggages: tuple[Baggage, ...] = ()
    cancelled: bool = False  # the airline cancelled this flight (a schedule change)

    @property
    def duration(self) -> timedelta:
        return self.arriving_at - self.departing_at


@dataclass(frozen=True, slots=True)
class Slice:
    id: str
    segments: tuple[Segment, ...]
    fare_brand_name: str = ""

    @property
    def origin(self) -> Airport:
        return self.segments[0].origin

    @property
    def destination(self) -> Airport:
        return self.segments[-1].destination

    @property
    def departing_at(self) -> datetime:
        return self.segments[0].departing_at

    @property
    def duration(self) -> timedelta:
        return self.segments[-1].arriving_at - self.segments[0].departing_at

    @property
    def connections(self) -> int:
        return len(self.segments) - 1


def is_international(slices: Sequence[Slice]) -> bool:
    """Whether the flights touch more than one country (by their airports' countries)."""
    countries = {
        airport.country_code
        for item in slices
        for segment in item.segments
        for airport in (segment.origin, segment.destination)
    }
    return len(countries) > 1


def trip_ends_on(slices: Sequence[Slice]) -> date:
    """The local date on which the last flight lands."""
    return slices[-1].segments[-1].arriving_at.date()


def iso_duration(value: timedelta) -> str:
    """ISO 8601 duration in the seed's long form, e.g. ``P0Y0M0DT7H5M0S``."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return f"P0Y0M{days}DT{hours}H{mins}M0S"


# kg of CO2 per passenger-km by cabin: a coarse estimate of the kind airlines publish
# (economy about 0.09; premium cabins take more floor space per seat).
EMISSIONS_PER_KM = {
    CabinClass.ECONOMY: 0.09,
    CabinClass.PREMIUM_ECONOMY: 0.14,
    CabinClass.BUSINESS: 0.26,
    CabinClass.FIRST: 0.36,
}


def emissions_kg(slices: Sequence[Slice], passengers: int) -> float:
    """The estimated CO2 of flying ``passengers`` seated travellers over ``slices``."""
    per_passenger = sum(
        great_circle_km(s.origin, s.destination) * EMISSIONS_PER_KM[s.cabin_class]
        for item in slices
        for s in item.segments
    )
    return per_passenger * max(passengers, 1)
