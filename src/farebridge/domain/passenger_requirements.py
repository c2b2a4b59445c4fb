"""Which passenger-form fields an offer needs: a pure function of the offer and the
payment type, with the ``required`` / ``per_person`` semantics of the Allmyles
form fields (seed 001):

======== ========== ===========================================================
required per_person meaning
======== ========== ===========================================================
True     True       mandatory for each passenger
True     False      mandatory once per booking (the first passenger, the contact
                    or the billing details)
False    True       optional, and may differ per passenger
False    False      optional, once per booking
======== ========== ===========================================================

Rules: name prefix (title), names and gender for every passenger; a birth date for
children and infants, and for everyone on an itinerary that crosses a border
(advance passenger information) or touches the United States (Secure Flight); a
passport (type, number, issuing country, expiry) for everyone on an international
itinerary (``travel_documents.py``); the contact's email and phone once; a billing
address once for a card payment. Field names are the engine's (``/api``) names; a
dialect maps them to its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from farebridge.domain.itinerary import is_international
from farebridge.domain.offer import Offer
from farebridge.domain.payment import PaymentType
from farebridge.domain.search import PassengerType

SECURE_FLIGHT_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP"})

TITLE = "title"
GIVEN_NAME = "given_name"
FAMILY_NAME = "family_name"
GENDER = "gender"
BORN_ON = "born_on"
DOCUMENT_TYPE = "identity_documents.type"
DOCUMENT_NUMBER = "identity_documents.unique_identifier"
DOCUMENT_COUNTRY = "identity_documents.issuing_country_code"
DOCUMENT_EXPIRY = "identity_documents.expires_on"
EMAIL = "email"
PHONE_NUMBER = "phone_number"
BILLING_NAME = "billing.name"
BILLING_LINE_1 = "billing.address_line_1"
BILLING_LINE_2 = "billing.address_line_2"
BILLING_CITY = "billing.city"
BILLING_POSTAL_CODE = "billing.postal_code"
BILLING_COUNTRY = "billing.country_code"

DOCUMENT_FIELDS = (DOCUMENT_TYPE, DOCUMENT_NUMBER, DOCUMENT_COUNTRY, DOCUMENT_EXPIRY)
BILLING_FIELDS = (BILLING_NAME, BILLING_LINE_1, BILLING_CITY, BILLING_POSTAL_CODE, BILLING_COUNTRY)


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    field: str
    required: bool
    per_person: bool


def touches_secure_flight(offer: Offer) -> bool:
    """Whether any flight of the offer leaves from or lands in the United States."""
    return any(
        airport.country_code in SECURE_FLIGHT_COUNTRIES
        for item in offer.slices
        for segment in item.segments
        for airport in (segment.origin, segment.destination)
    )


def birth_dates_required(offer: Offer) -> bool:
    """Whether every passenger must give a birth date (not only children and infants)."""
    return is_international(offer.slices) or touches_secure_flight(offer)


def passenger_requirements(
    offer: Offer, payment_type: PaymentType | None = None
) -> tuple[FieldRequirement, ...]:
    """The form fields booking ``offer`` needs (module docstring); ``payment_type`` card
    adds the billing address; None: not known yet, listed as for a card payment."""
    documents = offer.passenger_identity_documents_required or is_international(offer.slices)
    young = any(p.type is not PassengerType.ADULT for p in offer.passengers)
    card = payment_type is None or payment_type is PaymentType.CARD
    return _fields(born_on=young or birth_dates_required(offer), documents=documents, card=card)


@cache  # eight combinations, each the same frozen tuple for every offer that needs it
def _fields(*, born_on: bool, documents: bool, card: bool) -> tuple[FieldRequirement, ...]:
    return (
        FieldRequirement(TITLE, True, True),
        FieldRequirement(GIVEN_NAME, True, True),
        FieldRequirement(FAMILY_NAME, True, True),
        FieldRequirement(GENDER, True, True),
        FieldRequirement(BORN_ON, born_on, True),
        *(FieldRequirement(name, documents, True) for name in DOCUMENT_FIELDS),
        FieldRequirement(EMAIL, True, False),
        FieldRequirement(PHONE_NUMBER, True, False),
        *(FieldRequirement(name, card, False) for name in BILLING_FIELDS),
        FieldRequirement(BILLING_LINE_2, False, False),
    )
