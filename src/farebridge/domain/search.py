"""What a traveller asks for: slices, passengers, cabin, connections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import CabinClass

MAX_PASSENGERS = 9
MAX_SLICES = 6
ADULT_AGE = 18
CHILD_MIN_AGE = 2


class PassengerType(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    INFANT_WITHOUT_SEAT = "infant_without_seat"

    @classmethod
    def for_age(cls, age: int) -> PassengerType:
        if age >= ADULT_AGE:
            return cls.ADULT
        if age >= CHILD_MIN_AGE:
            return cls.CHILD
        return cls.INFANT_WITHOUT_SEAT

    @property
    def occupies_seat(self) -> bool:
        return self is not PassengerType.INFANT_WITHOUT_SEAT


@dataclass(frozen=True, slots=True)
class OfferPassenger:
    id: str
    type: PassengerType
    age: int | None = None


@dataclass(frozen=True, slots=True)
class TimeWindow:
    start: time = time(0, 0)
    end: time = time(23, 59)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment.time().replace(second=0, microsecond=0) <= self.end


@dataclass(frozen=True, slots=True)
class SliceRequest:
    origin: str  # airport or city IATA code
    destination: str
    departure_date: date
    departure_time: TimeWindow | None = None
    arrival_time: TimeWindow | None = None


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    slices: tuple[SliceRequest, ...]
    passengers: tuple[OfferPassenger, ...]
    cabin_class: CabinClass = CabinClass.ECONOMY
    max_connections: int = 1
    preferred_airlines: tuple[str, ...] = ()
    # The selling currency: every offer of the search is priced in it (chosen by
    # services.search: the request's, else the account's, else the operator's default).
    currency: str = "USD"

    @property
    def seated_passengers(self) -> int:
        return sum(1 for p in self.passengers if p.type.occupies_seat)


def validate_criteria(criteria: SearchCriteria, *, today: date, last_bookable_on: date) -> None:
    """Check what a schema cannot: dates against the clock, passenger mix, places."""
    if not criteria.slices:
        raise ValidationFailed("At least one slice is required.", field="slices", code="required")
    if len(criteria.slices) > MAX_SLICES:
        raise ValidationFailed(
            f"At most {MAX_SLICES} slices.", field="slices", code="too_many_slices"
        )
    previous: date | None = None
    for index, slice_request in enumerate(criteria.slices):
        where = f"slices[{index}]"
        if slice_request.origin == slice_request.destination:
            raise ValidationFailed(
                "Origin and destination must differ.",
                field=f"{where}.destination",
                code="same_origin_destination",
            )
        day = slice_request.departure_date
        if day < today:
            raise ValidationFailed(
                f"Departure date {day.isoformat()} is in the past.",
                field=f"{where}.departure_date",
                code="past_date",
            )
        if day > last_bookable_on:
            raise ValidationFailed(
                f"Departure date {day.isoformat()} is beyond the bookable horizon "
                f"({last_bookable_on.isoformat()}).",
                field=f"{where}.departure_date",
                code="date_too_far",
            )
        if previous is not None and day < previous:
            raise ValidationFailed(
                "Slices must be in chronological order.",
                field=f"{where}.departure_date",
                code="slices_out_of_order",
            )
        previous = day
    _validate_passengers(criteria.passengers)
    if not 0 <= criteria.max_connections <= 2:
        raise ValidationFailed(
            "max_connections must be 0, 1 or 2.", field="max_connections", code="out_of_range"
        )


def _validate_passengers(passengers: tuple[OfferPassenger, ...]) -> None:
    if not passengers:
        raise ValidationFailed(
            "At least one passenger is required.", field="passengers", code="required"
        )
    if len(passengers) > MAX_PASSENGERS:
        raise ValidationFailed(
            f"At most {MAX_PASSENGERS} passengers.", field="passengers", code="too_many_passengers"
        )
    adults = sum(1 for p in passengers if p.type is PassengerType.ADULT)
    infants = sum(1 for p in passengers if p.type is PassengerType.INFANT_WITHOUT_SEAT)
    if adults == 0:
        raise ValidationFailed(
            "At least one adult must travel.", field="passengers", code="adult_required"
        )
    if infants > adults:
        raise ValidationFailed(
            "Each infant without a seat must travel with an adult.",
            field="passengers",
            code="too_many_infants",
        )
