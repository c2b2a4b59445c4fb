"""Flexible dates: which departure dates a search covers, and which requests are refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.search import (
    OfferPassenger,
    PassengerType,
    SearchCriteria,
    SliceRequest,
    departure_date_options,
    validate_criteria,
)

TODAY = date(2030, 3, 10)
HORIZON = date(2030, 6, 1)


def _criteria(*days: date, flexible_days: int) -> SearchCriteria:
    places = [("JFK", "LHR"), ("LHR", "JFK"), ("JFK", "CDG")]
    return SearchCriteria(
        tuple(SliceRequest(*places[i], day) for i, day in enumerate(days)),
        (OfferPassenger("pas_1", PassengerType.ADULT),),
        flexible_days=flexible_days,
    )


def _options(*days: date, flexible_days: int) -> tuple[tuple[date, ...], ...]:
    criteria = _criteria(*days, flexible_days=flexible_days)
    validate_criteria(criteria, today=TODAY, last_bookable_on=HORIZON)
    return departure_date_options(criteria, today=TODAY, last_bookable_on=HORIZON)


def _refusal(*days: date, flexible_days: int) -> tuple[str, str | None]:
    with pytest.raises(ValidationFailed) as refused:
        _options(*days, flexible_days=flexible_days)
    return refused.value.code, refused.value.field


def _day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def test_exact_dates_are_the_one_combination() -> None:
    assert _options(_day(20), _day(27), flexible_days=0) == ((_day(20), _day(27)),)


def test_one_way_covers_each_day_around_the_date() -> None:
    assert _options(_day(20), flexible_days=2) == tuple((_day(d),) for d in range(18, 23))


def test_a_return_trip_covers_every_ordered_pair_at_most_seven_by_seven() -> None:
    wide = _options(_day(20), _day(30), flexible_days=3)
    assert len(wide) == 49 and wide == tuple(sorted(wide))
    close = _options(_day(20), _day(21), flexible_days=3)
    assert all(out <= back for out, back in close)
    assert (_day(23), _day(18)) not in close and (_day(21), _day(21)) in close
    assert len(close) == 49 - sum(range(1, 6))  # pairs whose return would come first


def test_past_dates_and_dates_beyond_the_horizon_are_skipped() -> None:
    assert _options(_day(1), flexible_days=3) == tuple((_day(d),) for d in range(0, 5))
    assert _options(_day(-2), flexible_days=3) == ((_day(0),), (_day(1),))
    last = (HORIZON - TODAY).days
    assert _options(HORIZON, flexible_days=3)[-1] == (HORIZON,)
    assert len(_options(_day(last + 2), flexible_days=3)) == 2


def test_nothing_left_to_search_is_an_error_naming_the_slice() -> None:
    assert _refusal(_day(-4), flexible_days=3) == ("past_date", "slices[0].departure_date")
    beyond = HORIZON + timedelta(days=4)
    assert _refusal(_day(5), beyond, flexible_days=3) == (
        "date_too_far",
        "slices[1].departure_date",
    )


@pytest.mark.parametrize("flexible_days", [-1, 4])
def test_flexible_days_are_zero_to_three(flexible_days: int) -> None:
    assert _refusal(_day(20), flexible_days=flexible_days) == ("out_of_range", "flexible_days")


def test_multi_city_searches_have_exact_dates() -> None:
    assert _refusal(_day(5), _day(8), _day(12), flexible_days=1) == (
        "flexible_dates_not_supported",
        "flexible_days",
    )
    assert len(_options(_day(5), _day(8), _day(12), flexible_days=0)) == 1


def test_on_dates_is_the_same_search_on_exact_dates() -> None:
    criteria = _criteria(_day(20), _day(27), flexible_days=2)
    moved = criteria.on_dates((_day(19), _day(29)))
    assert moved.requested_dates == (_day(19), _day(29)) and moved.flexible_days == 0
    assert moved.slices[1].origin == "LHR" and moved.passengers == criteria.passengers
