"""The currency in the header of every page (issue 15): the account's, saved by the
API, or a visitor's, kept in the URL; results on screen follow a change."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from farebridge.ui.client import ApiClient
from farebridge.ui.launch import APP
from tests.ui.conftest import new_account
from tests.ui.drive import assert_clean, currency_box, journey, search, text


def prices(test: AppTest) -> set[str]:
    return {offer["total_currency"] for offer in journey(test).results.offers}


def test_a_visitor_s_currency_is_in_the_address_and_reprices_the_results(app: AppTest) -> None:
    assert currency_box(app).value == "USD", "the server's default for a visitor"
    search(app)
    first = journey(app).offer_request
    assert first is not None and prices(app) == {"USD"}
    currency_box(app).set_value("EUR").run()
    assert_clean(app)
    again = journey(app).offer_request
    assert again is not None and again["id"] != first["id"], "the search ran again"
    assert again["currency"] == "EUR" and prices(app) == {"EUR"}
    assert app.query_params["currency"] == "EUR"
    assert app.query_params["step"] == "results"
    assert "prices in EUR" in text(app)
    app.sidebar.radio(key="nav").set_value("My trips").run()
    assert currency_box(app).value == "EUR", "the header keeps it on every page"


def test_a_visitor_opening_an_address_with_a_currency_sees_it(ui_env: str) -> None:
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.query_params["currency"] = "GBP"
    test.run()
    assert currency_box(test).value == "GBP"
    search(test)
    assert prices(test) == {"GBP"}


def test_a_signed_in_traveller_s_currency_is_saved_with_the_account(ui_env: str) -> None:
    login = new_account(ui_env)
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.session_state["login"] = login
    test.run()
    search(test)
    assert prices(test) == {"USD"}
    currency_box(test).set_value("GBP").run()
    assert_clean(test)
    assert ApiClient(ui_env, token=login.token).me()["preferred_currency"] == "GBP"
    assert prices(test) == {"GBP"}, "the results on screen follow the change"
    assert "currency" not in test.query_params or test.query_params["currency"] == "GBP"
    fresh = AppTest.from_file(str(APP), default_timeout=60)  # another browser session
    fresh.session_state["login"] = ApiClient(ui_env).login(login.user["email"], "correct-horse")
    fresh.run()
    assert currency_box(fresh).value == "GBP"


def test_a_visitor_s_currency_chosen_on_my_trips_goes_into_its_address(app: AppTest) -> None:
    search(app)  # results behind, on the booking page
    app.sidebar.radio(key="nav").set_value("My trips").run()
    currency_box(app).set_value("GBP").run()
    assert_clean(app)
    assert app.query_params["step"] == "trips"
    assert app.query_params["currency"] == "GBP"
