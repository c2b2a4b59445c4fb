"""Step 3: one form per traveller, checked field by field before it is sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import streamlit as st

from farebridge.ui import drafts, navigation, state
from farebridge.ui import format as fmt
from farebridge.ui.models import Offer, OfferPassenger
from farebridge.ui.state import Journey, Step
from farebridge.ui.validation import check_passenger, local_today
from farebridge.ui.views.account import require_login
from farebridge.ui.views.common import field_error

GENDERS = {"f": "Female", "m": "Male"}
WIDGETS = {  # each field's widget key, after the traveller's ``pax<i>_``
    "title": "title",
    "gender": "gender",
    "born_on": "born",
    "given_name": "given",
    "family_name": "family",
    "email": "email",
    "phone_number": "phone_number",
    "passport_number": "passport_number",
    "passport_country": "passport_country",
    "passport_expires_on": "passport_expires_on",
}
TITLE_NAMES = {"mr": "Mr", "ms": "Ms", "mrs": "Mrs", "miss": "Miss", "dr": "Dr"}
Fields = dict[str, Any]


ERRORS = "passenger_errors"  # (offer id, messages by traveller and field)


def keep_errors(offer: Offer, errors: dict[int, dict[str, str]]) -> None:
    """The messages of the last sending of this offer's forms (until it is sent again)."""
    st.session_state[ERRORS] = (offer["id"], errors)


def shown_errors(offer: Offer) -> dict[int, dict[str, str]]:
    """The last sending's messages, when it was for this offer (another flight's forms
    start clean)."""
    kept = st.session_state.get(ERRORS)
    if not kept or kept[0] != offer["id"]:
        return {}
    errors: dict[int, dict[str, str]] = kept[1]
    return errors


def _typed() -> None:
    """A field was changed: keep every traveller's form as it stands, in the draft too
    (the API refuses a card number in it, so none is ever kept)."""
    journey = state.journey()
    if journey.offer is None:
        return
    forms = []
    for index in range(len(journey.offer["passengers"])):
        fields: Fields = dict(journey.passengers[index]) if index < len(journey.passengers) else {}
        for name, widget in WIDGETS.items():
            key = f"pax{index}_{widget}"
            if key in st.session_state:
                fields[name] = st.session_state[key]
        forms.append(fields)
    journey.passengers = forms
    had_draft = journey.draft_id
    drafts.save(journey)
    if journey.draft_id != had_draft:  # a new draft (signed in on this step): in the URL
        navigation.write_url(journey)


def travel_date(offer: Offer) -> date:
    return datetime.fromisoformat(offer["slices"][0]["departing_at"]).date()


def trip_end(offer: Offer) -> date:
    """The day the last flight lands: a passport must be valid until then."""
    return datetime.fromisoformat(offer["slices"][-1]["segments"][-1]["arriving_at"]).date()


def _choice(label: str, options: dict[str, str], key: str, current: str | None) -> str | None:
    keys = list(options)
    value = st.radio(
        label,
        keys,
        index=keys.index(current) if current in keys else None,
        format_func=lambda k: options[k],
        horizontal=True,
        key=key,
        on_change=_typed,
    )
    return str(value) if value is not None else None


def _contact(prefix: str, saved: Fields, errors: dict[str, str], *, required: bool) -> Fields:
    suffix = "" if required else " (optional)"
    email_column, phone_column = st.columns(2)
    with email_column:
        email = st.text_input(
            f"Email{suffix}", saved.get("email", ""), key=f"{prefix}_email", on_change=_typed
        )
        field_error(errors, "email")
    with phone_column:
        phone = st.text_input(
            f"Phone with country code{suffix}",
            saved.get("phone_number", ""),
            placeholder="+447700900123",
            key=f"{prefix}_phone_number",
            on_change=_typed,
        )
        field_error(errors, "phone_number")
    return {"email": email, "phone_number": phone}


def _passport(prefix: str, saved: Fields, errors: dict[str, str]) -> Fields:
    number_column, country_column, expiry_column = st.columns(3)
    fields: Fields = {}
    for column, name, label, hint in (
        (number_column, "passport_number", "Passport number", ""),
        (country_column, "passport_country", "Issuing country", "GB"),
        (expiry_column, "passport_expires_on", "Passport expiry", "YYYY-MM-DD"),
    ):
        with column:
            fields[name] = st.text_input(
                label,
                saved.get(name, ""),
                placeholder=hint,
                key=f"{prefix}_{name}",
                on_change=_typed,
            )
            field_error(errors, name)
    return fields


