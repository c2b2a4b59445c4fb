"""Form values that survive moving between steps (issue 15): "Change search" shows the
search on show, an opened results address fills the form, "Back to results" keeps
the sort and filters."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from farebridge.ui.launch import APP
from farebridge.ui.state import Step
from tests.ui.drive import assert_clean, journey, open_offer, search, text


def test_back_to_results_keeps_the_sort_and_filters(app: AppTest) -> None:
    search(app)
    app.radio(key="sort").set_value("total_duration").run()
    app.selectbox(key="filter_stops").set_value(0).run()
    direct = [o["id"] for o in journey(app).results.offers]
    open_offer(app)
    app.button(key="back_to_results").click().run()
    assert_clean(app)
    assert app.radio(key="sort").value == "total_duration"
    assert app.selectbox(key="filter_stops").value == 0
    assert "Filters (1 on)" in [e.label for e in app.expander]
    results = journey(app).results
    assert (results.sort, results.max_connections) == ("total_duration", 0)
    assert [o["id"] for o in results.offers] == direct, "the same list, not page one unfiltered"


def test_change_search_keeps_what_was_searched(app: AppTest) -> None:
    app.radio(key="trip_type").set_value("Return").run()
    app.number_input(key="adults").set_value(2).run()
    app.selectbox(key="cabin_class").set_value("business").run()
    app.date_input(key="return_date").set_value(date.today() + timedelta(days=47)).run()
    search(app, days=40)
    assert journey(app).step is Step.SELECT
    app.button(key="change_search").click().run()
    assert_clean(app)
    assert "Where would you like to go?" in text(app)
    assert app.radio(key="trip_type").value == "Return"
    assert app.text_input(key="origin_0_query").value == "NYC"
    assert app.text_input(key="destination_0_query").value == "LON"
    assert app.date_input(key="date_0").value == date.today() + timedelta(days=40)
    assert app.date_input(key="return_date").value == date.today() + timedelta(days=47)
    assert app.number_input(key="adults").value == 2
    assert app.selectbox(key="cabin_class").value == "business"
    app.button(key="search_button").click().run()  # searches the same again
    assert_clean(app)
    assert journey(app).step is Step.SELECT
    criteria = journey(app).criteria
    assert criteria is not None and criteria.adults == 2 and len(criteria.legs) == 2


def test_an_opened_results_address_fills_the_search_form(ui_env: str) -> None:
    depart = date.today() + timedelta(days=20)
    back = depart + timedelta(days=5)
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.query_params.update(
        {
            "step": "results",
            "from": "JFK",
            "to": "LHR",
            "depart": depart.isoformat(),
            "return": back.isoformat(),
            "adults": "1",
            "children": "1",
            "cabin": "premium_economy",
            "stops": "0",
        }
    )
    test.run()
    assert_clean(test)
    assert "fares found" in text(test)
    test.button(key="change_search").click().run()
    assert test.radio(key="trip_type").value == "Return"
    assert test.text_input(key="origin_0_query").value == "JFK"
    assert test.text_input(key="destination_0_query").value == "LHR"
    assert test.date_input(key="date_0").value == depart
    assert test.date_input(key="return_date").value == back
    assert test.number_input(key="children").value == 1
    assert test.selectbox(key="cabin_class").value == "premium_economy"
    assert test.radio(key="max_connections").value == 0


def test_the_sort_and_filters_are_in_the_address_and_come_back_from_it(app: AppTest) -> None:
    search(app)
    app.radio(key="sort").set_value("total_duration").run()
    app.selectbox(key="filter_stops").set_value(0).run()
    query = dict(app.query_params)
    assert (query["sort"], query["max_stops"]) == ("total_duration", "0")
    assert "max_price" not in query and "airline" not in query and "hours" not in query
    shown = [o["id"] for o in journey(app).results.offers]
    assert shown and all(
        len(s["segments"]) == 1 for o in journey(app).results.offers for s in o["slices"]
    )

    reloaded = AppTest.from_file(str(APP), default_timeout=60)  # a reload, or a shared link
    reloaded.query_params.update(query)
    reloaded.run()
    assert_clean(reloaded)
    results = journey(reloaded).results
    assert (results.sort, results.max_connections) == ("total_duration", 0)
    assert [o["id"] for o in results.offers] == shown, "the same list, not page one unfiltered"
    assert reloaded.radio(key="sort").value == "total_duration"
    assert reloaded.selectbox(key="filter_stops").value == 0
    assert "Filters (1 on)" in [e.label for e in reloaded.expander]

    edited = AppTest.from_file(str(APP), default_timeout=60)  # a link edited by hand
    edited.query_params.update(query | {"sort": "nonsense", "max_stops": "7", "hours": "20-3"})
    edited.run()
    assert_clean(edited)
    results = journey(edited).results
    assert (results.sort, results.max_connections) == ("total_amount", None)
    assert results.departure_hours == (0, 24)
