"""Flexible searches: a strip of days per flight with the cheapest fare of each.

A return search shows two strips, outbound and return; each day's price is
the cheapest fare with the other flight on its chosen day. Clicking a day
shows that day's flights.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import streamlit as st

from farebridge.ui import state
from farebridge.ui.feedback import attempt
from farebridge.ui.models import CalendarDay
from farebridge.ui.state import Results
from farebridge.ui.views.search import load_offers

STRIP_NAMES = ("Outbound", "Return")


def _calendar(results: Results, request_id: str) -> list[CalendarDay]:
    """The search's calendar, fetched once."""
    if results.calendar is None:
        results.calendar = attempt(lambda: state.client().get_calendar(request_id)) or []
    return results.calendar


def _label(day: str, found: CalendarDay | None) -> str:
    """``Wed 16 Dec`` over ``USD 446``: the day and its cheapest fare, rounded."""
    when = date.fromisoformat(day).strftime("%a %d %b")
    amount = found["cheapest_total_amount"] if found else None
    if found is None or amount is None:
        return f"{when}  \n—"
    return f"{when}  \n{found['total_currency']} {Decimal(amount):,.0f}"


def _strip(
    index: int, results: Results, by_dates: dict[tuple[str, ...], CalendarDay], request_id: str
) -> None:
    """One button per day searched for flight ``index``; the chosen one is highlighted."""
    days = sorted({dates[index] for dates in by_dates})
    chosen = results.departure_dates
    columns = st.columns(len(days))
    for column, day in zip(columns, days, strict=True):
        dates = (*chosen[:index], day, *chosen[index + 1 :])
        found = by_dates.get(dates)
        clicked = column.button(
            _label(day, found),
            key=f"day_{index}_{day}",
            type="primary" if day == chosen[index] else "secondary",
            disabled=found is None or found["offers_count"] == 0,
            width="stretch",
        )
        if clicked and dates != chosen:
            results.departure_dates = dates
            load_offers(results, request_id, reset=True)
            st.rerun()


def render(results: Results, request_id: str) -> None:
    """The strips above the results of a flexible search (one-way or return)."""
    calendar = _calendar(results, request_id)
    if not calendar:
        return
    by_dates = {tuple(day["departure_dates"]): day for day in calendar}
    st.markdown("**Cheapest fare per day** · pick a day to see its flights")
    for index in range(len(results.departure_dates)):
        if len(results.departure_dates) > 1:
            st.caption(STRIP_NAMES[index])
        _strip(index, results, by_dates, request_id)
