"""Change a flight of a booked trip (the API's change flow, ADR 0012): ask for other
flights on a date, see each one's price difference and change penalty, choose one,
then confirm and pay the difference. Nothing is booked before the confirm button.

For an airline schedule change the same flow runs with the change's id: the API then
offers other flights free of charge, for the affected flight only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import state
from farebridge.ui.client import ApiError
from farebridge.ui.feedback import plain_message, show_error
from farebridge.ui.models import (
    ChangeOffer,
    Order,
    OrderChange,
    PricedChange,
    ScheduleChange,
    Slice,
)
from farebridge.ui.validation import local_today
from farebridge.ui.views.common import slice_caption, slice_line
from farebridge.ui.views.payment import card_picker

DATE_FIELD = "slices.add[0].departure_date"
# The API's answers that void what was priced: search again.
STALE = {"order_changed", "offer_expired", "order_change_offer_not_found"}


@dataclass
class ChangeFlow:
    """One trip's change in progress (kept in the session)."""

    slice_id: str
    schedule_change_id: str | None = None
    offers: list[ChangeOffer] | None = None
    chosen: OrderChange | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _flows() -> dict[str, ChangeFlow]:
    flows: dict[str, ChangeFlow] = st.session_state.setdefault("change_flows", {})
    return flows


def start(order: Order, schedule_change: ScheduleChange | None = None) -> None:
    """Open the change form on the order (for an airline change: its flight only)."""
    if schedule_change is not None and schedule_change["slice_ids"]:
        flow = ChangeFlow(schedule_change["slice_ids"][0], schedule_change["id"])
    else:
        flow = ChangeFlow(order["slices"][0]["id"])
    _flows()[order["id"]] = flow
    st.session_state["open_trip"] = order["id"]
    st.rerun()


def _stop(order_id: str) -> None:
    _flows().pop(order_id, None)
    st.rerun()


def render(order: Order) -> None:
    """The change section of a trip: a button, or the flow in progress."""
    flow = _flows().get(order["id"])
    if flow is None:
        if "change" in order["available_actions"] and st.button(
            "Change a flight…", key=f"change_{order['id']}"
        ):
            start(order)
        return
    with st.container(border=True):
        st.markdown("**Change a flight**")
        if flow.chosen is not None:
            _confirm(order, flow, flow.chosen)
        elif flow.offers is not None:
            _offers(order, flow, flow.offers)
        else:
            _ask(order, flow)


def _slice_label(item: Slice) -> str:
    return f"{fmt.route(item)} · {fmt.day(item['departing_at'])}"


def _ask(order: Order, flow: ChangeFlow) -> None:
    key = f"chg_{order['id']}"
    slices = {item["id"]: item for item in order["slices"]}
    if flow.schedule_change_id is None and len(slices) > 1:
        chosen = st.radio(
            "Which flight?",
            list(slices),
            format_func=lambda i: _slice_label(slices[i]),
            key=f"{key}_slice",
        )
        flow.slice_id = str(chosen or flow.slice_id)
    current = slices[flow.slice_id]
    if flow.schedule_change_id is not None:
        st.caption(f"Free of charge, because the airline changed it: {_slice_label(current)}")
    else:
        st.caption(f"Now: {slice_line(current)}")
    when = st.date_input(
        "New departure date",
        value=max(datetime.fromisoformat(current["departing_at"]).date(), local_today()),
        min_value=local_today(),
        key=f"{key}_date",
        format="YYYY-MM-DD",
    )
    if flow.errors.get(DATE_FIELD):
        st.error(flow.errors[DATE_FIELD], icon="📅")
    find, keep, _ = st.columns([1, 1, 1])
    if find.button("Find flights", type="primary", key=f"{key}_find"):
        _search(order, flow, when.isoformat() if isinstance(when, date) else "")
    if keep.button("Keep my flights", key=f"{key}_keep"):
        _stop(order["id"])


