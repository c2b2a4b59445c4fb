"""The friendly checks and the wording the pages use (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from farebridge.domain.names import PASSPORT_NAME_PATTERN
from farebridge.ui import format as fmt
from farebridge.ui.client import ApiError
from farebridge.ui.feedback import plain_message
from farebridge.ui.state import Criteria, Leg
from farebridge.ui.validation import (
    NAME,
    check_passenger,
    check_search,
    form_field,
    passenger_body,
)

TODAY = date(2026, 6, 1)
TRAVEL = date(2026, 7, 1)
ADULT = {
    "title": "ms",
    "given_name": "Amelia",
    "family_name": "Earhart",
    "born_on": "1987-07-24",
    "gender": "f",
    "email": "amelia@example.com",
    "phone_number": "+15550109999",
}


def check(fields: dict[str, str], kind: str = "adult", **options: bool) -> dict[str, str]:
    return check_passenger(
        fields,
        passenger_type=kind,
        travel_on=TRAVEL,
        today=TODAY,
        contact=options.get("contact", True),
        passport_until=TRAVEL if options.get("passport", False) else None,
    )


def test_search_checks_dates_places_and_passenger_mix() -> None:
    criteria = Criteria(
        [Leg("JFK", "LHR", date(2026, 5, 31)), Leg("LHR", "LHR", date(2026, 5, 30))],
        adults=1,
        infants=2,
    )
    errors = check_search(criteria, today=TODAY)
    assert errors["date_0"] == "The date is in the past."
    assert errors["destination_1"] == "Origin and destination must differ."
    assert "no more infants than adults" in errors["infants"]
    ok = Criteria([Leg("NYC", "LON", TRAVEL), Leg("LON", "NYC", date(2026, 7, 8))])
    assert check_search(ok, today=TODAY) == {}


def test_a_return_before_the_outbound_is_refused() -> None:
    criteria = Criteria([Leg("NYC", "LON", TRAVEL), Leg("LON", "NYC", date(2026, 6, 20))])
    assert "after the previous one" in check_search(criteria, today=TODAY)["date_1"]


def test_a_complete_adult_passes() -> None:
    assert check(ADULT) == {}


@pytest.mark.parametrize(
    ("kind", "born_on", "message"),
    [
        ("adult", "2010-01-01", "An adult must be 18 or older on the day of travel."),
        ("child", "2025-12-01", "A child is 2 to 17 years old on the day of travel."),
        ("infant_without_seat", "2020-01-01", "An infant is under 2 years old"),
        ("adult", "24/07/1987", "Enter the date of birth as YYYY-MM-DD, e.g. 1987-07-24."),
        ("adult", "2027-01-01", "The date of birth is in the future."),
    ],
)
def test_birth_date_must_fit_the_passenger_type(kind: str, born_on: str, message: str) -> None:
    errors = check({**ADULT, "born_on": born_on}, kind, contact=False)
    assert errors["born_on"].startswith(message)


def test_contact_details_are_required_for_the_lead_only() -> None:
    bare = {**ADULT, "email": "", "phone_number": ""}
    assert set(check(bare)) == {"email", "phone_number"}
    assert check(bare, contact=False) == {}
    assert "phone_number" in check({**ADULT, "phone_number": "555 0100"}, contact=False)


def test_passport_fields_when_the_offer_requires_them() -> None:
    errors = check(ADULT, passport=True)
    assert set(errors) == {"passport_number", "passport_country", "passport_expires_on"}
    fields = {
        **ADULT,
        "passport_number": "x1234567",
        "passport_country": "gb",
        "passport_expires_on": "2026-06-30",
    }
    assert check(fields, passport=True) == {
        "passport_expires_on": "The passport expires before the trip ends."
    }
    body = passenger_body("pas_1", "adult", {**fields, "passport_expires_on": "2030-01-01"})
    assert body["identity_documents"][0]["unique_identifier"] == "X1234567"
    assert body["identity_documents"][0]["issuing_country_code"] == "GB"


def test_api_field_errors_find_their_form_fields() -> None:
    assert form_field("passengers[1].identity_documents[0].expires_on") == (
        1,
        "passport_expires_on",
    )
    assert form_field("passengers[0].identity_documents") == (0, "passport_number")
    assert form_field("passengers[2].born_on") == (2, "born_on")
    assert form_field("services[0].id") is None
    assert form_field("passengers[0].identity_documents[1].type") is None
    assert form_field(None) is None


def test_wording() -> None:
    assert fmt.duration("P0Y0M0DT13H35M0S") == "13h 35m"
    assert fmt.duration("P0Y0M1DT2H5M0S") == "26h 05m"
    assert fmt.days_later("2026-12-21T18:50:00", "2026-12-22T08:55:00") == " (+1)"
    assert fmt.money("1234.50", "USD") == "USD 1,234.50"
    assert fmt.money("17576", "JPY") == "JPY 17,576"
    assert fmt.money("1203.067", "KWD") == "KWD 1,203.067"
    assert fmt.instant("2026-11-21T15:42:10Z") == "21 Nov 2026, 15:42 UTC"


def test_errors_read_as_plain_words() -> None:
    declined = ApiError(402, "card_declined", "The card was declined by the issuer.")
    assert plain_message(declined).startswith("Your card was declined.")
    assert "cannot be reached" in plain_message(ApiError(0, "unreachable", "x"))
    odd = ApiError(400, "invalid_field", "slices[0].origin: bad code")
    assert plain_message(odd) == "slices[0].origin: bad code"
    ours = ApiError(503, "database_unavailable", "The database cannot be reached …")
    assert plain_message(ours).startswith("Our booking service is briefly unavailable")
    assert "airline" in plain_message(ApiError(503, "provider_unavailable", "x"))


@pytest.mark.parametrize("name", ["R2D2", "Amelia3", "Ann  Lee", "-Ann", "Ann_Lee", "Ann.Lee"])
def test_names_are_checked_as_on_a_passport(name: str) -> None:
    errors = check({**ADULT, "given_name": name, "family_name": name})
    assert errors["given_name"] == errors["family_name"]
    assert "letters, spaces, hyphens and apostrophes" in errors["given_name"]


@pytest.mark.parametrize(
    "name", ["Jean-Luc", "O'Brien", "D\u2019Arcy", "Mary Ann", "Zoë", "Łukasz"]
)
def test_passport_names_with_accents_hyphens_and_apostrophes_pass(name: str) -> None:
    assert check({**ADULT, "given_name": name}) == {}


def test_the_name_rule_is_the_one_the_api_states() -> None:
    assert NAME.pattern == PASSPORT_NAME_PATTERN
