"""Step 2, continued: one offer in full before the traveller commits to it."""

from __future__ import annotations

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import navigation, state
from farebridge.ui.feedback import attempt
from farebridge.ui.models import FareRules, Offer
from farebridge.ui.state import Journey, Step
from farebridge.ui.views.common import itinerary


def open_offer(offer_id: str) -> None:
    """Re-check the offer with the airline, then show its details."""
    client = state.client()
    with st.spinner("Checking price and availability with the airline…"):
        offer = attempt(lambda: client.get_offer(offer_id))
    if offer is not None:
        journey = state.journey()
        journey.choose_offer(offer)
        journey.fare_rules = attempt(lambda: client.get_fare_rules(offer_id))
        navigation.go(Step.SELECT)


def _other_brands(offer: Offer) -> None:
    """The other fares for the same flights, one click away."""
    others = [b for b in offer["fare_brands"] if b["offer_id"] != offer["id"]]
    if not others:
        return
    st.markdown("**Other fares for these flights**")
    for brand in others:
        price = fmt.money(brand["total_amount"], brand["total_currency"])
        bags = fmt.baggage(brand["baggages"])
        label = f"{brand['fare_brand_name']} · {price} · {bags}"
        if st.button(label, key=f"brand_{brand['offer_id']}"):
            open_offer(brand["offer_id"])


def _conditions(offer: Offer) -> None:
    st.markdown("**Conditions**")
    conditions = offer["conditions"]
    st.markdown(
        f"- Cancel and refund before departure: "
        f"{fmt.condition(conditions['refund_before_departure'])}\n"
        f"- Change before departure: {fmt.condition(conditions['change_before_departure'])}"
    )
    terms = offer["payment_requirements"]
    if terms["requires_instant_payment"]:
        st.markdown("- Payment: **pay now** (this fare cannot be held)")
    else:
        hours = terms["hold_lifetime_hours"] or 0
        st.markdown(f"- Payment: pay now, or **hold it for up to {hours} hours** and pay later")


def _price(offer: Offer) -> None:
    currency = offer["total_currency"]
    st.markdown("**Price for all travellers**")
    st.markdown(
        f"| | Price |\n|---|---:|\n"
        f"| Base fare | {fmt.money(offer['base_amount'], currency)} |\n"
        f"| Taxes and fees | {fmt.money(offer['tax_amount'], currency)} |\n"
        f"| Seats and extra bags | chosen in Extras |\n"
        f"| **Total** | **{fmt.money(offer['total_amount'], currency)}** |"
    )
    st.caption(_per_passenger(offer))
    _airline_fare(offer)


def _per_passenger(offer: Offer) -> str:
    """``2 x Adult, GBP 300.00 each · 1 x Child, GBP 230.00 each``."""
    parts = []
    for price in offer["passenger_prices"]:
        kind = fmt.PASSENGER_TYPES.get(price["passenger_type"], price["passenger_type"])
        each = fmt.money(price["total_amount"], price["currency"])
        parts.append(f"{price['count']} x {kind}, {each} each")
    return " · ".join(parts)


def _airline_fare(offer: Offer) -> None:
    """The airline's own fare, when it sells in another currency than the search's."""
    amount, currency = offer["airline_total_amount"], offer["airline_total_currency"]
    if amount and currency and currency != offer["total_currency"]:
        st.caption(
            f"The airline's own fare is {fmt.money(amount, currency)}; "
            f"you pay {fmt.money(offer['total_amount'], offer['total_currency'])}."
        )


def _required_data(offer: Offer) -> None:
    st.markdown("**What we will ask for each traveller**")
    items = [
        "Title, first and last name as in the passport",
        "Date of birth and gender",
        "Email and phone number of the lead traveller",
    ]
    if offer["passenger_identity_documents_required"]:
        items.append("Passport number, issuing country and expiry date")
    st.markdown("\n".join(f"- {item}" for item in items))


def _fare_rules(rules: FareRules | None) -> None:
    with st.expander("Fare rules"):
        if rules is None:
            st.caption("The fare rules could not be loaded.")
            return
        if rules["link"]:
            st.markdown(f"The airline publishes the rules of this fare [here]({rules['link']}).")
        for rule in rules["rules"]:
            st.markdown(f"**{rule['code']} — {rule['title'].capitalize()}**  \n{rule['text']}")
        if rules["fare_basis_codes"]:
            st.caption("Fare basis: " + ", ".join(rules["fare_basis_codes"]))


def render(journey: Journey) -> None:
    offer = journey.offer
    assert offer is not None
    st.subheader(f"{offer['owner']['name']} · {offer['fare_brand_name']} fare")
    st.caption(
        f"Price checked with the airline · offer valid until {fmt.instant(offer['expires_at'])}"
        " · times are local at each airport"
    )
    trip, summary = st.columns([3, 2])
    with trip:
        itinerary(offer["slices"])
        _fare_rules(journey.fare_rules)
    with summary, st.container(border=True):
        _price(offer)
        _conditions(offer)
        _required_data(offer)
        _other_brands(offer)
    back, forward, _ = st.columns([2, 3, 3])
    if back.button("← Back to results", key="back_to_results"):
        journey.choose_offer(None)
        navigation.go(Step.SELECT)
    if forward.button("Continue with this flight →", type="primary", key="choose_offer"):
        navigation.go(Step.PASSENGERS)
