"""Moving between steps through the URL (ADR 0035).

Every move writes the step and what it shows into the URL's query, which adds an
entry to the browser's history; Back, Forward, a reload or a shared link change
the query, and ``views.restore.follow_url`` rebuilds the journey from it.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlencode

import streamlit as st

from farebridge.ui import currency, drafts, state, urls
from farebridge.ui.state import Criteria, Journey, Step
from farebridge.ui.urls import Query

SYNCED = "synced_query"
NAV = "nav"  # the sidebar's choice of page


def normalised(query: Query) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        sorted((key, tuple(v) if isinstance(v, list) else (v,)) for key, v in query.items())
    )


def current_query() -> Query:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _with_guest_currency(query: Query) -> Query:
    """A signed-out visitor's currency goes into every address."""
    guest = currency.guest_choice()
    if guest is not None:
        query["currency"] = guest
    return query


def write_query(query: Query) -> None:
    """Show ``query`` in the URL (a new history entry when it changed)."""
    query = _with_guest_currency(query)
    st.session_state[SYNCED] = normalised(query)
    if normalised(current_query()) != normalised(query):
        st.query_params.from_dict(query)


def write_url(journey: Journey) -> None:
    """Put the journey in the URL (a new history entry when it changed)."""
    write_query(urls.journey_query(journey))


def go(step: Step) -> NoReturn:
    """Show ``step``: keep the draft, write the URL, rerun."""
    journey = state.journey()
    journey.step = step
    if step >= Step.PASSENGERS:
        drafts.save(journey)
    write_url(journey)
    st.rerun()


def search_link(criteria: Criteria) -> str:
    """``?step=results&from=…``: the query that reproduces this search for anyone."""
    query: dict[str, Any] = {"step": "results", **urls.criteria_query(criteria)}
    return "?" + urlencode(query, doseq=True)


def page_chosen() -> None:
    """The sidebar's page was changed: give it its address (a new history entry)."""
    page = str(st.session_state.get(NAV, urls.BOOK))
    if page in urls.PAGE_STEPS:
        write_query({"step": urls.PAGE_STEPS[page]})
    else:
        write_url(state.journey())


def shown_query() -> str:
    """``?…``: the address of the page this session shows, from what it shows (the
    sidebar's page, the journey's step), not from the browser's address bar, which a
    late write of an earlier run can still change after Back or Forward."""
    page = str(st.session_state.get(NAV, urls.BOOK))
    if page in urls.PAGE_STEPS:
        query: Query = {"step": urls.PAGE_STEPS[page]}
    else:
        query = urls.journey_query(state.journey())
    query = _with_guest_currency(query)
    # What the address says that the page does not write itself stays: the currency of
    # an account that saved none, a link's own parameters.
    for key, value in current_query().items():
        if key not in query and (key == "currency" or key not in urls.JOURNEY_KEYS):
            query[key] = value
    return "?" + urlencode(query, doseq=True)


def show_page(page: str) -> None:
    """Open ``page`` from a callback (a button), as the sidebar would."""
    st.session_state[NAV] = page
    page_chosen()