def _names(prefix: str, saved: Fields, errors: dict[str, str]) -> Fields:
    given_column, family_column = st.columns(2)
    with given_column:
        given = st.text_input(
            "First name(s) as in passport",
            saved.get("given_name", ""),
            key=f"{prefix}_given",
            on_change=_typed,
        )
        field_error(errors, "given_name")
    with family_column:
        family = st.text_input(
            "Last name as in passport",
            saved.get("family_name", ""),
            key=f"{prefix}_family",
            on_change=_typed,
        )
        field_error(errors, "family_name")
    return {"given_name": given, "family_name": family}


def _form(index: int, passenger: OfferPassenger, offer: Offer, errors: dict[str, str]) -> Fields:
    saved: Fields = {}
    journey = state.journey()
    if index < len(journey.passengers):
        saved = journey.passengers[index]
    prefix = f"pax{index}"
    lead = " · lead traveller" if index == 0 else ""
    kind = fmt.PASSENGER_TYPES.get(passenger["type"], passenger["type"])
    st.markdown(f"#### Traveller {index + 1} · {kind}{lead}")
    title_column, gender_column, birth_column = st.columns([3, 2, 2])
    with title_column:
        title = _choice("Title", TITLE_NAMES, f"{prefix}_title", saved.get("title"))
        field_error(errors, "title")
    with gender_column:
        gender = _choice("Gender", GENDERS, f"{prefix}_gender", saved.get("gender"))
        field_error(errors, "gender")
    with birth_column:
        born_on = st.text_input(
            "Date of birth",
            saved.get("born_on", ""),
            placeholder="YYYY-MM-DD",
            key=f"{prefix}_born",
            on_change=_typed,
        )
        field_error(errors, "born_on")
    fields: Fields = {"title": title, "gender": gender, "born_on": born_on}
    fields.update(_names(prefix, saved, errors))
    if passenger["type"] == "adult":
        fields.update(_contact(prefix, saved, errors, required=index == 0))
    if offer["passenger_identity_documents_required"]:
        fields.update(_passport(prefix, saved, errors))
    return fields


def _check_all(offer: Offer, forms: list[Fields]) -> dict[int, dict[str, str]]:
    travel_on = travel_date(offer)
    found: dict[int, dict[str, str]] = {}
    for index, (passenger, fields) in enumerate(zip(offer["passengers"], forms, strict=True)):
        errors = check_passenger(
            fields,
            passenger_type=passenger["type"],
            travel_on=travel_on,
            today=local_today(),
            contact=index == 0,
            passport_until=trip_end(offer)
            if offer["passenger_identity_documents_required"]
            else None,
        )
        if errors:
            found[index] = errors
    return found


def render() -> None:
    journey = state.journey()
    offer = journey.offer
    if offer is None:
        navigation.go(Step.SELECT)
    st.subheader("Who is travelling?")
    if not require_login("Sign in or create an account to book: your trips are kept there."):
        return
    st.caption(
        "Names must match the passports. Ages count on the day of travel, "
        f"{travel_date(offer):%d %b %Y}."
    )
    errors = shown_errors(offer)
    # Not an st.form: each field is kept (in the draft) as soon as it is changed, so a
    # reload in the middle of the form gives back what was typed.
    with st.container(border=True, key="passengers_form"):
        forms = [
            _form(index, passenger, offer, errors.get(index, {}))
            for index, passenger in enumerate(offer["passengers"])
        ]
        submitted = st.button(
            "Continue to seats and bags →", type="primary", key="passengers_submit"
        )
    if errors:
        st.error("Please correct the fields marked above.")
    _back(journey)
    if submitted:
        _submit(journey, offer, forms)


def _back(journey: Journey) -> None:
    if st.button("← Back to the flight", key="back_to_offer"):
        navigation.go(Step.SELECT)


def _submit(journey: Journey, offer: Offer, forms: list[Fields]) -> None:
    errors = _check_all(offer, forms)
    keep_errors(offer, errors)
    journey.passengers = forms
    if not errors:
        navigation.go(Step.EXTRAS)
    drafts.save(journey)  # what was typed survives a reload, mistakes and all
    st.rerun()
