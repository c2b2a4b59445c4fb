"""Step 2: one card per itinerary with its fare brands, sorted and filtered, loaded a
page at a time; a flexible search adds a strip of days with the cheapest fare of each."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import streamlit as st

from farebridge.ui import currency, navigation, state, urls
from farebridge.ui import format as fmt
from farebridge.ui.models import FareBrand, Notice, Offer, OfferRequest
from farebridge.ui.state import Journey, Results, Step
from farebridge.ui.views import dates, offer_details
from farebridge.ui.views.common import slice_caption, slice_line
from farebridge.ui.views.search import load_offers, run_search

SORTS = dict(
    zip(urls.SORTS, ("Cheapest first", "Fastest first", "Best (price and time)"), strict=True)
)
# The widgets of the sort and filters (set from the results when they are drawn again).
FILTER_WIDGETS = ("sort", "filter_stops", "filter_max_price", "filter_airlines", "filter_departure")
RESEARCHED = "currency_researched"  # (search id, currency) last searched again
STOPS: dict[int | None, str] = {None: "Any number of stops", 0: "Direct only", 1: "Up to 1 stop"}


def _server_filters(journey: Journey, results: Results, currency: str) -> None:
    """Every filter is applied by the API: a change reloads page one. The sort stays in
    sight; the filters fold into one control, so a phone shows results on its first
    screen."""
    _keep_filters(results)
    sort = st.radio(
        "Sort", list(SORTS), format_func=lambda s: SORTS[s], horizontal=True, key="sort"
    )
    with st.expander(_filters_label(results), icon=":material/tune:"):
        stops_column, price_column = st.columns(2)
        stops = stops_column.selectbox(
            "Stops", list(STOPS), format_func=lambda s: STOPS[s], key="filter_stops"
        )
        price = price_column.number_input(
            f"Max price ({currency})",
            min_value=0.0,
            value=None,
            step=50.0,
            placeholder="No limit",
            key="filter_max_price",
        )
        airlines, hours = _airline_and_time(journey)
    max_price = str(Decimal(str(price)).quantize(Decimal("0.01"))) if price else None
    wanted = (sort or "total_amount", stops, max_price, airlines, hours)
    if wanted != results.filters():
        results.set_filters(wanted)
        if journey.offer_request is not None:
            load_offers(results, journey.offer_request["id"], reset=True)
        navigation.write_url(journey)  # a reload or a shared link shows the same list


def _keep_filters(results: Results) -> None:
    """Back from an offer (or Change search and back), the controls show the sort and
    filters the list has: Streamlit forgets a control's value while it is off screen."""
    shown = {
        "sort": results.sort,
        "filter_stops": results.max_connections,
        "filter_max_price": float(results.max_price) if results.max_price else None,
        "filter_airlines": list(results.airlines),
        "filter_departure": tuple(results.departure_hours),
    }
    for key, value in shown.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _filters_label(results: Results) -> str:
    """``Filters`` or ``Filters (2 on)``: how many narrow the list now."""
    active = sum(
        (
            results.max_connections is not None,
            results.max_price is not None,
            bool(results.airlines),
            tuple(results.departure_hours) != (0, 24),
        )
    )
    return f"Filters ({active} on)" if active else "Filters"


def _airline_and_time(journey: Journey) -> tuple[tuple[str, ...], tuple[int, int]]:
    request = journey.offer_request
    airlines = request.get("airlines", []) if request is not None else []
    names = {a["iata_code"]: a["name"] for a in airlines}
    airline_column, time_column = st.columns(2)
    chosen = airline_column.multiselect(
        "Airlines",
        sorted(names, key=lambda code: names[code]),
        format_func=lambda code: names.get(code, code),
        key="filter_airlines",
        placeholder="All airlines",
    )
    earliest, latest = time_column.slider(
        "Outbound departure time", 0, 24, (0, 24), format="%d:00", key="filter_departure"
    )
    return tuple(sorted(chosen)), (earliest, latest)


