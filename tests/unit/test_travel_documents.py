"""Which trips need passports, and what makes a passport valid for a trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.itinerary import Slice, is_international, trip_ends_on
from farebridge.domain.order import IdentityDocument
from farebridge.domain.places import Airport
from farebridge.domain.travel_documents import COUNTRY_CODES, check_identity_documents
from tests.factories import JFK, PASSPORT, create_slice

TODAY = date(2030, 1, 1)
TRIP_ENDS_ON = date(2030, 1, 11)
BOS = Airport(
    "BOS", "Logan International Airport", "Boston", "US", 42.36, -71.01, "America/New_York"
)


def _check(*documents: IdentityDocument, required: bool = True) -> None:
    check_identity_documents(
        documents,
        where="passengers[1]",
        required=required,
        valid_until=TRIP_ENDS_ON,
        today=TODAY,
    )


def _refusal(*documents: IdentityDocument, required: bool = True) -> tuple[str, str | None]:
    with pytest.raises(ValidationFailed) as refused:
        _check(*documents, required=required)
    assert PASSPORT.unique_identifier not in refused.value.message
    return refused.value.code, refused.value.field


def test_a_trip_touching_two_countries_is_international() -> None:
    transatlantic = create_slice()
    segment = transatlantic.segments[0]
    domestic = Slice("sli_2", (replace(segment, destination=BOS),))
    assert is_international([transatlantic])
    assert not is_international([domestic])
    assert is_international([domestic, Slice("sli_3", (replace(segment, origin=BOS),))])
    assert trip_ends_on([transatlantic]) == segment.arriving_at.date() == date(2030, 1, 11)
    assert segment.origin is JFK


def test_a_valid_passport_passes_and_documents_are_optional_when_not_required() -> None:
    _check(replace(PASSPORT, expires_on=TRIP_ENDS_ON))
    _check(required=False)


def test_a_missing_passport_names_the_documents_of_the_passenger() -> None:
    assert _refusal() == ("identity_document_required", "passengers[1].identity_documents")


@pytest.mark.parametrize(
    ("document", "code", "field"),
    [
        (replace(PASSPORT, type="id_card"), "unsupported_document", "type"),
        (
            replace(PASSPORT, unique_identifier="X12"),
            "invalid_document_number",
            "unique_identifier",
        ),
        (
            replace(PASSPORT, unique_identifier="X123-4567"),
            "invalid_document_number",
            "unique_identifier",
        ),
        (replace(PASSPORT, issuing_country_code="ZZ"), "unknown_country", "issuing_country_code"),
        (
            replace(PASSPORT, expires_on=date(2030, 1, 10)),
            "document_expires_too_soon",
            "expires_on",
        ),
    ],
)
def test_each_passport_field_is_checked(document: IdentityDocument, code: str, field: str) -> None:
    expected = (code, f"passengers[1].identity_documents[0].{field}")
    assert _refusal(document) == expected
    assert _refusal(document, required=False) == expected, "given documents are always checked"


def test_a_passport_expired_today_is_refused_even_for_a_trip_in_the_past() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_identity_documents(
            (replace(PASSPORT, expires_on=date(2029, 12, 31)),),
            where="passengers[0]",
            required=True,
            valid_until=date(2029, 12, 1),
            today=TODAY,
        )
    assert refused.value.code == "document_expires_too_soon"


def test_the_country_list_is_iso_3166_alpha_2() -> None:
    assert len(COUNTRY_CODES) == 250  # 249 assigned codes and XK
    assert {"GB", "US", "FR", "MC", "VA", "XK"} <= COUNTRY_CODES
    assert not {"UK", "EU", "ZZ"} & COUNTRY_CODES
