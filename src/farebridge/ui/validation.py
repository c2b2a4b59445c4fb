"""Friendly checks of form input before it is sent, with one message per field.

These only spare the traveller a round trip: the API checks everything again
and has the last word.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from farebridge.ui.state import Criteria

MAX_PASSENGERS = 9
ADULT_AGE = 18
CHILD_MIN_AGE = 2
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
PASSPORT = re.compile(r"^[A-Za-z0-9]{5,20}$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
# As the API's OpenAPI document states it for given_name and family_name (a test checks
# they agree): Latin letters, accented ones too, single spaces, hyphens or apostrophes.
_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
NAME = re.compile(f"^[{_LETTERS}]+(?:[ '\u2019-][{_LETTERS}]+)*$")
TITLES = ("mr", "ms", "mrs", "miss", "dr")
Errors = dict[str, str]


def check_search(criteria: Criteria, *, today: date) -> Errors:
    errors: Errors = {}
    previous: date | None = None
    for index, leg in enumerate(criteria.legs):
        if not leg.origin:
            errors[f"origin_{index}"] = "Choose where you fly from."
        if not leg.destination:
            errors[f"destination_{index}"] = "Choose where you fly to."
        if leg.origin and leg.origin == leg.destination:
            errors[f"destination_{index}"] = "Origin and destination must differ."
        if leg.departure_date < today:
            errors[f"date_{index}"] = "The date is in the past."
        elif previous is not None and leg.departure_date < previous:
            errors[f"date_{index}"] = "This flight must leave on or after the previous one."
        previous = leg.departure_date
    if criteria.adults < 1:
        errors["adults"] = "At least one adult travels."
    if criteria.infants > criteria.adults:
        errors["infants"] = "Each infant travels on an adult's lap: no more infants than adults."
    if criteria.adults + criteria.children + criteria.infants > MAX_PASSENGERS:
        errors["adults"] = f"At most {MAX_PASSENGERS} passengers in one booking."
    return errors


def local_today() -> date:
    """Today where the traveller's browser session runs (the server's local date)."""
    return datetime.now(UTC).astimezone().date()


def age_on(born_on: date, day: date) -> int:
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _check_birth(born_on: str, passenger_type: str, travel_on: date, today: date) -> str | None:
    born = parse_date(born_on)
    if born is None:
        return "Enter the date of birth as YYYY-MM-DD, e.g. 1987-07-24."
    if born > today:
        return "The date of birth is in the future."
    age = age_on(born, travel_on)
    if passenger_type == "adult" and age < ADULT_AGE:
        return f"An adult must be {ADULT_AGE} or older on the day of travel."
    if passenger_type == "child" and not CHILD_MIN_AGE <= age < ADULT_AGE:
        return f"A child is {CHILD_MIN_AGE} to {ADULT_AGE - 1} years old on the day of travel."
    if passenger_type == "infant_without_seat" and age >= CHILD_MIN_AGE:
        return f"An infant is under {CHILD_MIN_AGE} years old on the day of travel."
    return None


def _check_passport(fields: dict[str, Any], today: date, valid_until: date) -> Errors:
    errors: Errors = {}
    if not PASSPORT.match(str(fields.get("passport_number", "")).strip()):
        errors["passport_number"] = "Enter the passport number: 5 to 20 letters or digits."
    if not COUNTRY.match(str(fields.get("passport_country", "")).strip()):
        errors["passport_country"] = "Enter the 2-letter country code, e.g. GB."
    expires = parse_date(str(fields.get("passport_expires_on", "")))
    if expires is None:
        errors["passport_expires_on"] = "Enter the expiry date as YYYY-MM-DD."
    elif expires < max(today, valid_until):
        errors["passport_expires_on"] = "The passport expires before the trip ends."
    return errors


def check_passenger(
    fields: dict[str, Any],
    *,
    passenger_type: str,
    travel_on: date,
    today: date,
    contact: bool,
    passport_until: date | None,
) -> Errors:
    """Messages by field name for one passenger's form (empty when all is well).

    ``passport_until``: the trip needs a passport valid until that day (None: no passport)."""
    errors: Errors = {}
    if fields.get("title") not in TITLES:
        errors["title"] = "Choose a title."
    for name, label in (("given_name", "first name"), ("family_name", "last name")):
        value = str(fields.get(name, "")).strip()
        if not value:
            errors[name] = f"Enter the {label} as in the passport."
        elif len(value) > 60:
            errors[name] = "At most 60 characters."
        elif not NAME.match(unicodedata.normalize("NFC", value)):
            errors[name] = "Use letters, spaces, hyphens and apostrophes only, as in the passport."
    if fields.get("gender") not in ("m", "f"):
        errors["gender"] = "Choose the gender as in the passport."
    birth = _check_birth(str(fields.get("born_on", "")), passenger_type, travel_on, today)
    if birth:
        errors["born_on"] = birth
    email = str(fields.get("email", "")).strip()
    if (contact or email) and not EMAIL.match(email):
        errors["email"] = "Enter an email address like name@example.com."
    phone = str(fields.get("phone_number", "")).strip().replace(" ", "")
    if (contact or phone) and not PHONE.match(phone):
        errors["phone_number"] = "Enter the phone number with country code, e.g. +447700900123."
    if passport_until is not None:
        errors.update(_check_passport(fields, today, passport_until))
    return errors


# The API names a passenger's field as passengers[i].<path>; the form calls it this.
FORM_FIELDS = {
    "title": "title",
    "given_name": "given_name",
    "family_name": "family_name",
    "born_on": "born_on",
    "gender": "gender",
    "email": "email",
    "phone_number": "phone_number",
    "identity_documents": "passport_number",
    "identity_documents[0].unique_identifier": "passport_number",
    "identity_documents[0].issuing_country_code": "passport_country",
    "identity_documents[0].expires_on": "passport_expires_on",
}
PASSENGER_FIELD = re.compile(r"passengers\[(\d+)\]\.(.+)")


def form_field(api_field: str | None) -> tuple[int, str] | None:
    """``passengers[1].identity_documents[0].expires_on`` → ``(1, "passport_expires_on")``:
    where the passengers form shows an error the API found; None for other fields."""
    match = PASSENGER_FIELD.fullmatch(api_field or "")
    if match is None or match.group(2) not in FORM_FIELDS:
        return None
    return int(match.group(1)), FORM_FIELDS[match.group(2)]


def passenger_body(
    passenger_id: str, passenger_type: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """The API's passenger object from a checked form."""
    body: dict[str, Any] = {
        "id": passenger_id,
        "type": passenger_type,
        "title": fields["title"],
        "given_name": str(fields["given_name"]).strip(),
        "family_name": str(fields["family_name"]).strip(),
        "born_on": str(fields["born_on"]).strip(),
        "gender": fields["gender"],
    }
    email = str(fields.get("email", "")).strip()
    phone = str(fields.get("phone_number", "")).strip().replace(" ", "")
    if email:
        body["email"] = email
    if phone:
        body["phone_number"] = phone
    if str(fields.get("passport_number", "")).strip():
        body["identity_documents"] = [
            {
                "type": "passport",
                "unique_identifier": str(fields["passport_number"]).strip().upper(),
                "issuing_country_code": str(fields["passport_country"]).strip().upper(),
                "expires_on": str(fields["passport_expires_on"]).strip(),
            }
        ]
    return body
