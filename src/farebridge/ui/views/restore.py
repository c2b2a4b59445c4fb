"""After a reload, Back, Forward or an opened link: the journey the URL names (ADR 0035).

The search is shown again (run again when its id is not readable by this visitor),
the offer re-checked with the airline, the signed-in traveller's draft read back
(passengers, seats, bags) and the order loaded; a step whose data is missing falls
back to the furthest step that has it.
"""

from __future__ import annotations

import logging

import streamlit as st

from farebridge.ui import currency, drafts, state, urls
from farebridge.ui.client import ApiError
from farebridge.ui.navigation import NAV, SYNCED, current_query, normalised, write_url
from farebridge.ui.state import Criteria, Journey, Step
from farebridge.ui.urls import Query
from farebridge.ui.views.results import FILTER_WIDGETS
from farebridge.ui.views.search import load_offers, run_search, show_results

log = logging.getLogger("farebridge.ui")


def follow_page() -> None:
    """After a reload, Back, Forward or an opened link: show the page the URL names.
    Runs before the sidebar's choice of page is drawn; the booking's steps are followed
    later, by :func:`follow_url`."""
    current = current_query()
    synced = st.session_state.get(SYNCED)
    if synced == normalised(current) or (synced is None and "step" not in current):
        return  # nothing new (or a first visit to the bare address: the page chosen stays)
    page = urls.page_from(current)
    st.session_state[NAV] = page
    if page != urls.BOOK:
        st.session_state[SYNCED] = normalised(current)


def follow_url() -> None:
    """After a reload, Back, Forward or an opened link: make the journey match the URL."""
    current = current_query()
    synced = st.session_state.get(SYNCED)
    if synced == normalised(current):
        return
    journey = state.journey()
    try:
        _follow(journey, current)
    except ApiError as error:
        log.info("ui.follow_url_failed", extra={"code": error.code})
        journey.step = min(journey.step, journey.furthest_step())
    st.session_state[SYNCED] = normalised(current)
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
    if target == Step.CONFIRMATION:
        _follow_order(journey, urls.one(params, "order"))
        return
    if journey.order is not None and target >= Step.PASSENGERS:
        journey.step = Step.CONFIRMATION  # Back from the booking made: it is made, not to pay
        return
    criteria = urls.criteria_from(params) or journey.criteria
    if criteria is None:
        journey.step = Step.SEARCH
        return
    criteria = currency.priced(criteria)  # the header's currency (the account's, or the URL's)
    known = journey.criteria == criteria and journey.offer_request is not None
    shown = known or _reuse_search(journey, criteria, urls.one(params, "search"))
    if not shown and not run_search(criteria):  # run_search shows its progress
        journey.step = Step.SEARCH
        return
    journey.step = Step.SELECT
    _follow_filters(journey, params)
    if name == "results":
        journey.choose_offer(None)
        return
    if not _follow_offer(journey, urls.one(params, "offer")):
        return
    if target >= Step.PASSENGERS:
        drafts.restore(journey, urls.one(params, "draft"))
    journey.step = min(target, journey.furthest_step())


def _follow_filters(journey: Journey, params: Query) -> None:
    """The results sorted and filtered as the URL says (page one again if that differs)."""
    wanted = urls.filters_from(params)
    results = journey.results
    if results.filters() == wanted:
        return
    results.set_filters(wanted)
    for key in FILTER_WIDGETS:  # drawn again from the results, not from their last values
        st.session_state.pop(key, None)
    if journey.offer_request is not None:
        load_offers(results, journey.offer_request["id"], reset=True)


def _follow_order(journey: Journey, order_id: str | None) -> None:
    """The booking just made (only its owner can read it)."""
    if order_id and (journey.order is None or journey.order["id"] != order_id):
        journey.order = state.client().get_order(order_id)
    journey.step = Step.CONFIRMATION if journey.order is not None else Step.SEARCH


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
            st.warning(
                "That flight can no longer be booked from this link; here are the fares "
                "for the same search."
            )
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
    if request["status"] != "complete" or request["currency"] != criteria.currency:
        return False
    show_results(journey, criteria, request)
    return True
