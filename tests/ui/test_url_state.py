"""The journey rebuilt from its address (ADR 0035), through Streamlit's AppTest: what
a reload, a shared link or another account sees."""

from __future__ import annotations

import os
from typing import Any

from streamlit.testing.v1 import AppTest

from farebridge.ui.client import ApiClient, LoggedIn
from farebridge.ui.launch import APP
from farebridge.ui.state import Step
from tests.ui.conftest import new_account
from tests.ui.drive import assert_clean, book_to_extras, choose_offer, journey, search, text


def _open(query: dict[str, Any], login: LoggedIn | None = None) -> AppTest:
    """A new browser session opening the site at ``query`` (a reload, a shared link)."""
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.query_params.update(query)
    if login is not None:
        test.session_state["login"] = login
    test.run()
    assert_clean(test)
    return test


def test_a_booking_comes_back_at_its_step_with_its_data(signed_in_app: AppTest) -> None:
    offer = book_to_extras(signed_in_app)
    seats = [b for b in signed_in_app.button if b.key and b.key.startswith("seat_")]
    next(b for b in seats if not b.disabled).click().run()
    before = journey(signed_in_app)
    assert len(before.seats) == 1
    query = dict(signed_in_app.query_params)
    assert query["step"] == "extras"
    assert query["offer"] == offer["id"]
    assert str(query["draft"]).startswith("bdr_")

    login = signed_in_app.session_state["login"]
    reloaded = _open(query, login)
    after = journey(reloaded)
    assert after.step is Step.EXTRAS, text(reloaded)
    assert after.offer is not None and after.offer["id"] == offer["id"]
    assert after.passengers[0]["given_name"] == before.passengers[0]["given_name"]
    assert after.draft_id == before.draft_id
    assert after.seats == before.seats  # priced again from the seat map

    someone_else = _open(query, new_account(os.environ["FAREBRIDGE_UI_API_URL"]))
    other = journey(someone_else)
    # Another account reads neither the draft nor the search's offers: the same search
    # runs again for them and they land on its results.
    assert other.passengers == []
    assert other.draft_id is None
    assert other.step is Step.SELECT
    assert other.offer is None
    assert "fares found" in text(someone_else)

    anonymous = _open({k: v for k, v in query.items() if k != "draft"} | {"step": "results"})
    assert journey(anonymous).step is Step.SELECT
    assert "fares found" in text(anonymous)


def test_my_trips_and_manage_booking_have_their_own_address(signed_in_app: AppTest) -> None:
    signed_in_app.sidebar.radio(key="nav").set_value("My trips").run()
    assert signed_in_app.query_params["step"] == "trips"
    assert "My trips" in [s.value for s in signed_in_app.subheader]
    signed_in_app.sidebar.radio(key="nav").set_value("Manage booking").run()
    assert signed_in_app.query_params["step"] == "manage"
    signed_in_app.sidebar.radio(key="nav").set_value("Book a flight").run()
    assert signed_in_app.query_params["step"] == "search"
    assert "Where would you like to go?" in text(signed_in_app)

    login = signed_in_app.session_state["login"]
    trips = _open({"step": "trips"}, login)  # a reload on My trips
    assert trips.sidebar.radio(key="nav").value == "My trips"
    assert "No trips yet" in text(trips)
    manage = _open({"step": "manage"})
    assert manage.sidebar.radio(key="nav").value == "Manage booking"
    assert manage.text_input(key="manage_reference") is not None
    assert "Where would you like to go?" not in text(manage)


def test_passenger_fields_are_kept_as_typed_before_the_form_is_sent(
    signed_in_app: AppTest,
) -> None:
    search(signed_in_app)
    choose_offer(signed_in_app)
    signed_in_app.text_input(key="pax0_given").input("Amelia").run()
    signed_in_app.text_input(key="pax0_family").input("Earhart").run()
    signed_in_app.text_input(key="pax0_born").input("1987-07-24").run()
    assert_clean(signed_in_app)
    query = dict(signed_in_app.query_params)
    assert query["step"] == "passengers" and str(query["draft"]).startswith("bdr_")
    login = signed_in_app.session_state["login"]
    draft = ApiClient(os.environ["FAREBRIDGE_UI_API_URL"], token=login.token).get_draft(
        str(query["draft"])
    )
    assert draft["passengers"][0]["given_name"] == "Amelia"

    reloaded = _open(query, login)  # a reload in the middle of the form
    assert journey(reloaded).step is Step.PASSENGERS
    assert reloaded.text_input(key="pax0_given").value == "Amelia"
    assert reloaded.text_input(key="pax0_family").value == "Earhart"
    assert reloaded.text_input(key="pax0_born").value == "1987-07-24"
    assert not [e.value for e in reloaded.error], "nothing was sent: no errors yet"

    card = "4242 4242 4242 4242"
    try:
        reloaded.text_input(key="pax0_passport_number").input(card).run()
    except KeyError:  # a trip at home asks for no passport: the phone field will do
        reloaded.text_input(key="pax0_phone_number").input(card).run()
    assert_clean(reloaded)
    kept = ApiClient(os.environ["FAREBRIDGE_UI_API_URL"], token=login.token).get_draft(
        str(query["draft"])
    )
    assert card.replace(" ", "") not in str(kept).replace(" ", ""), "no card in a draft"
    assert kept["passengers"][0]["given_name"] == "Amelia"
