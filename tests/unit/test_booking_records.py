"""Booking records in the domain: flight ids and the limits of the fields (ADR 0023)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from farebridge.domain.booking_records import (
    NOTES_MAX,
    RecordDetails,
    UnknownFlight,
    flight_id,
    parse_flight_id,
)
from farebridge.domain.errors import ValidationFailed
from farebridge.domain.manifest import FlightKey


def test_a_flight_id_names_carrier_number_and_local_date() -> None:
    key = FlightKey("BA", "117", date(2027, 1, 15))
    assert flight_id(key) == "BA117-2027-01-15"
    assert parse_flight_id("ba0117-2027-01-15") == key


@given(
    carrier=st.from_regex(r"[A-Z0-9]{2}", fullmatch=True),
    number=st.integers(min_value=1, max_value=9999),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_flight_ids_round_trip(carrier: str, number: int, day: date) -> None:
    key = FlightKey(carrier, str(number), day)
    assert parse_flight_id(flight_id(key)) == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "flight_abc123",
        "BA117",
        "BA117-2027-13-01",
        "BA117-2027-02-30",
        "BA-2027-01-01",
        "BA\uff11\uff11\uff17-2027-01-15",  # fullwidth digits
    ],
)
def test_malformed_flight_ids_are_invalid(text: str) -> None:
    with pytest.raises(UnknownFlight) as raised:
        parse_flight_id(text, field="flightId")
    assert raised.value.field == "flightId"


def test_the_limits_of_the_fields() -> None:
    RecordDetails(booking_code="A" * 50, seat_number="1" * 10, notes="n" * NOTES_MAX)
    for field, limit in (("booking_code", 50), ("seat_number", 10), ("notes", NOTES_MAX)):
        with pytest.raises(ValidationFailed) as raised:
            RecordDetails(**{field: "x" * (limit + 1)})  # type: ignore[arg-type]
        assert raised.value.field == field
    with pytest.raises(ValidationFailed):
        RecordDetails(notes="a\x00b")
