"""The top of every page: the currency every price is shown in.

A change is saved at once (the account's preferred currency, or the visitor's URL);
results on screen are then searched again in it (``views.results``).
"""

from __future__ import annotations

import streamlit as st

from farebridge.ui import currency, navigation, state, urls
from farebridge.ui.state import Journey, Step

KEY = "header_currency"


def render() -> None:
    known = currency.codes()
    if not known:
        return
    current = currency.chosen()
    if st.session_state.get(KEY) != current:
        st.session_state[KEY] = current  # the account's or the URL's, not a stale widget
    with st.container(key="fb_header", horizontal=True, horizontal_alignment="right"):
        st.selectbox(
            "Prices in",
            known,
            key=KEY,
            format_func=lambda code: f"Prices in {code}",
            on_change=_changed,
            label_visibility="collapsed",
            width=170,
            help="Every price is shown and paid in this currency. Signed in, it is saved "
            "with your account.",
        )


def _changed() -> None:
    code = st.session_state.get(KEY)
    if not code or not currency.choose(str(code)):
        return
    journey = state.journey()
    on_results = st.session_state.get(navigation.NAV, urls.BOOK) == urls.BOOK and (
        journey.step == Step.SELECT and journey.offer is None
    )
    if on_results:
        return  # the results are searched again in it, and that writes the address once
    if state.login() is None:  # the visitor's choice lives in the address
        query = navigation.current_query()
        query["currency"] = str(code)
        navigation.write_query(query)


def booking_note(journey: Journey) -> None:
    """A booking under way keeps the currency it was priced in; say so when it differs."""
    chosen = currency.chosen()
    priced_in = journey.offer["total_currency"] if journey.offer is not None else None
    if chosen is None or priced_in is None or priced_in == chosen:
        return
    st.caption(
        f"This booking stays in {priced_in}, the currency it was priced in; "
        f"your next search will be in {chosen}."
    )
