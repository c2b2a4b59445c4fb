"""Pieces several pages show: progress steps, itineraries, field messages, styles."""

from __future__ import annotations

from datetime import datetime
from html import escape

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui.models import Order, OrderService, Slice
from farebridge.ui.state import Step

STYLE = """
<style>
.fb-progress {display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; margin:.2rem 0 1rem 0;}
.fb-step {padding:.25rem .7rem; border-radius:1rem; font-size:.9rem; border:1px solid #d0d4da;
          color:#6b7280; background:#fff;}
.fb-step.fb-done {color:#166534; border-color:#86efac; background:#f0fdf4;}
.fb-step.fb-current {color:#fff; background:#1d4ed8; border-color:#1d4ed8; font-weight:600;}
.fb-arrow {color:#9ca3af;}
.fb-field-error {color:#b91c1c; font-size:.85rem; margin:-.6rem 0 .6rem 0;}
.fb-price {font-size:1.5rem; font-weight:700; margin:0;}
/* Captions dark enough to read (WCAG AA 4.5:1 on white and on the sidebar's grey). */
[data-testid="stCaptionContainer"] {color:#4b5563 !important; opacity:1 !important;}
[data-testid="stCaptionContainer"] p {color:#4b5563 !important;}
div[class*="st-key-seat_"] button {min-height:2.1rem; padding:.1rem .15rem; width:100%;}
div[class*="st-key-seat_"] button p {font-size:.8rem;}
.fb-seat-side {font-size:.7rem; color:#b45309; text-align:center; padding-top:.5rem;}
.fb-seat-aisle {font-size:.75rem; color:#6b7280; text-align:center; padding-top:.5rem;}
.fb-legend span {display:inline-block; margin-right:1rem;}
[data-testid="stMarkdownContainer"] code {white-space:nowrap;}
.fb-seat-prices {font-size:.85rem; margin:.2rem 0 .6rem 0;}
/* Phones: a seat map keeps its rows (Streamlit stacks columns below 640 px). */
@media (max-width: 640px) {
  div[class*="st-key-fb_seatmap"] [data-testid="stHorizontalBlock"] {
    flex-wrap:nowrap !important; gap:2px !important;}
  div[class*="st-key-fb_seatmap"] [data-testid="stColumn"] {
    min-width:0 !important; width:auto !important; flex:1 1 0 !important;}
  div[class*="st-key-fb_seatmap"] .fb-seat-side,
  div[class*="st-key-fb_seatmap"] .fb-seat-aisle {font-size:.55rem; padding-top:.2rem;}
  div[class*="st-key-seat_"] button {min-height:2.2rem; padding:0 !important;}
  div[class*="st-key-seat_"] button p {font-size:.62rem;}
  .fb-legend span {margin-right:.6rem; font-size:.8rem;}
}
</style>
"""


def inject_style() -> None:
    st.markdown(STYLE, unsafe_allow_html=True)


def progress(current: Step) -> None:
    """Search → Select → Passengers → Extras → Pay → Confirmation, current one marked."""
    parts = []
    for step in Step:
        if step < current:
            css, mark = "fb-done", "✓"
        elif step == current:
            css, mark = "fb-current", str(step.value + 1)
        else:
            css, mark = "fb-todo", str(step.value + 1)
        parts.append(f'<span class="fb-step {css}">{mark} {step.label}</span>')
    arrow = ' <span class="fb-arrow">→</span> '
    html = f'<div class="fb-progress">{arrow.join(parts)}</div>'
    st.markdown(html, unsafe_allow_html=True)


def field_error(errors: dict[str, str], name: str) -> None:
    if name in errors:
        st.markdown(
            f'<div class="fb-field-error">⚠ {escape(errors[name])}</div>', unsafe_allow_html=True
        )


def slice_line(item: Slice) -> str:
    """``**14:20** JFK → **08:55** (+1) LHR``."""
    end = fmt.arrival(item)
    return (
        f"**{fmt.clock(item['departing_at'])}** {item['origin']['iata_code']} → "
        f"**{fmt.clock(end)}**{fmt.days_later(item['departing_at'], end)} "
        f"{item['destination']['iata_code']}"
    )


def slice_caption(item: Slice) -> str:
    return f"{fmt.day(item['departing_at'])} · {fmt.duration(item['duration'])} · {fmt.stops(item)}"