def _search(order: Order, flow: ChangeFlow, departure_date: str) -> None:
    client = state.client()
    try:
        with st.spinner("Looking for flights…"):
            request = client.request_change(
                order, flow.slice_id, departure_date, flow.schedule_change_id
            )
            offers = client.list_change_offers(request["id"]).items
    except ApiError as error:
        if error.field and error.field.startswith("slices.add"):
            flow.errors = {DATE_FIELD: error.message}
            st.rerun()
        show_error(error)
        return
    flow.errors = {}
    flow.offers = offers
    st.rerun()


def difference(offer: PricedChange) -> str:
    """What the change costs or gives back, in words, with the penalty inside it."""
    total = Decimal(offer["change_total_amount"])
    currency = offer["change_total_currency"]
    penalty = Decimal(offer["penalty_total_amount"])
    fee = (
        f" (includes a change fee of {fmt.money(offer['penalty_total_amount'], currency)})"
        if penalty > 0
        else " (no change fee)"
    )
    if total > 0:
        return f"Price difference **+{fmt.money(offer['change_total_amount'], currency)}**{fee}"
    if total < 0:
        back = fmt.money(str(-total), currency)
        return f"**{back} back** to your {_refund_to(offer)}{fee}"
    return f"**No price difference**{fee}"


def _refund_to(offer: PricedChange) -> str:
    return (offer["refund_to"] or "original form of payment").replace("_", " ")


def _offers(order: Order, flow: ChangeFlow, offers: list[ChangeOffer]) -> None:
    key = f"chg_{order['id']}"
    if not offers:
        st.info("No other flights on that date. Try another date.")
    for offer in offers:
        with st.container(border=True):
            for item in offer["slices"]["add"]:
                st.markdown(slice_line(item))
                st.caption(slice_caption(item) + f" · {item['fare_brand_name']} fare")
            st.markdown(difference(offer))
            new_total = fmt.money(offer["new_total_amount"], offer["new_total_currency"])
            st.caption(f"New trip total {new_total}")
            if st.button("Choose this flight", key=f"{key}_pick_{offer['id']}"):
                _choose(order, flow, offer)
    again, keep, _ = st.columns([1, 1, 1])
    if again.button("Another date", key=f"{key}_again"):
        flow.offers = None
        st.rerun()
    if keep.button("Keep my flights", key=f"{key}_keep_offers"):
        _stop(order["id"])


def _choose(order: Order, flow: ChangeFlow, offer: ChangeOffer) -> None:
    try:
        with st.spinner("Checking the flight with the airline…"):
            flow.chosen = state.client().create_change(offer["id"])
    except ApiError as error:
        _refused(flow, error)
        return
    st.rerun()


def _refused(flow: ChangeFlow, error: ApiError) -> None:
    """Show why; when what was priced is void, go back to asking for flights."""
    if error.code in STALE or error.status == 404:
        flow.offers, flow.chosen = None, None
        flow.errors = {DATE_FIELD: f"{plain_message(error)} Search again."}
        st.rerun()
    show_error(error)


def _confirm(order: Order, flow: ChangeFlow, change: OrderChange) -> None:
    key = f"chg_{order['id']}"
    for old, new in zip(change["slices"]["remove"], change["slices"]["add"], strict=False):
        st.markdown(
            f"~~{fmt.day(old['departing_at'])} {slice_line(old)}~~  \n"
            f"→ {fmt.day(new['departing_at'])} {slice_line(new)}"
        )
    st.markdown(difference(change))
    st.caption(f"Confirm before {fmt.instant(change['expires_at'])}; nothing changes until then.")
    due = Decimal(change["change_total_amount"]) > 0
    token = card_picker(f"{key}_card") if due else None
    amount = fmt.money(change["change_total_amount"], change["change_total_currency"])
    label = f"Confirm and pay {amount}" if due else "Confirm the change"
    confirm, back, _ = st.columns([1, 1, 1])
    if confirm.button(label, type="primary", key=f"{key}_confirm"):
        try:
            with st.spinner("Changing your flight with the airline…"):
                state.client().confirm_change(change, token)
        except ApiError as error:
            _refused(flow, error)
            return
        _flows().pop(order["id"], None)
        st.session_state["trip_message"] = (
            "Flight changed. Your new e-tickets are being issued.",
            order["id"],
        )
        st.rerun()
    if back.button("Back to the flights", key=f"{key}_back"):
        flow.chosen = None
        st.rerun()
