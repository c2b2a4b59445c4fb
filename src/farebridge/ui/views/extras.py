"""Step 4: seats on a visual map, extra bags, and the running total."""

from __future__ import annotations

from typing import Any

import streamlit as st

from farebridge.ui import drafts, navigation, state
from farebridge.ui import format as fmt
from farebridge.ui.client import amount_due
from farebridge.ui.feedback import attempt
from farebridge.ui.models import Offer, SeatMap
from farebridge.ui.state import Journey, Step
from farebridge.ui.views import seatmap


def traveller_names(journey: Journey) -> dict[str, str]:
    """Offer passenger id → the name typed in the passenger form."""
    names: dict[str, str] = {}
    offer = journey.offer
    if offer is None:
        return names
    for index, passenger in enumerate(offer["passengers"]):
        fields = journey.passengers[index] if index < len(journey.passengers) else {}
        name = f"{fields.get('given_name', '')} {fields.get('family_name', '')}".strip()
        names[passenger["id"]] = name or f"Traveller {index + 1}"
    return names


def extras_lines(journey: Journey) -> list[tuple[str, str, str]]:
    """(what, amount, currency) for every chosen seat and bag, priced by the API."""
    offer = journey.offer
    if offer is None:
        return []
    lines = []
    names = traveller_names(journey)
    routes = {m["segment_id"]: _segment_route(m, offer) for m in journey.seat_maps or []}
    for key, seat in journey.seats.items():
        segment_id, passenger_id = key.split("|", 1)
        what = f"{routes.get(segment_id, '')} seat {seat.designator} · {names.get(passenger_id)}"
        lines.append((what, seat.amount, seat.currency))
    services = {s["id"]: s for s in offer["available_services"]}
    for service_id, quantity in journey.bags.items():
        service = services.get(service_id)
        if service is None or quantity <= 0:
            continue
        who = names.get(service["passenger_ids"][0], "")
        for _ in range(quantity):
            lines.append((f"Extra bag · {who}", service["total_amount"], service["total_currency"]))
    return lines


def chosen_services(journey: Journey) -> list[dict[str, Any]]:
    """The seats and bags chosen so far, as the API's ``services`` list."""
    services: list[dict[str, Any]] = [
        {"id": seat.service_id, "quantity": 1} for seat in journey.seats.values()
    ]
    services += [{"id": sid, "quantity": n} for sid, n in journey.bags.items() if n > 0]
    return services


def running_total(journey: Journey, card_token: str | None = None) -> str:
    """The amount due, priced by the API (the UI never adds prices up itself); with
    ``card_token``, that card's surcharge included."""
    offer = journey.offer
    assert offer is not None
    services = chosen_services(journey)
    priced = state.client().price_offer(offer["id"], services) if services else offer
    if card_token is None:
        return priced["total_amount"]
    return amount_due(priced["total_amount"], priced["card_surcharges"], card_token)


def _segment_route(seat_map: SeatMap, offer: Offer) -> str:
    return _segment_label(seat_map, offer).split(" · ")[0]


def _segment_label(seat_map: SeatMap, offer: Offer) -> str:
    for item in offer["slices"]:
        for segment in item["segments"]:
            if segment["id"] == seat_map["segment_id"]:
                carrier = segment["marketing_carrier"]["iata_code"]
                number = segment["marketing_carrier_flight_number"]
                where = f"{segment['origin']['iata_code']} → {segment['destination']['iata_code']}"
                return f"{where} · {carrier} {number}"
    return seat_map["segment_id"]


def _seats(journey: Journey, offer: Offer) -> None:
    st.markdown("### 💺 Seats")
    if journey.seat_maps is None:
        with st.spinner("Loading seat maps…"):
            journey.seat_maps = attempt(lambda: state.client().get_seat_maps(offer["id"])) or []
    seated = [p for p in offer["passengers"] if p["type"] != "infant_without_seat"]
    if not journey.seat_maps or not seated:
        st.info("This airline does not offer seat selection before check-in.")
        return
    names = traveller_names(journey)
    maps = {m["segment_id"]: m for m in journey.seat_maps}
    segment_id = st.radio(
        "Flight",
        list(maps),
        format_func=lambda s: _segment_label(maps[s], offer),
        horizontal=True,
        key="seat_segment",
    )
    passenger_id = st.radio(
        "Choose a seat for",
        [p["id"] for p in seated],
        format_func=lambda p: names[p],
        horizontal=True,
        key="seat_passenger",
    )
    st.caption("Seats are optional: without one, the airline assigns a seat at check-in.")
    seatmap.render(maps[segment_id or next(iter(maps))], passenger_id or seated[0]["id"], names)


def _bags(journey: Journey, offer: Offer) -> None:
    st.markdown("### 🧳 Extra checked bags")
    bags = [s for s in offer["available_services"] if s["type"] == "baggage" and not s.get("tier")]
    if not bags:
        st.caption("This fare sells no extra bags online.")
        return
    names = traveller_names(journey)
    slices = {s["id"]: fmt.route(s) for s in offer["slices"]}
    included = fmt.baggage(offer["slices"][0]["segments"][0]["baggages"])
    st.caption(f"Included in the fare per traveller: {included}.")
    for service in bags:
        who = names.get(service["passenger_ids"][0], "")
        where = ", ".join(slices.get(s, s) for s in service["slice_ids"])
        price = fmt.money(service["total_amount"], service["total_currency"])
        journey.bags[service["id"]] = int(
            st.number_input(
                f"{who} · {where} — {service['description']} ({price} each)",
                min_value=0,
                max_value=service["maximum_quantity"],
                value=journey.bags.get(service["id"], 0),
                key=f"bag_{service['id']}",
            )
        )


def summary(journey: Journey) -> None:
    offer = journey.offer
    assert offer is not None
    currency = offer["total_currency"]
    st.markdown("### Your price")
    st.markdown(f"Flights for all travellers: **{fmt.money(offer['total_amount'], currency)}**")
    for what, amount, line_currency in extras_lines(journey):
        st.markdown(f"- {what}: {fmt.money(amount, line_currency)}")
    total = fmt.money(running_total(journey), currency)
    st.markdown(f'<p class="fb-price">Total {total}</p>', unsafe_allow_html=True)
    st.caption("The airline confirms the final amount when you book.")


def render() -> None:
    journey = state.journey()
    offer = journey.offer
    if offer is None or not journey.passengers:
        navigation.go(Step.PASSENGERS)
    st.subheader("Seats and bags")
    choices, side = st.columns([3, 1])
    with choices:
        _bags(journey, offer)
        _seats(journey, offer)
    drafts.save(journey)  # seats and bags survive a reload
    with side, st.container(border=True):
        summary(journey)
        if st.button("Continue to payment →", type="primary", key="to_payment"):
            navigation.go(Step.PAY)
        if st.button("← Back to travellers", key="back_to_passengers"):
            navigation.go(Step.PASSENGERS)
