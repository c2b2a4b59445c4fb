"""What a traveller is told about an itinerary before choosing it (domain/notices.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from farebridge.domain.itinerary import Carrier, Slice
from farebridge.domain.notices import NoticeCode, itinerary_notices, overnight
from farebridge.domain.places import Airport
from tests.factories import LHR, create_slice

LGW = Airport("LGW", "London Gatwick Airport", "London", "GB", 51.15, -0.19, "Europe/London")
EWR = Airport(
    "EWR",
    "Newark Liberty International Airport",
    "New York",
    "US",
    40.69,
    -74.17,
    "America/New_York",
)
AA = Carrier("AA", "American Airlines", "001", "oneworld")
LONDON = ZoneInfo("Europe/London")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("arrive", "leave", "expected"),
    [
        (_at(10, 22), _at(11, 6), True),  # through the night
        (_at(10, 23, 30), _at(11, 1, 30), False),  # a late connection, not a night
        (_at(11, 0, 30), _at(11, 5, 0), True),  # 01:00-05:00 inside it
        (_at(11, 1, 30), _at(11, 9), False),  # lands after 01:00
        (_at(10, 9), _at(10, 21), False),  # a long day
        (_at(10, 9), _at(12, 9), True),  # two days
    ],
)
def test_a_layover_is_overnight_when_it_covers_1_to_5_local(
    arrive: datetime, leave: datetime, expected: bool
) -> None:
    assert overnight(arrive, leave) is expected


def _two_legs(*, via_other_airport: bool, overnight_wait: bool) -> Slice:
    first = create_slice().segments[0]
    arrival = _at(10, 22) if overnight_wait else _at(10, 9)
    second = replace(
        first,
        id="seg_2",
        origin=LGW if via_other_airport else LHR,
        destination=Airport(
            "FRA", "Frankfurt Airport", "Frankfurt", "DE", 50.03, 8.56, "Europe/Berlin"
        ),
        departing_at=_at(11, 7) if overnight_wait else _at(10, 12),
        arriving_at=_at(11, 9) if overnight_wait else _at(10, 14),
    )
    return Slice("sli_1", (replace(first, arriving_at=arrival), second))


def test_a_direct_flight_of_one_airline_has_nothing_to_say() -> None:
    assert itinerary_notices([create_slice()]) == ()


def test_a_connection_from_another_airport_overnight_is_said_twice() -> None:
    notices = itinerary_notices([_two_legs(via_other_airport=True, overnight_wait=True)])
    assert [(n.code, n.slice_index) for n in notices] == [
        (NoticeCode.AIRPORT_CHANGE, 0),
        (NoticeCode.OVERNIGHT_LAYOVER, 0),
    ]
    assert notices[0].message == "Change of airport: arrive at LHR, leave from LGW"
    assert notices[1].message == "Overnight layover in London"


def test_a_return_from_another_airport_and_of_another_airline_is_flagged() -> None:
    out = create_slice()
    back_segment = replace(
        out.segments[0],
        id="seg_9",
        origin=LGW,
        destination=EWR,
        marketing_carrier=AA,
        operating_carrier=AA,
    )
    notices = itinerary_notices([out, Slice("sli_2", (back_segment,))])
    assert [n.code for n in notices] == [
        NoticeCode.RETURN_AIRPORT_DIFFERS,
        NoticeCode.RETURN_AIRPORT_DIFFERS,
        NoticeCode.MIXED_AIRLINES,
    ]
    assert "leaves from LGW" in notices[0].message and "lands at EWR" in notices[1].message
    assert notices[2].message == "Flights sold by American Airlines and British Airways"


def test_a_code_share_names_its_operator() -> None:
    segment = replace(create_slice().segments[0], operating_carrier=AA)
    (notice,) = itinerary_notices([Slice("sli_1", (segment,))])
    assert notice.code is NoticeCode.OPERATED_BY_OTHER_AIRLINE
    assert notice.message == "BA 117 is operated by American Airlines"
