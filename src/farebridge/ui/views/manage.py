"""Manage booking: find a booking by its reference and a traveller's family name, with
no account, and see it, download its PDFs, read its history and cancel it (the refund
quoted first).

The API's manage token reads the booking and may cancel it (ADR 0036, 0038); changing
flights or answering an airline's change needs the account it was booked with, and the
page says so.
"""

from __future__ import annotations

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import state
from farebridge.ui.client import ApiClient, ApiError
from farebridge.ui.feedback import attempt, show_error
from farebridge.ui.models import Cancellation, Order
from farebridge.ui.views import servicing
from farebridge.ui.views.common import field_error, itinerary, order_extras, order_prices, tickets

KEY = "managed_booking"  # the manage token of the booking on show
QUOTE = "managed_cancel_quote"  # the refund quote on show, before it is confirmed
DONE = "managed_message"
ERRORS = "manage_errors"
NOT_FOUND = (
    "We found no booking with this reference and family name. Check both (the reference "
    "has 6 letters and digits, the name as on the booking) and try again."
)
FIELDS = {"booking_reference": "reference", "family_name": "family_name"}


def _look_up() -> None:
    errors: dict[str, str] = st.session_state.get(ERRORS, {})
    with st.form("manage_lookup"):
        reference = st.text_input(
            "Booking reference", max_chars=12, key="manage_reference", placeholder="e.g. K7Q2ZD"
        )
        field_error(errors, "reference")
        family_name = st.text_input(
            "Family name of a traveller", max_chars=100, key="manage_family_name"
        )
        field_error(errors, "family_name")
        submitted = st.form_submit_button("Find my booking", type="primary", key="manage_find")
    if errors.get("form"):
        st.error(errors["form"], icon="🔎")
    if submitted:
        _find(reference.strip(), family_name.strip())


def _find(reference: str, family_name: str) -> None:
    errors: dict[str, str] = {}
    if not reference:
        errors["reference"] = "Enter the booking reference."
    if not family_name:
        errors["family_name"] = "Enter the family name of a traveller."
    if not errors:
        try:
            found = ApiClient().look_up_booking(reference, family_name)
        except ApiError as error:
            errors = _why(error)
        else:
            st.session_state[KEY] = found["manage_token"]
    st.session_state[ERRORS] = errors
    st.rerun()


def _why(error: ApiError) -> dict[str, str]:
    """A refusal at its field, as one message, or "not found" (never which part was wrong)."""
    if error.status == 404:
        return {"form": NOT_FOUND}
    if error.field in FIELDS:
        return {FIELDS[error.field]: error.message}
    if error.status == 429:
        return {"form": "Too many look-ups in a short time. Wait a minute and try again."}
    show_error(error)
    return {}


def _booking(order: Order, token: str) -> None:
    status = fmt.STATUSES.get(order["status"], order["status"])
    st.markdown(f"### {order['booking_reference']} · {status}")
    st.caption(f"{order['owner']['name']} · {order['fare_brand_name']} fare")
    papers = servicing.token_papers(ApiClient(), token)
    servicing.pending_schedule_changes(order, "managed", on_change=None, on_cancel=None)
    tickets(order)
    servicing.documents(order, papers, "managed")
    itinerary(order["slices"])
    order_extras(order)
    order_prices(order)
    if order["cancelled_at"]:
        st.caption(f"Cancelled on {fmt.instant(order['cancelled_at'])}")
    _cancel(order, token)
    st.info(
        "To change a flight or answer an airline's change, sign in with the account this "
        "trip was booked with and open **My trips**.",
        icon="🔒",
    )
    servicing.history(papers, "managed")


def _cancel(order: Order, token: str) -> None:
    """Cancel booking: the refund quoted first, then confirmed (when the API offers it)."""
    if "cancel" not in order["available_actions"]:
        return
    quote: Cancellation | None = st.session_state.get(QUOTE)
    if quote is None or quote["order_id"] != order["id"]:
        if st.button("Cancel booking…", key="manage_cancel"):
            found = attempt(lambda: ApiClient().quote_managed_cancellation(token))
            if found is not None:
                st.session_state[QUOTE] = found
                st.rerun()
        return
    servicing.quote_warning(order, quote)
    yes, no, _ = st.columns([1, 1, 2])
    if yes.button("Confirm cancellation", type="primary", key="manage_confirm_cancel"):
        st.session_state.pop(QUOTE, None)
        done = attempt(lambda: ApiClient().confirm_managed_cancellation(token, quote["id"]))
        if done is not None:
            refunded = fmt.money(
                done["cancellation"]["refund_amount"], done["cancellation"]["refund_currency"]
            )
            st.session_state[DONE] = f"Booking cancelled. {refunded} will be refunded."
            st.rerun()
    if no.button("Keep my booking", key="manage_keep"):
        st.session_state.pop(QUOTE, None)
        st.rerun()


def render() -> None:
    st.subheader("Manage booking")
    token = st.session_state.get(KEY)
    if not token:
        st.caption("No account needed: your booking reference and a traveller's family name.")
        _look_up()
        return
    try:
        order = ApiClient().managed_booking(token)
    except ApiError as error:
        if error.status == 401:  # the look-up lasts 30 minutes
            st.session_state.pop(KEY, None)
            st.session_state[ERRORS] = {"form": "Your look-up has expired. Find the booking again."}
            st.rerun()
        show_error(error)
    else:
        message = st.session_state.pop(DONE, None)
        if message:
            st.success(message)
        _booking(order, token)
    if st.button("Look up another booking", key="manage_another"):
        st.session_state.pop(KEY, None)
        st.session_state.pop(QUOTE, None)
        st.session_state.pop(ERRORS, None)
        st.rerun()
    if state.login() is not None:
        st.caption("Signed in: your own trips are under My trips.")
