"""Moving between steps through the URL (ADR 0035).

Every move writes the step and what it shows into the URL's query, which adds an
entry to the browser's history; Back, Forward, a reload or a shared link change
the query, and :func:`follow_url` rebuilds the journey from it: the search (run
again when its id is not readable), the offer (re-checked), the signed-in
traveller's draft (passengers, seats, bags) and the order.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn
from urllib.parse import urlencode

import streamlit as st

from farebridge.ui import drafts, state, urls
from farebridge.ui.client import ApiError
from farebridge.ui.state import Criteria, Journey, Step
from farebridge.ui.urls import Query

log = logging.getLogger("farebridge.ui")
SYNCED = "synced_query"


def _normalised(query: Query) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        sorted((key, tuple(v) if isinstance(v, list) else (v,)) for key, v in query.items())
    )


def _current() -> Query:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def write_url(journey: Journey) -> None:
    """Put the journey in the URL (a new history entry when it changed)."""
    query = urls.journey_query(journey)
    st.session_state[SYNCED] = _normalised(query)
    if _normalised(_current()) != _normalised(query):
        st.query_params.from_dict(query)


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


def follow_url() -> None:
    """After a reload, Back, Forward or an opened link: make the journey match the URL."""
    current = _current()
    synced = st.session_state.get(SYNCED)
    if synced == _normalised(current):
        return
    journey = state.journey()
    try:
        _follow(journey, current)
    except ApiError as error:
        log.info("ui.follow_url_failed", extra={"code": error.code})
        journey.step = min(journey.step, journey.furthest_step())
    st.session_state[SYNCED] = _normalised(current)
    if synced is not None:
        # Back or Forward in this session: Streamlit replaces the history entry when the
        # query changes now, so the entry gains what it lacked (the draft made since).
        write_url(journey)


def _follow(journey: Journey, params: Query) -> None:
    name = urls.step_from(params)
    target = urls.STEP_NAMES[name]
    if target == Step.SEARCH:
        journey.step = Step.SEARCH
        return
    criteria = urls.criteria_from(params) or journey.criteria
    if criteria is None:
        journey.step = Step.SEARCH
        return
    known = journey.criteria == criteria and journey.offer_request is not None
    if not (known or _reuse_search(journey, criteria, urls.one(params, "search"))):
        from farebridge.ui.views.search import run_search  # the search page shows progress

        if not run_search(criteria):
            journey.step = Step.SEARCH
            return
    journey.step = Step.SELECT
    if name == "results":
        journey.choose_offer(None)
        return
    if not _follow_offer(journey, urls.one(params, "offer")):
        return
    if target >= Step.PASSENGERS:
        drafts.restore(journey, urls.one(params, "draft"))
    if target == Step.CONFIRMATION:
        order_id = urls.one(params, "order")
        if order_id and (journey.order is None or journey.order["id"] != order_id):
            journey.order = state.client().get_order(order_id)
    journey.step = min(target, journey.furthest_step())


def _follow_offer(journey: Journey, offer_id: str | None) -> bool:
    """The URL's offer, re-checked with the airline when it is not the one shown."""
    if offer_id is None:
        journey.choose_offer(None)
        return False
    if journey.offer is not None and journey.offer["id"] == offer_id:
        return True
    client = state.client()
    with st.spinner("Checking price and availability with the airline…"):
        try:
            offer = client.get_offer(offer_id)
        except ApiError:
            st.warning("That flight is no longer on sale; here are the fares found again.")
            journey.choose_offer(None)
            return False
    journey.choose_offer(offer)
    try:
        journey.fare_rules = client.get_fare_rules(offer_id)
    except ApiError:
        journey.fare_rules = None
    return True


def _reuse_search(journey: Journey, criteria: Criteria, request_id: str | None) -> bool:
    """Show the URL's search again when the API still has it for this visitor."""
    if request_id is None:
        return False
    try:
        request = state.client().get_offer_request(request_id)
    except ApiError:
        return False
    if request["status"] != "complete":
        return False
    from farebridge.ui.views.search import show_results

    show_results(journey, criteria, request)
    return True
