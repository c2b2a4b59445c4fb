"""Step 1: where, when and who (prices are in the header's currency). Places come from
the API's suggestions."""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import partial

import streamlit as st

from farebridge.ui import currency, navigation, state
from farebridge.ui import format as fmt
from farebridge.ui.client import OfferQuery
from farebridge.ui.feedback import attempt
from farebridge.ui.models import OfferRequest, Place
from farebridge.ui.state import Criteria, Journey, Leg, Results, Step
from farebridge.ui.validation import check_search, local_today
from farebridge.ui.views.common import field_error

TRIP_TYPES = ("One-way", "Return", "Multi-city")
CONNECTIONS = {0: "Direct only", 1: "Up to 1 stop", 2: "Up to 2 stops"}
SEARCH_TIMEOUT_SECONDS = 60.0
PAGE_SIZE = 10
FLEXIBLE_DAYS = 3


def suggestions(query: str) -> list[Place]:
    """Places matching ``query``, remembered for the session (one call per query)."""
    cache: dict[str, list[Place]] = st.session_state.setdefault("place_cache", {})
    key = query.strip().lower()
    if key not in cache:
        found = attempt(lambda: state.client().suggest_places(key))
        if found is None:
            return []
        cache[key] = found
    return cache[key]


def place_picker(label: str, key: str, errors: dict[str, str]) -> str:
    """A text box and the matching airports and cities; returns the chosen IATA code."""
    query = st.text_input(label, key=f"{key}_query", placeholder="City or airport, e.g. London")
    code = ""
    if len(query.strip()) >= 2:
        options = suggestions(query)
        if options:
            index = st.selectbox(
                f"{label}: matching airports and cities",
                range(len(options)),
                format_func=lambda i: fmt.place(options[i]),
                key=f"{key}_choice_{query.strip().lower()}",
                label_visibility="collapsed",
            )
            code = options[index or 0]["iata_code"]
        else:
            st.caption(f"No airport or city matches “{query.strip()}”.")
    elif query.strip():
        st.caption("Type at least 2 letters.")
    field_error(errors, key)
    return code


def _leg(index: int, today: date, errors: dict[str, str]) -> Leg:
    origin_column, destination_column, date_column = st.columns([3, 3, 2])
    with origin_column:
        origin = place_picker("From", f"origin_{index}", errors)
    with destination_column:
        destination = place_picker("To", f"destination_{index}", errors)
    with date_column:
        when = st.date_input(
            "Departure date",
            value=today + timedelta(days=14 + 7 * index),
            # No min_value: a past date typed in stays, and the form says at the field
            # that it is in the past (Streamlit would silently put the old date back).
            key=f"date_{index}",
            format="YYYY-MM-DD",
        )
        field_error(errors, f"date_{index}")
    return Leg(origin, destination, when if isinstance(when, date) else today)


def _legs(trip: str, today: date, errors: dict[str, str]) -> list[Leg]:
    if trip == "Multi-city":
        count: int = st.session_state.setdefault("leg_count", 2)
        legs = []
        for index in range(count):
            st.markdown(f"**Flight {index + 1}**")
            legs.append(_leg(index, today, errors))
        add, remove, _ = st.columns([1, 1, 4])
        add.button("+ Add a flight", disabled=count >= 6, on_click=_change_legs, args=(1,))
        remove.button(
            "Remove the last flight", disabled=count <= 2, on_click=_change_legs, args=(-1,)
        )
        return legs
    first = _leg(0, today, errors)
    if trip == "One-way":
        return [first]
    back = st.date_input(
        "Return date",
        value=first.departure_date + timedelta(days=7),
        key="return_date",
        format="YYYY-MM-DD",
    )
    field_error(errors, "date_1")
    back_on = back if isinstance(back, date) else first.departure_date
    return [first, Leg(first.destination, first.origin, back_on)]


def _change_legs(delta: int) -> None:
    st.session_state["leg_count"] = st.session_state.get("leg_count", 2) + delta


def _travellers(errors: dict[str, str]) -> tuple[int, int, int, str, int]:
    adults_column, children_column, infants_column, cabin_column = st.columns(4)
    adults = adults_column.number_input("Adults (18+)", 1, 9, 1, key="adults")
    field_error(errors, "adults")
    children = children_column.number_input("Children (2 to 17)", 0, 8, 0, key="children")
    infants = infants_column.number_input("Infants (under 2, on lap)", 0, 4, 0, key="infants")
    with infants_column:
        field_error(errors, "infants")
    cabin = cabin_column.selectbox(
        "Cabin", list(fmt.CABINS), format_func=lambda c: fmt.CABINS[c], key="cabin_class"
    )
    connections = st.radio(
        "Stops",
        list(CONNECTIONS),
        index=1,
        format_func=lambda n: CONNECTIONS[n],
        horizontal=True,
        key="max_connections",
    )
    return int(adults), int(children), int(infants), str(cabin), int(connections or 0)


def _trip_type(criteria: Criteria) -> str:
    legs = criteria.legs
    if len(legs) == 1:
        return "One-way"
    if (
        len(legs) == 2
        and legs[1].origin == legs[0].destination
        and legs[1].destination == legs[0].origin
    ):
        return "Return"
    return "Multi-city"