def _card(offer: Offer, passengers: int) -> None:
    """The flights once, then each fare brand on sale for them with its own button."""
    with st.container(border=True):
        airline, flights = st.columns([3, 7])
        with airline:
            st.markdown(f"**{offer['owner']['name']}**")
            st.caption(per_person(offer, passengers))
        with flights:
            for item in offer["slices"]:
                st.markdown(slice_line(item))
                st.caption(slice_caption(item))
            if offer.get("notices"):
                st.markdown(notice_badges(offer["notices"]))
        for column, brand in zip(
            st.columns(len(offer["fare_brands"])), offer["fare_brands"], strict=True
        ):
            with column:
                _brand(brand)


def per_person(offer: Offer, passengers: int) -> str:
    """``From USD 224.00 per adult · prices below for all 2 travellers``: what each pays in
    the cheapest brand (the API's per-type prices), and what the brand prices cover."""
    if passengers == 1:
        return "Prices for 1 traveller"
    each = [
        f"{fmt.money(p['total_amount'], p['currency'])} per "
        f"{fmt.PASSENGER_TYPES.get(p['passenger_type'], p['passenger_type']).lower()}"
        for p in offer["passenger_prices"]
    ]
    start = "From " if len(offer["fare_brands"]) > 1 else ""
    return f"{start}{', '.join(each)} · prices below for all {passengers} travellers"


def notice_badges(notices: list[Notice]) -> str:
    """The API's notices, one a line (airport change, overnight layover, operated by…);
    plain coloured text, which wraps on a phone where a badge would be cut short."""
    return "  \n".join(f":orange[:material/info: {_plain(n['message'])}]" for n in notices)


def _plain(text: str) -> str:
    """Text safe inside a badge: no brackets or markdown markers."""
    return "".join(" " if c in "[]*_`\\" else c for c in text)


def _brand(brand: FareBrand) -> None:
    amount = fmt.money(brand["total_amount"], brand["total_currency"])
    st.markdown(f"**{brand['fare_brand_name']}**")
    st.markdown(f'<p class="fb-price">{amount}</p>', unsafe_allow_html=True)
    conditions = brand["conditions"]
    st.caption(
        f"🧳 {fmt.baggage(brand['baggages'])}  \n"
        f"Refund: {fmt.condition(conditions['refund_before_departure'])}  \n"
        f"Change: {fmt.condition(conditions['change_before_departure'])}"
    )
    name = brand["fare_brand_name"]
    if st.button(f"Select {name}", key=f"select_{brand['offer_id']}", type="primary"):
        offer_details.open_offer(brand["offer_id"])


def _shown(visible: int, more: bool, currency: str) -> str:
    """``Showing 10 flights …``: what the list holds and where the rest are."""
    said = f"Showing {visible} flights"
    rest = " · “Show more flights” at the bottom loads the next ones" if more else ""
    return f"{said}{rest} · prices in {currency} · times are local at each airport."


def _in_chosen_currency(journey: Journey, request: OfferRequest) -> None:
    """Results in the header's currency: when it changes, the search runs again in it
    (once per change: a refusal is shown, not retried on every rerun)."""
    code = currency.chosen()
    if code is None or journey.criteria is None or request["currency"] == code:
        return
    tried = (request["id"], code)
    if st.session_state.get(RESEARCHED) == tried:
        return
    st.session_state[RESEARCHED] = tried
    if run_search(replace(journey.criteria, currency=code)):
        navigation.go(Step.SELECT)


def render() -> None:
    journey = state.journey()
    if journey.offer is not None:
        offer_details.render(journey)
        return
    request = journey.offer_request
    if request is None:
        navigation.go(Step.SEARCH)
        return
    _in_chosen_currency(journey, request)
    results = journey.results
    st.subheader(f"{request['offers_count']} fares found")
    if journey.criteria is not None:
        link = navigation.search_link(journey.criteria)
        st.caption(f"🔗 [Link to this search]({link}): it runs the same search for anyone.")
    if st.button("← Change search", key="change_search"):
        navigation.go(Step.SEARCH)
    if request["flexible_days"]:
        dates.render(results, request["id"])
    _server_filters(journey, results, request["currency"])
    visible = results.offers
    st.caption(_shown(len(visible), results.next_cursor is not None, request["currency"]))
    if not visible:
        st.info("No flight matches these filters. Loosen them to see more.")
    for offer in visible:
        _card(offer, len(offer["passengers"]))
    if results.next_cursor and st.button("Show more flights", key="more_offers"):
        load_offers(results, request["id"], reset=False)
        st.rerun()
