"""Step 5: pay now with a sandbox test card, or hold the fare when it allows."""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from farebridge.ui import drafts, navigation, state
from farebridge.ui import format as fmt
from farebridge.ui.client import ApiError, amount_due
from farebridge.ui.feedback import attempt, show_error
from farebridge.ui.models import Offer, Order
from farebridge.ui.state import Journey, Step
from farebridge.ui.validation import form_field, passenger_body
from farebridge.ui.views import agency
from farebridge.ui.views.common import slice_caption, slice_line
from farebridge.ui.views.extras import (
    chosen_services,
    extras_lines,
    running_total,
    traveller_names,
)
from farebridge.ui.views.passengers import keep_errors

CARDS = {
    "tok_visa": "Visa ending 4242 — test card, payment succeeds",
    "tok_mastercard": "Mastercard ending 4444 — test card, payment succeeds",
    "tok_amex": "American Express ending 0005 — test card, payment succeeds",
    "tok_visa_debit": "Visa debit ending 5556 — test card, no card surcharge",
    "tok_card_declined": "Test card that the bank declines",
    "tok_insufficient_funds": "Test card with insufficient funds",
}
PAY_NOW = "Pay now"
HOLD = "Hold now, pay later"
RECOVERABLE = {"offer_price_changed", "seat_unavailable"}
CARD_ERRORS = {"card_declined", "insufficient_funds", "expired_card"}  # about the card chosen


def card_picker(key: str) -> str:
    token = st.selectbox(
        "Card (sandbox: test cards only, no money moves)",
        list(CARDS),
        format_func=lambda t: CARDS[t],
        key=key,
    )
    return str(token or "tok_visa")


def order_body(
    journey: Journey, offer: Offer, *, hold: bool, token: str, customer_id: str | None = None
) -> dict[str, Any]:
    """The ``POST /orders`` body; ``customer_id``: an agent books for that customer."""
    passengers = [
        passenger_body(p["id"], p["type"], fields)
        for p, fields in zip(offer["passengers"], journey.passengers, strict=True)
    ]
    services = chosen_services(journey)
    body: dict[str, Any] = {
        "type": "hold" if hold else "instant",
        "selected_offers": [offer["id"]],
        "passengers": passengers,
        "services": services,
    }
    if customer_id is not None:
        body["customer_id"] = customer_id
    if not hold:
        body["payments"] = [
            {
                "type": "card",
                "card_token": token,
                "amount": running_total(journey, token),
                "currency": offer["total_currency"],
            }
        ]
    return body


def _summary(journey: Journey, offer: Offer) -> None:
    for item in offer["slices"]:
        st.markdown(slice_line(item) + f" · {offer['owner']['name']}")
        st.caption(slice_caption(item))
    names = traveller_names(journey)
    st.markdown("**Travellers:** " + ", ".join(names.values()))
    currency = offer["total_currency"]
    st.markdown(
        f"Fare {fmt.money(offer['base_amount'], currency)} · taxes "
        f"{fmt.money(offer['tax_amount'], currency)}"
    )
    for what, amount, line_currency in extras_lines(journey):
        st.markdown(f"- {what}: {fmt.money(amount, line_currency)}")
    total = fmt.money(running_total(journey), currency)
    st.markdown(f'<p class="fb-price">Total {total}</p>', unsafe_allow_html=True)


def _book(
    journey: Journey, offer: Offer, *, hold: bool, token: str, customer_id: str | None
) -> None:
    st.session_state.pop("pay_error", None)
    body = order_body(journey, offer, hold=hold, token=token, customer_id=customer_id)
    try:
        with st.spinner("Booking with the airline…"):
            order = state.client().create_order(body, idempotency_key=uuid.uuid4().hex)
    except ApiError as error:
        if _back_to_passengers(journey, error):
            navigation.go(Step.PASSENGERS)
        st.session_state["pay_error"] = (token, error)
        return
    journey.order = order
    drafts.forget(journey)
    navigation.go(Step.CONFIRMATION)


def _back_to_passengers(journey: Journey, error: ApiError) -> bool:
    """An error about a traveller's details goes next to that field of their form."""
    found = form_field(error.field)
    if found is None:
        return False
    index, name = found
    if journey.offer is not None:
        keep_errors(journey.offer, {index: {name: error.message}})
    journey.step = Step.PASSENGERS
    return True


def _recover(journey: Journey, error: ApiError) -> None:
    """After a refusal, say why and offer the way forward."""
    show_error(error)
    if error.code == "offer_price_changed" and st.button("See the new price", key="reprice"):
        offer_id = journey.offer["id"] if journey.offer else ""
        journey.choose_offer(attempt(lambda: state.client().get_offer(offer_id)))
        st.session_state.pop("pay_error", None)
        navigation.go(Step.SELECT)
    if error.code == "seat_unavailable" and st.button("Choose other seats", key="reseat"):
        journey.seat_maps = None
        journey.seats = {}
        st.session_state.pop("pay_error", None)
        navigation.go(Step.EXTRAS)
    final = error.status in (404, 409, 422) and error.code not in RECOVERABLE
    if final and st.button("Search again", key="search_again"):
        st.session_state.pop("pay_error", None)
        navigation.go(Step.SEARCH)


def render() -> None:
    journey = state.journey()
    offer = journey.offer
    if offer is None or not journey.passengers:
        navigation.go(Step.PASSENGERS)
    st.subheader("Payment")
    trip, pay = st.columns([3, 2])
    with trip, st.container(border=True):
        _summary(journey, offer)
    with pay:
        _pay_form(journey, offer)
        if st.button("← Back to seats and bags", key="back_to_extras"):
            navigation.go(Step.EXTRAS)


def _pay_form(journey: Journey, offer: Offer) -> None:
    customer_id = agency.customer_picker("Book this trip for", "pay")
    terms = offer["payment_requirements"]
    modes = [PAY_NOW] if terms["requires_instant_payment"] else [PAY_NOW, HOLD]
    mode = st.radio("How would you like to pay?", modes, key="pay_mode") or PAY_NOW
    if mode == HOLD:
        hours = terms["hold_lifetime_hours"] or 0
        st.info(
            f"We keep your seats for up to {hours} hours without payment. The exact deadline "
            "is shown on the next page; pay it from My trips.",
            icon="⏳",
        )
        token = ""
    else:
        if terms["requires_instant_payment"]:
            st.caption("This fare must be paid now; it cannot be held.")
        token = card_picker("pay_card")
    due = running_total(journey, token if mode == PAY_NOW else None)
    total = fmt.money(due, offer["total_currency"])
    label = f"Pay {total}" if mode == PAY_NOW else "Hold this booking"
    if st.button(label, type="primary", key="pay_button"):
        _book(journey, offer, hold=mode == HOLD, token=token, customer_id=customer_id)
    refused = st.session_state.get("pay_error")
    if refused is None:
        return
    card, error = refused
    if error.code in CARD_ERRORS and card != token:
        return  # that card was refused; another one is chosen now
    _recover(journey, error)


def pay_hold(order: Order, key: str) -> Order | None:
    """Pay a held order; returns the refreshed order once paid."""
    token = card_picker(f"{key}_card")
    due = amount_due(order["total_amount"], order["card_surcharges"], token)
    total = fmt.money(due, order["total_currency"])
    if not st.button(f"Pay {total}", type="primary", key=f"{key}_pay"):
        return None
    client = state.client()
    try:
        with st.spinner("Taking the payment…"):
            client.pay_order(order, token)
            return client.get_order(order["id"])
    except ApiError as error:
        show_error(error)
        return None