def _prefill_place(key: str, code: str) -> None:
    """The place box shows the code searched for, its suggestion chosen."""
    st.session_state[f"{key}_query"] = code
    codes = [place["iata_code"] for place in suggestions(code)]
    if code in codes:
        st.session_state[f"{key}_choice_{code.lower()}"] = codes.index(code)


def prefill(criteria: Criteria) -> None:
    """Fill the form with ``criteria`` (the search on show, or the one a URL names)."""
    trip = _trip_type(criteria)
    state_ = st.session_state
    state_["trip_type"] = trip
    shown = criteria.legs if trip == "Multi-city" else criteria.legs[:1]
    if trip == "Multi-city":
        state_["leg_count"] = len(shown)
    for index, leg in enumerate(shown):
        _prefill_place(f"origin_{index}", leg.origin)
        _prefill_place(f"destination_{index}", leg.destination)
        state_[f"date_{index}"] = leg.departure_date
    if trip == "Return":
        state_["return_date"] = criteria.legs[1].departure_date
    state_["adults"], state_["children"] = criteria.adults, criteria.children
    state_["infants"], state_["cabin_class"] = criteria.infants, criteria.cabin_class
    state_["max_connections"] = criteria.max_connections
    state_["flexible_dates"] = criteria.flexible_days > 0


def render() -> None:
    st.subheader("Where would you like to go?")
    journey = state.journey()
    if journey.criteria is not None and "trip_type" not in st.session_state:
        # The form was not on screen last time (results, a reload, an opened link):
        # Streamlit has forgotten what it held, the journey has not.
        prefill(journey.criteria)
    errors: dict[str, str] = st.session_state.get("search_errors", {})
    today = local_today()
    trip = st.radio("Trip", TRIP_TYPES, horizontal=True, key="trip_type") or "One-way"
    legs = _legs(trip, today, errors)
    adults, children, infants, cabin, connections = _travellers(errors)
    chosen_currency = currency.chosen()  # the header's
    flexible = trip != "Multi-city" and st.checkbox(
        f"My dates are flexible (±{FLEXIBLE_DAYS} days)",
        key="flexible_dates",
        help="Also search the days around each date and compare the cheapest fare per day.",
    )
    criteria = Criteria(
        legs,
        adults,
        children,
        infants,
        cabin,
        connections,
        chosen_currency,
        FLEXIBLE_DAYS if flexible else 0,
    )
    if not st.button("🔍 Search flights", type="primary", key="search_button"):
        return
    errors = check_search(criteria, today=today)
    st.session_state["search_errors"] = errors
    if errors:
        st.rerun()
    if run_search(criteria):
        navigation.go(Step.SELECT)


def _wait_for_offers(request: OfferRequest) -> OfferRequest | None:
    client = state.client()
    deadline = time.monotonic() + SEARCH_TIMEOUT_SECONDS
    while request["status"] == "pending" and time.monotonic() < deadline:
        st.write(f"Asking the airlines… {request['offers_count']} offers so far")
        time.sleep(0.5)
        polled = attempt(partial(client.get_offer_request, request["id"]))
        if polled is None:
            return None
        request = polled
    return request


def run_search(criteria: Criteria) -> bool:
    """Start the search, show progress while offers fill in, load the first page."""
    journey = state.journey()
    with st.status("Searching flights…", expanded=True) as status:
        created = attempt(lambda: state.client().create_offer_request(criteria.to_api()))
        request = _wait_for_offers(created) if created else None
        if request is None:
            status.update(label="The search did not finish", state="error")
            return False
        if request["status"] != "complete":
            error = request["error"] or {"message": "The search took too long."}
            st.error(f"The search failed: {error['message']} Please try again.")
            status.update(label="The search failed", state="error")
            return False
        status.update(label=f"Found {request['offers_count']} offers", state="complete")
    show_results(journey, criteria, request)
    return True


def show_results(journey: Journey, criteria: Criteria, request: OfferRequest) -> None:
    """Make ``request`` the journey's search and load its first page of offers."""
    journey.criteria = criteria
    journey.offer_request = request
    flexible = criteria.flexible_days > 0
    journey.results = Results(departure_dates=criteria.requested_dates if flexible else ())
    journey.choose_offer(None)
    load_offers(journey.results, request["id"], reset=True)
    journey.step = Step.SELECT


def _clock(hour: int) -> str:
    """The hour slider's value as the API's ``HH:MM`` (24 → 23:59)."""
    return "23:59" if hour >= 24 else f"{hour:02d}:00"


def load_offers(results: Results, request_id: str, *, reset: bool) -> None:
    """Fetch the first (``reset``) or next page of offers with the current filters."""
    query = OfferQuery(
        sort=results.sort,
        max_connections=results.max_connections,
        max_price=results.max_price,
        airlines=results.airlines,
        departure_from=_clock(results.departure_hours[0]) if results.departure_hours[0] else None,
        departure_to=_clock(results.departure_hours[1])
        if results.departure_hours[1] < 24
        else None,
        departure_dates=results.departure_dates,
        after=None if reset else results.next_cursor,
        limit=PAGE_SIZE,
    )
    page = attempt(lambda: state.client().list_offers(request_id, query))
    if page is None:
        return
    results.offers = page.items if reset else results.offers + page.items
    results.next_cursor = page.after if page.items else None
