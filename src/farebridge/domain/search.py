"""What a traveller asks for: slices, passengers, cabin, connections, flexible dates."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NoReturn

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.money import ExchangeRates, Money

MAX_PASSENGERS = 9
MAX_SLICES = 6
ADULT_AGE = 18
CHILD_MIN_AGE = 2
# Flexible dates: each slice's date ± up to 3 days, for one-way and return searches,
# so at most 7 x 7 = 49 date combinations.
MAX_FLEXIBLE_DAYS = 3
MAX_FLEXIBLE_SLICES = 2


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
    preferred_airlines: tuple[str, ...] = ()  # only flights these airlines sell; () any
    # The selling currency: every offer of the search is priced in it (chosen by
    # services.search: the request's, else the account's, else the operator's default).
    currency: str = "USD"
    flexible_days: int = 0  # also search each slice's date ± this many days

    @property
    def seated_passengers(self) -> int:
        return sum(1 for p in self.passengers if p.type.occupies_seat)

    @property
    def requested_dates(self) -> tuple[date, ...]:
        return tuple(item.departure_date for item in self.slices)

    def on_dates(self, dates: tuple[date, ...]) -> SearchCriteria:
        """The same search on exact ``dates`` (one per slice)."""
        slices = tuple(
            replace(item, departure_date=day) for item, day in zip(self.slices, dates, strict=True)
        )
        return replace(self, slices=slices, flexible_days=0)


def validate_criteria(criteria: SearchCriteria, *, today: date, last_bookable_on: date) -> None:
    """Check what a schema cannot: dates against the clock, passenger mix, places."""
    if not criteria.slices:
        raise ValidationFailed("At least one slice is required.", field="slices", code="required")
    if len(criteria.slices) > MAX_SLICES:
        raise ValidationFailed(
            f"At most {MAX_SLICES} slices.", field="slices", code="too_many_slices"
        )
    _validate_flexible_days(criteria)
    previous: date | None = None
    for index, slice_request in enumerate(criteria.slices):
        where = f"slices[{index}]"
        if slice_request.origin == slice_request.destination:
            raise ValidationFailed(
                "Origin and destination must differ.",
                field=f"{where}.destination",
                code="same_origin_destination",
            )
        for name, window in (
            ("departure_time", slice_request.departure_time),
            ("arrival_time", slice_request.arrival_time),
        ):
            check_time_window(window, start_field=f"{where}.{name}.from")
        day = slice_request.departure_date
        if not _date_window(day, criteria.flexible_days, today, last_bookable_on):
            _date_out_of_range(day, where, today, last_bookable_on)
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


def check_time_window(window: TimeWindow | None, *, start_field: str) -> None:
    """A window runs forward within one day: ``from`` after ``to`` matches nothing."""
    if window is not None and window.start > window.end:
        raise ValidationFailed(
            f"The time window starts ({window.start:%H:%M}) after it ends "
            f"({window.end:%H:%M}); from must be at or before to.",
            field=start_field,
            code="invalid_time_window",
        )


def departure_date_options(
    criteria: SearchCriteria, *, today: date, last_bookable_on: date
) -> tuple[tuple[date, ...], ...]:
    """The date combinations a (validated) search covers, in calendar order: each
    slice's date ± ``flexible_days`` between today and the horizon, slices in
    chronological order. Dates outside the range are skipped."""
    windows = [
        _date_window(item.departure_date, criteria.flexible_days, today, last_bookable_on)
        for item in criteria.slices
    ]
    return tuple(
        dates
        for dates in itertools.product(*windows)
        if all(before <= after for before, after in itertools.pairwise(dates))
    )


def _validate_flexible_days(criteria: SearchCriteria) -> None:
    if not 0 <= criteria.flexible_days <= MAX_FLEXIBLE_DAYS:
        raise ValidationFailed(
            f"flexible_days must be between 0 and {MAX_FLEXIBLE_DAYS}.",
            field="flexible_days",
            code="out_of_range",
        )
    if criteria.flexible_days and len(criteria.slices) > MAX_FLEXIBLE_SLICES:
        raise ValidationFailed(
            "Flexible dates are for one-way and return searches; "
            "search each flight of a multi-city trip on its date.",
            field="flexible_days",
            code="flexible_dates_not_supported",
        )


def _date_window(day: date, flexible_days: int, first: date, last: date) -> list[date]:
    """``day`` ± ``flexible_days``, the dates between ``first`` and ``last`` only."""
    around = (day + timedelta(days=shift) for shift in range(-flexible_days, flexible_days + 1))
    return [candidate for candidate in around if first <= candidate <= last]


def _date_out_of_range(day: date, where: str, today: date, last_bookable_on: date) -> NoReturn:
    if day < today:
        raise ValidationFailed(
            f"Departure date {day.isoformat()} is in the past.",
            field=f"{where}.departure_date",
            code="past_date",
        )
    raise ValidationFailed(
        f"Departure date {day.isoformat()} is beyond the bookable horizon "
        f"({last_bookable_on.isoformat()}).",
        field=f"{where}.departure_date",
        code="date_too_far",
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


# "Best" order (price and duration together): an hour of travel counts as this much money,
# so an itinerary two hours longer must be USD 60 cheaper to rank above a faster one.
BEST_HOUR_WORTH_USD = Decimal("30")


def best_minute_worth(rates: ExchangeRates, currency: str) -> int:
    """A minute of travel in minor units of ``currency``, for ``sort=best`` (at least 1)."""
    hour = rates.convert(Money.of(BEST_HOUR_WORTH_USD, "USD"), currency)
    return max(1, round(hour.minor / 60))