def _layover(previous_arrival: str, next_departure: str) -> str:
    gap = datetime.fromisoformat(next_departure) - datetime.fromisoformat(previous_arrival)
    minutes = int(gap.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"


def segments(item: Slice) -> None:
    """Each flight of a slice, with layovers between them."""
    for index, segment in enumerate(item["segments"]):
        if index:
            previous = item["segments"][index - 1]
            wait = _layover(previous["arriving_at"], segment["departing_at"])
            st.caption(f"⏱ Change planes in {segment['origin']['city_name']}: {wait} layover")
        carrier = segment["marketing_carrier"]
        operated = segment["operating_carrier"]
        by = (
            ""
            if operated["iata_code"] == carrier["iata_code"]
            else f", operated by {operated['name']}"
        )
        st.markdown(
            f"✈ **{carrier['iata_code']} {segment['marketing_carrier_flight_number']}** "
            f"{carrier['name']}{by} · {segment['aircraft']['name']} · "
            f"{fmt.CABINS.get(segment['cabin_class'], segment['cabin_class'])}"
        )
        st.markdown(
            f"{fmt.day(segment['departing_at'])} **{fmt.clock(segment['departing_at'])}** "
            f"{segment['origin']['name']} ({segment['origin']['iata_code']}) → "
            f"**{fmt.clock(segment['arriving_at'])}**"
            f"{fmt.days_later(segment['departing_at'], segment['arriving_at'])} "
            f"{segment['destination']['name']} ({segment['destination']['iata_code']}) · "
            f"{fmt.duration(segment['duration'])}"
        )
        st.caption(f"🧳 Included: {fmt.baggage(segment['baggages'])}")


def itinerary(slices: list[Slice]) -> None:
    for index, item in enumerate(slices):
        title = (
            "Outbound" if index == 0 else ("Return" if len(slices) == 2 else f"Flight {index + 1}")
        )
        st.markdown(
            f"##### {title}: {item['origin']['city_name']} → {item['destination']['city_name']}"
        )
        st.caption(slice_caption(item) + f" · {item['fare_brand_name']} fare")
        segments(item)


def passenger_name(order: Order, passenger_id: str) -> str:
    for passenger in order["passengers"]:
        if passenger["id"] == passenger_id:
            return f"{passenger['given_name']} {passenger['family_name']}"
    return passenger_id


def tickets(order: Order) -> None:
    for passenger in order["passengers"]:
        numbers = [
            d["unique_identifier"]
            for d in order["documents"]
            if d["passenger_id"] == passenger["id"]
        ]
        name = f"{passenger['given_name']} {passenger['family_name']}"
        kind = fmt.PASSENGER_TYPES.get(passenger["type"], passenger["type"])
        shown = ", ".join(f"`{n}`" for n in numbers) if numbers else "not issued yet"
        if numbers and order["status"] == "cancelled":
            shown += " (cancelled)"
        st.markdown(f"- **{name}** ({kind}) — e-ticket {shown}")


def _where(order: Order, service: OrderService) -> str:
    for item in order["slices"]:
        if item["id"] == service["slice_id"]:
            return fmt.route(item)
        for segment in item["segments"]:
            if segment["id"] == service["segment_id"]:
                return f"{segment['origin']['iata_code']} → {segment['destination']['iata_code']}"
    return ""


def order_extras(order: Order) -> None:
    for service in order["services"]:
        who = passenger_name(order, service["passenger_id"])
        price = fmt.money(service["total_amount"], service["total_currency"])
        where = _where(order, service)
        if service["type"] == "seat":
            st.markdown(f"- 💺 {where}: seat **{service['designator']}** for {who} — {price}")
        else:
            bags = f"{service['quantity']} extra bag{'s' if service['quantity'] > 1 else ''}"
            st.markdown(f"- 🧳 {where}: {bags} for {who} — {price}")


def order_prices(order: Order) -> None:
    currency = order["total_currency"]
    st.markdown(
        f"Fare {fmt.money(order['base_amount'], currency)} · "
        f"taxes {fmt.money(order['tax_amount'], currency)} · "
        f"extras {fmt.money(order['services_amount'], currency)} · "
        f"**total {fmt.money(order['total_amount'], currency)}**"
    )
