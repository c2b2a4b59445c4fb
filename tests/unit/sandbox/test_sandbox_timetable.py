"""The sandbox answers whether a dated flight is flown (booking records, ADR 0023)."""

from __future__ import annotations

from datetime import date, timedelta

from farebridge.domain.manifest import FlightKey
from farebridge.providers.base import Timetable
from farebridge.providers.sandbox.provider import SandboxProvider

MONDAY = date(2027, 1, 4)


def _week() -> list[date]:
    return [MONDAY + timedelta(days=n) for n in range(7)]


def test_a_flight_operates_on_its_weekdays_only(provider: SandboxProvider) -> None:
    assert isinstance(provider, Timetable)
    pattern = next(p for p in provider.network.patterns if len(p.weekdays) < 7)
    for day in _week():
        key = FlightKey(pattern.airline.iata_code, str(pattern.number), day)
        assert provider.operates(key) is (day.weekday() in pattern.weekdays)


def test_a_codeshare_number_is_the_same_flight(provider: SandboxProvider) -> None:
    pattern = next(p for p in provider.network.patterns if p.codeshares)
    partner, number = pattern.codeshares[0]
    for day in _week():
        key = FlightKey(partner.iata_code, str(number), day)
        assert provider.operates(key) is (day.weekday() in pattern.weekdays)


def test_an_unknown_number_is_not_flown(provider: SandboxProvider) -> None:
    numbers = {p.designator for p in provider.network.patterns}
    unknown = next(f"ZZ{n}" for n in range(1, 10000) if f"ZZ{n}" not in numbers)
    assert not provider.operates(FlightKey("ZZ", unknown[2:], MONDAY))
