"""What makes two bookings "the same passengers on the same flights" (ADR 0015)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from farebridge.domain.duplicates import (
    ENDED_STATUSES,
    booking_fingerprint,
    booking_parts,
    normalise_name,
)
from farebridge.domain.itinerary import Carrier, Slice
from farebridge.domain.order import OrderStatus, Passenger
from tests.factories import create_passenger, create_slice

NEW_YORK = ZoneInfo("America/New_York")


def _passenger(given: str = "Amelia", family: str = "Earhart", **changes: object) -> Passenger:
    return replace(create_passenger(), given_name=given, family_name=family, **changes)  # type: ignore[arg-type]


def _fingerprint(passengers: list[Passenger], slices: list[Slice] | None = None) -> str:
    return booking_fingerprint(passengers, slices or [create_slice()])


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Earhart", "EARHART"),
        ("  earhart ", "EARHART"),
        ("Anne-Marie", "ANNEMARIE"),
        ("Anne Marie", "ANNEMARIE"),
        ("O'Brien", "OBRIEN"),
        ("O\u2019Brien", "OBRIEN"),  # a typographic apostrophe
        ("Müller", "MULLER"),
        ("Zoë", "ZOE"),
        ("José María", "JOSEMARIA"),
        ("Strauß", "STRAUSS"),
    ],
)
def test_names_are_compared_without_case_accents_spaces_or_punctuation(
    written: str, normalised: str
) -> None:
    assert normalise_name(written) == normalised


def test_the_same_people_on_the_same_flights_are_the_same_booking() -> None:
    first = _fingerprint([_passenger("Amelia", "Earhart"), _passenger("Fred", "Noonan")])
    again = _fingerprint([_passenger("FRED", "noonan"), _passenger(" amelia", "EARHART ")])
    assert first == again, "the order of passengers and the case of names do not count"
    assert len(first) == 64 and int(first, 16) >= 0


def test_contact_details_titles_and_documents_do_not_count() -> None:
    plain = _passenger()
    other = replace(
        plain, id="pas_9", title="dr", email="other@test.com", phone_number="+1", gender="m"
    )
    assert _fingerprint([plain]) == _fingerprint([other])


def test_another_birth_date_is_another_person() -> None:
    assert _fingerprint([_passenger()]) != _fingerprint([_passenger(born_on=date(1987, 7, 25))])


def test_another_passenger_added_is_another_booking() -> None:
    assert _fingerprint([_passenger()]) != _fingerprint(
        [_passenger(), _passenger("Fred", "Noonan")]
    )


def test_flights_count_by_carrier_number_and_local_departure_date() -> None:
    base = create_slice(departing_at=datetime(2030, 1, 10, 18, 30, tzinfo=NEW_YORK))
    segment = base.segments[0]
    later_that_day = replace(
        base, segments=(replace(segment, departing_at=segment.departing_at + timedelta(hours=2)),)
    )
    padded = replace(base, segments=(replace(segment, marketing_carrier_flight_number="0117"),))
    next_day = create_slice(departing_at=datetime(2030, 1, 11, 18, 30, tzinfo=NEW_YORK))
    other_number = replace(
        base, segments=(replace(segment, marketing_carrier_flight_number="119"),)
    )
    other_carrier = replace(
        base, segments=(replace(segment, marketing_carrier=Carrier("AA", "American")),)
    )
    other_cabin = replace(base, segments=(replace(segment, booking_class="J"),), id="sli_9")
    passengers = [_passenger()]
    same = _fingerprint(passengers, [base])
    assert _fingerprint(passengers, [later_that_day]) == same, "a retimed flight is the same"
    assert _fingerprint(passengers, [padded]) == same, "BA0117 is BA117"
    assert _fingerprint(passengers, [other_cabin]) == same, "fare and cabin do not count"
    assert _fingerprint(passengers, [next_day]) != same
    assert _fingerprint(passengers, [other_number]) != same
    assert _fingerprint(passengers, [other_carrier]) != same


def test_the_departure_date_is_the_local_one() -> None:
    late_evening = datetime(2030, 1, 10, 23, 30, tzinfo=NEW_YORK)  # 04:30 UTC the next day
    parts = booking_parts([_passenger()], [create_slice(departing_at=late_evening)])
    assert "flight:BA117/2030-01-10" in parts


def test_every_segment_counts_whatever_the_slices() -> None:
    outbound = create_slice(departing_at=datetime(2030, 1, 10, 18, 30, tzinfo=NEW_YORK))
    inbound = create_slice(departing_at=datetime(2030, 1, 20, 18, 30, tzinfo=NEW_YORK))
    passengers = [_passenger()]
    round_trip = _fingerprint(passengers, [outbound, inbound])
    assert _fingerprint(passengers, [inbound, outbound]) == round_trip
    assert _fingerprint(passengers, [outbound]) != round_trip


def test_parts_are_readable_and_sorted() -> None:
    parts = booking_parts(
        [_passenger("Fred", "Noonan"), _passenger("Amelia", "Earhart")], [create_slice()]
    )
    assert parts == [
        "passenger:EARHART/AMELIA/1987-07-24",
        "passenger:NOONAN/FRED/1987-07-24",
        "flight:BA117/2030-01-10",
    ]


def test_only_ended_orders_give_their_claim_back() -> None:
    ended = {OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED}
    assert set(ENDED_STATUSES) == ended
    assert OrderStatus.PENDING not in ENDED_STATUSES, "a booking in flight may yet succeed"
