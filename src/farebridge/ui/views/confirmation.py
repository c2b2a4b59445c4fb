"""Step 6: the booking reference, its status, and tickets as soon as they are issued."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import navigation, state
from farebridge.ui.feedback import attempt
from farebridge.ui.models import Order
from farebridge.ui.state import Step
from farebridge.ui.views.common import itinerary, order_extras, order_prices, tickets
from farebridge.ui.views.payment import pay_hold

ISSUING = {"paid", "ticketing", "instant"}
POLL_SECONDS = 2.0


def awaiting_tickets(order: Order) -> bool:
    return order["status"] in ISSUING and order["ticketing_status"] not in ("failed", "unknown")


@st.fragment(run_every=POLL_SECONDS)
def _ticket_watch(order_id: str) -> None:
    """Re-read the order every few seconds until its tickets are issued."""
    journey = state.journey()
    order = attempt(lambda: state.client().get_order(order_id))
    if order is None:
        return
    journey.order = order
    if not awaiting_tickets(order):
        st.rerun(scope="app")
    checked = datetime.now(UTC).strftime("%H:%M:%S UTC")
    st.info(f"⏳ Issuing your e-tickets… (last checked {checked}; this page updates by itself)")


def _new_booking() -> None:
    navigation.write_url(state.new_journey())


def _to_trips() -> None:
    navigation.show_page("My trips")


def _status(order: Order) -> None:
    status = fmt.STATUSES.get(order["status"], order["status"])
    st.markdown(f"Status: **{status}**")
    if order["ticketing_status"] in ("failed", "unknown"):
        st.warning(
            "The airline has not confirmed the tickets yet. We keep checking; "
            "see My trips later or contact support with your booking reference."
        )


def render() -> None:
    journey = state.journey()
    order = journey.order
    if order is None:
        navigation.go(Step.PAY)
    held = order["payment_status"]["awaiting_payment"]
    st.subheader("Your booking is on hold" if held else "Your booking is confirmed 🎉")
    st.markdown(
        '<div style="font-size:.9rem;color:#6b7280">Booking reference (PNR)</div>'
        '<div style="font-size:2.2rem;font-weight:700;font-family:monospace">'
        f"{order['booking_reference']}</div>",
        unsafe_allow_html=True,
    )
    _status(order)
    if held:
        deadline = fmt.instant(order["payment_status"]["payment_required_by"])
        st.warning(f"Pay by **{deadline}**, or the booking is cancelled.", icon="⏳")
        paid = pay_hold(order, "confirm")
        if paid is not None:
            journey.order = paid
            st.rerun()
    st.markdown("#### Travellers and e-tickets")
    if awaiting_tickets(order) and not order["documents"]:
        _ticket_watch(order["id"])
    tickets(order)
    st.markdown("#### Itinerary")
    itinerary(order["slices"])
    if order["services"]:
        st.markdown("#### Seats and bags")
        order_extras(order)
    order_prices(order)
    again, trips, _ = st.columns([1, 1, 3])
    again.button("Book another trip", on_click=_new_booking, key="book_again")
    trips.button("Go to My trips", on_click=_to_trips, key="go_to_trips")
