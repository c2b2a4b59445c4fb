"""My trips: every booking of the signed-in traveller (an agent: also the agency's
customers'), with pay, documents, change of flight, the airline's changes, cancel,
history and notes."""

from __future__ import annotations

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import state
from farebridge.ui.client import ApiError
from farebridge.ui.feedback import attempt, show_error
from farebridge.ui.models import Cancellation, Order, ScheduleChange
from farebridge.ui.views import agency, change_flight, servicing
from farebridge.ui.views.account import require_login
from farebridge.ui.views.common import itinerary, order_extras, order_prices, tickets
from farebridge.ui.views.payment import pay_hold


def _quotes() -> dict[str, Cancellation]:
    quotes: dict[str, Cancellation] = st.session_state.setdefault("cancel_quotes", {})
    return quotes


def _title(order: Order) -> str:
    first = order["slices"][0]
    where = " · ".join(fmt.route(s) for s in order["slices"])
    status = fmt.STATUSES.get(order["status"], order["status"])
    flag = " · ⚠️ The airline changed a flight" if order.get("airline_initiated_changes") else ""
    return (
        f"{order['booking_reference']} · {where} · {fmt.day(first['departing_at'])} · {status}"
        f"{flag}"
    )


def _note(order: Order) -> None:
    saved = order["metadata"].get("note", "")
    text = st.text_area("Your note on this trip", saved, key=f"note_{order['id']}", max_chars=500)
    if st.button("Save note", key=f"save_note_{order['id']}"):
        updated = attempt(lambda: state.client().update_note(order["id"], text.strip() or None))
        if updated is not None:
            st.session_state["trip_message"] = ("Note saved.", order["id"])
            st.rerun()


def _confirm_cancel(order: Order, quote: Cancellation) -> None:
    servicing.quote_warning(order, quote)
    yes, no, _ = st.columns([1, 1, 2])
    if yes.button("Confirm cancellation", type="primary", key=f"confirm_cancel_{order['id']}"):
        try:
            done = state.client().confirm_cancellation(order["id"], quote["id"])
        except ApiError as error:
            _quotes().pop(order["id"], None)
            show_error(error)
            return
        _quotes().pop(order["id"], None)
        refunded = fmt.money(
            done["cancellation"]["refund_amount"], done["cancellation"]["refund_currency"]
        )
        st.session_state["trip_message"] = (
            f"Trip cancelled. {refunded} will be refunded.",
            order["id"],
        )
        st.rerun()
    if no.button("Keep my trip", key=f"keep_{order['id']}"):
        _quotes().pop(order["id"], None)
        st.rerun()


def _actions(order: Order) -> None:
    if order["payment_status"]["awaiting_payment"]:
        deadline = fmt.instant(order["payment_status"]["payment_required_by"])
        st.markdown(f"**Awaiting payment** — pay by {deadline} or the booking is cancelled.")
        if pay_hold(order, f"trip_{order['id']}") is not None:
            st.session_state["trip_message"] = (
                "Paid. Your e-tickets are being issued.",
                order["id"],
            )
            st.rerun()
    if "cancel" not in order["available_actions"]:  # the API says what may be asked
        return
    quote = _quotes().get(order["id"])
    if quote is not None:
        _confirm_cancel(order, quote)
    elif st.button("Cancel this trip…", key=f"cancel_{order['id']}"):
        _quote(order, "requested_by_customer")


def _quote(order: Order, reason: str) -> None:
    quote = attempt(lambda: state.client().quote_cancellation(order["id"], reason))
    if quote is not None:
        _quotes()[order["id"]] = quote
        st.session_state["open_trip"] = order["id"]
        st.rerun()


def _airline_changes(order: Order) -> None:
    def rebook(change: ScheduleChange) -> None:
        change_flight.start(order, change)

    def cancel(change: ScheduleChange) -> None:
        _quote(order, "schedule_change")

    servicing.pending_schedule_changes(
        order, f"trip_{order['id']}", on_change=rebook, on_cancel=cancel
    )


def _trip(order: Order) -> None:
    message = st.session_state.get("trip_message")
    is_open = st.session_state.get("open_trip") == order["id"] or (
        message is not None and message[1] == order["id"]
    )
    with st.expander(_title(order), expanded=is_open):
        if message is not None and message[1] == order["id"]:
            st.success(message[0])
            del st.session_state["trip_message"]
        st.caption(
            f"{order['owner']['name']} · {order['fare_brand_name']} fare · "
            f"booked {fmt.instant(order['created_at'])}"
        )
        _airline_changes(order)
        tickets(order)
        papers = servicing.account_papers(state.client(), order["id"])
        servicing.documents(order, papers, f"trip_{order['id']}")
        itinerary(order["slices"])
        order_extras(order)
        order_prices(order)
        if order["cancelled_at"]:
            st.caption(f"Cancelled on {fmt.instant(order['cancelled_at'])}")
        change_flight.render(order)
        _actions(order)
        servicing.history(papers, f"trip_{order['id']}")
        _note(order)


def render() -> None:
    st.subheader("My trips")
    if not require_login("Sign in to see your trips."):
        return
    customer = agency.trips_owner_picker()
    if st.button("↻ Refresh", key="refresh_trips"):
        st.rerun()
    limit = st.session_state.get("trip_limit", 20)
    page = attempt(lambda: state.client().list_orders(limit=limit, customer_id=customer))
    if page is None:
        return
    if not page.items:
        st.info("No trips yet. Book a flight and it will appear here.")
        return
    for order in page.items:
        _trip(order)
    if page.after and st.button("Show older trips", key="older_trips"):
        st.session_state["trip_limit"] = st.session_state.get("trip_limit", 20) + 20
        st.rerun()
