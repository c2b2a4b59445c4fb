"""After booking: an order's PDFs, its history, and the airline's changes to it.

Shared by My trips (the signed-in owner, or an agent of the owner's agency) and
Manage booking (a manage token from the reference and family name), which reach the
same papers through different routes: a :class:`Papers` says which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st

from farebridge.ui import format as fmt
from farebridge.ui import state
from farebridge.ui.client import ApiClient, ApiError
from farebridge.ui.feedback import attempt, show_error
from farebridge.ui.models import (
    Cancellation,
    ChangedSegment,
    Order,
    OrderDocumentFile,
    OrderEvent,
    ScheduleChange,
)

DOCUMENT_LABELS = {
    "e_ticket": "⬇ E-ticket (PDF)",
    "cancellation_receipt": "⬇ Cancellation receipt (PDF)",
}


@dataclass(frozen=True, slots=True)
class Papers:
    """How to reach one order's PDFs and history."""

    list_documents: Callable[[], list[OrderDocumentFile]]
    download: Callable[[str], bytes]
    events: Callable[[], list[OrderEvent]]


def account_papers(client: ApiClient, order_id: str) -> Papers:
    return Papers(
        list_documents=partial(client.list_documents, order_id),
        download=partial(client.download_document, order_id),
        events=partial(client.list_events, order_id),
    )


def token_papers(client: ApiClient, manage_token: str) -> Papers:
    return Papers(
        list_documents=partial(client.managed_documents, manage_token),
        download=partial(client.download_managed_document, manage_token),
        events=partial(client.managed_events, manage_token),
    )


def documents(order: Order, papers: Papers, key: str) -> None:
    """A download button per PDF the API lists for the order (none: a word on when); asked
    only when the order says it has some (its ``available_actions``)."""
    if "documents" not in order["available_actions"]:
        return
    found = attempt(papers.list_documents)
    if found is None:
        return
    if not found:
        st.caption("Your documents are being prepared; refresh in a moment.")
        return
    for document in found:
        kind = document["kind"]
        st.download_button(
            DOCUMENT_LABELS.get(kind, document["filename"]),
            data=partial(papers.download, kind),  # fetched when clicked
            file_name=document["filename"],
            mime=document["content_type"],
            key=f"{key}_document_{kind}",
            on_click="ignore",
        )


def quote_warning(order: Order, quote: Cancellation) -> None:
    """What a cancellation refunds and costs, before the traveller confirms it."""
    refund = fmt.money(quote["refund_amount"], quote["refund_currency"])
    penalty = fmt.money(quote["penalty_amount"], quote["penalty_currency"])
    paid = fmt.money(order["total_amount"], order["total_currency"])
    st.warning(
        f"You paid {paid}. **Cancelling refunds {refund}** to "
        f"{quote['refund_to'].replace('_', ' ')}; the fare's cancellation penalty is {penalty}. "
        f"This quote is valid until {fmt.instant(quote['expires_at'])}.",
        icon="💸",
    )


def history(papers: Papers, key: str) -> None:
    """The order's events, newest first, in plain words (behind a switch: one more call)."""
    if not st.toggle("Show the booking's history", key=f"{key}_history"):
        return
    events = attempt(papers.events)
    if events is None:
        return
    lines = [
        f"- {fmt.instant(item['occurred_at'])} — {fmt.event(item['type'], item['to_status'])}"
        for item in reversed(events)
    ]
    st.markdown("\n".join(lines) if lines else "Nothing has happened to this booking yet.")


def _times(segment: ChangedSegment | None) -> str:
    if segment is None:
        return "—"
    if segment["cancelled"]:
        return "**cancelled by the airline**"
    leaves, lands = segment["departing_at"], segment["arriving_at"]
    return f"{fmt.local_time(leaves)} → {fmt.clock(lands)}{fmt.days_later(leaves, lands)}"


def schedule_change_table(change: ScheduleChange) -> None:
    """Old and new times of each flight the airline touched."""
    after = {segment["segment_id"]: segment for segment in change["after"]}
    rows = ["| Flight | Was | Now |", "|---|---|---|"]
    for before in change["before"]:
        now = after.get(before["segment_id"])
        moved = now is None or now != before
        rows.append(
            f"| {before['flight']} {before['origin']}→{before['destination']} "
            f"| {_times(before)} | {_times(now)}"
            f"{' ⚠️' if moved else ''} |"
        )
    st.markdown("\n".join(rows))
    if change["connection_broken"]:
        st.error(
            "With the new times you no longer have enough time to make your connection.",
            icon="⛔",
        )


def pending_schedule_changes(
    order: Order,
    key: str,
    *,
    on_change: Callable[[ScheduleChange], None] | None,
    on_cancel: Callable[[ScheduleChange], None] | None,
) -> None:
    """Each pending airline change with the answers the API offers for it. Without the
    callbacks (a looked-up booking) the change is shown, not answered."""
    for change in order.get("airline_initiated_changes", []):
        with st.container(border=True):
            st.markdown(f"**✈️ The airline changed your booking.** {change['message']}")
            schedule_change_table(change)
            if on_change is None or on_cancel is None:
                continue
            _answers(order, change, key, on_change, on_cancel)


def _answers(
    order: Order,
    change: ScheduleChange,
    key: str,
    on_change: Callable[[ScheduleChange], None],
    on_cancel: Callable[[ScheduleChange], None],
) -> None:
    actions = change["available_actions"]
    st.caption(
        "Accept the new times, or reject them: choose another flight free of charge, "
        "or cancel with a full refund."
    )
    accept, other, cancel = st.columns(3)
    base = f"{key}_sch_{change['id']}"
    if "accept" in actions and accept.button(
        "Accept the new times", key=f"{base}_accept", type="primary", width="stretch"
    ):
        try:
            state.client().accept_schedule_change(order["id"], change["id"])
        except ApiError as error:
            show_error(error)
            return
        st.session_state["trip_message"] = ("You accepted the airline's new times.", order["id"])
        st.rerun()
    if "change" in actions and other.button(
        "Reject: choose another flight", key=f"{base}_change", width="stretch"
    ):
        on_change(change)
    if "cancel" in actions and cancel.button(
        "Reject: cancel for a full refund…", key=f"{base}_cancel", width="stretch"
    ):
        on_cancel(change)
