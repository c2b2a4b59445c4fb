"""The booking web site: ``streamlit run src/farebridge/ui/app.py``.

Talks to the API at ``FAREBRIDGE_UI_API_URL`` (default http://127.0.0.1:8000/api).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from farebridge.ui import navigation, session, state, urls
from farebridge.ui.feedback import show_remembered_error
from farebridge.ui.state import Step
from farebridge.ui.views import (
    account,
    common,
    confirmation,
    extras,
    header,
    manage,
    passengers,
    payment,
    restore,
    results,
    search,
    trips,
)

log = logging.getLogger("farebridge.ui")
PAGES = (urls.BOOK, *urls.PAGE_STEPS)
STEPS: dict[Step, Callable[[], None]] = {
    Step.SEARCH: search.render,
    Step.SELECT: results.render,
    Step.PASSENGERS: passengers.render,
    Step.EXTRAS: extras.render,
    Step.PAY: payment.render,
    Step.CONFIRMATION: confirmation.render,
}


def booking() -> None:
    journey = state.journey()
    common.progress(journey.step)
    header.booking_note(journey)
    STEPS[journey.step]()


def main() -> None:
    st.set_page_config(page_title="farebridge — book a flight", page_icon="✈️", layout="wide")
    common.inject_style()
    session.restore_login()
    session.navigate_if_pending()
    restore.follow_page()
    st.session_state[account.FORMS_IN_PAGE] = False
    who = st.sidebar.container()  # filled once the page is drawn
    header.render()
    with st.sidebar:
        page = st.radio("Go to", PAGES, key=navigation.NAV, on_change=navigation.page_chosen)
        st.caption("Sandbox: flights and payments are simulated; no money moves.")
    show_remembered_error()
    try:
        if page == "My trips":
            trips.render()
        elif page == "Manage booking":
            manage.render()
        else:
            restore.follow_url()
            booking()
    except Exception:
        log.exception("ui.page_failed")
        st.error(
            "Sorry, something went wrong while showing this page. "
            "Please try again, or start a new search."
        )
    account.sidebar(who)  # not after a rerun or a stop: the next run draws it


main()
