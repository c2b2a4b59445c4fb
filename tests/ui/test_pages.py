"""Each page through Streamlit's AppTest, against the real API and worker."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from streamlit.testing.v1 import AppTest

from farebridge.ui.client import ApiClient
from farebridge.ui.launch import APP
from farebridge.ui.state import SeatChoice, Step
from tests.ui.conftest import PASSWORD
from tests.ui.drive import (
    assert_clean,
    book_to_extras,
    choose_offer,
    currency_box,
    fill_passenger,
    journey,
    open_offer,
    search,
    text,
)

STEP_NAMES = ("Search", "Select", "Passengers", "Extras", "Pay", "Confirmation")


def test_search_page_shows_progress_steps_and_form(app: AppTest) -> None:
    page = text(app)
    for name in STEP_NAMES:
        assert name in page
    assert app.button(key="search_button").label.endswith("Search flights")
    assert "Sign in to book" in page


def test_place_suggestions_list_cities_and_airports(app: AppTest) -> None:
    app.text_input(key="origin_0_query").input("london").run()
    choice = app.selectbox(key="origin_0_choice_london")
    assert choice.options[0] == "London — all airports (LON)"
    assert any("(LHR)" in option for option in choice.options)
    app.text_input(key="destination_0_query").input("zzqx").run()
    assert "No airport or city matches “zzqx”." in text(app)


def test_search_form_says_what_is_wrong_per_field(app: AppTest) -> None:
    app.text_input(key="origin_0_query").input("JFK").run()
    app.text_input(key="destination_0_query").input("JFK").run()
    app.number_input(key="adults").set_value(1)
    app.number_input(key="infants").set_value(2)
    app.button(key="search_button").click().run()
    page = text(app)
    assert "Origin and destination must differ." in page
    assert "no more infants than adults" in page
    assert journey(app).step is Step.SEARCH


def test_a_past_date_is_refused_at_its_field_not_replaced(app: AppTest) -> None:
    yesterday = date.today() - timedelta(days=1)
    app.text_input(key="origin_0_query").input("JFK").run()
    app.text_input(key="destination_0_query").input("LHR").run()
    app.date_input(key="date_0").set_value(yesterday).run()
    app.button(key="search_button").click().run()
    assert "The date is in the past." in text(app)
    assert app.date_input(key="date_0").value == yesterday  # kept as typed, to be fixed
    assert journey(app).step is Step.SEARCH


def test_return_and_multi_city_forms(app: AppTest) -> None:
    app.radio(key="trip_type").set_value("Return").run()
    assert app.date_input(key="return_date") is not None
    app.radio(key="trip_type").set_value("Multi-city").run()
    assert app.text_input(key="origin_1_query") is not None
    app.button[[b.label for b in app.button].index("+ Add a flight")].click().run()
    assert app.text_input(key="origin_2_query") is not None
    assert_clean(app)


def test_search_shows_offers_with_sort_filters_and_more(app: AppTest) -> None:
    search(app)
    state = journey(app)
    assert state.step is Step.SELECT
    assert "fares found" in text(app)
    first_page = list(state.results.offers)
    assert len(first_page) == 10
    app.button(key="more_offers").click().run()
    assert len(journey(app).results.offers) == 20
    app.radio(key="sort").set_value("total_duration").run()
    assert journey(app).results.sort == "total_duration"
    app.selectbox(key="filter_stops").set_value(0).run()
    offers = journey(app).results.offers
    assert offers and all(s["connections"] == 0 for o in offers for s in o["slices"])
    airline = offers[0]["owner"]["name"]
    app.multiselect(key="filter_airlines").set_value([airline]).run()
    filtered = journey(app).results.offers  # the API filters, and the page reloads
    assert filtered and all(o["owner"]["name"] == airline for o in filtered)
    assert_clean(app)


def test_a_search_in_the_chosen_currency_shows_every_price_in_it(app: AppTest) -> None:
    assert currency_box(app).value == "USD", "the server's default for a guest"
    search(app, currency="EUR")
    state = journey(app)
    assert state.offer_request is not None and state.offer_request["currency"] == "EUR"
    assert {o["total_currency"] for o in state.results.offers} == {"EUR"}
    assert app.number_input(key="filter_max_price").label == "Max price (EUR)"
    assert "prices in EUR" in text(app)
    cheapest = state.results.offers[0]["total_amount"]
    app.number_input(key="filter_max_price").set_value(float(cheapest)).run()
    capped = journey(app).results.offers
    assert capped and all(float(o["total_amount"]) <= float(cheapest) for o in capped)
    offer = open_offer(app)
    page = text(app)
    assert "1 x Adult, EUR " in page and f"EUR {offer['total_amount']}" in page.replace(",", "")
    assert_clean(app)


def test_the_currency_choice_starts_at_the_account_preference(ui_env: str) -> None:
    email = f"pref-{ui_env[-5:]}-{date.today().isoformat()}@example.com"
    client = ApiClient(ui_env)
    client.register(email, PASSWORD, "Grace Hopper")
    token = client.login(email, PASSWORD).token
    headers = {"Authorization": f"Bearer {token}"}
    httpx.patch(f"{ui_env}/me", json={"preferred_currency": "GBP"}, headers=headers)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["login"] = client.login(email, PASSWORD)
    app.run()
    assert currency_box(app).value == "GBP"
    search(app)
    assert {o["total_currency"] for o in journey(app).results.offers} == {"GBP"}


def test_one_card_per_itinerary_with_a_button_per_fare_brand(app: AppTest) -> None:
    search(app)
    rows = journey(app).results.offers
    assert len({row["itinerary_id"] for row in rows}) == len(rows)
    row = next(r for r in rows if len(r["fare_brands"]) == 3)
    names = [b["fare_brand_name"] for b in row["fare_brands"]]
    for brand in row["fare_brands"]:
        button = app.button(key=f"select_{brand['offer_id']}")
        assert button.label == f"Select {brand['fare_brand_name']}"
    dearest = row["fare_brands"][-1]
    app.button(key=f"select_{dearest['offer_id']}").click().run()
    chosen = journey(app).offer
    assert chosen is not None and chosen["id"] == dearest["offer_id"]
    assert "Other fares for these flights" in text(app)
    cheapest = row["fare_brands"][0]
    app.button(key=f"brand_{cheapest['offer_id']}").click().run()
    switched = journey(app).offer
    assert switched is not None and switched["fare_brand_name"] == names[0]
    assert_clean(app)


def test_flexible_dates_show_a_strip_of_days_that_switches_the_flights(app: AppTest) -> None:
    app.checkbox(key="flexible_dates").check()
    search(app, days=30)
    results = journey(app).results
    requested = (date.today() + timedelta(days=30)).isoformat()
    assert results.departure_dates == (requested,)
    assert results.calendar is not None and len(results.calendar) == 7
    assert "Cheapest fare per day" in text(app)
    assert all(o["slices"][0]["departing_at"][:10] == requested for o in results.offers)
    later = (date.today() + timedelta(days=32)).isoformat()
    app.button(key=f"day_0_{later}").click().run()
    results = journey(app).results
    assert results.departure_dates == (later,)
    assert results.offers and all(
        o["slices"][0]["departing_at"][:10] == later for o in results.offers
    )
    assert app.button(key=f"day_0_{later}").proto.type == "primary"
    assert_clean(app)


def test_offer_details_show_conditions_rules_and_price(app: AppTest) -> None:
    search(app)
    offer = open_offer(app)
    page = text(app)
    assert "Cancel and refund before departure" in page
    assert "Base fare" in page and "Taxes and fees" in page
    assert "What we will ask for each traveller" in page
    assert journey(app).fare_rules is not None
    assert offer["owner"]["name"] in page
    app.button(key="back_to_results").click().run()
    assert journey(app).offer is None


def test_booking_asks_to_sign_in_first(app: AppTest) -> None:
    search(app)
    choose_offer(app)
    assert "Sign in or create an account to book" in text(app)


def test_passenger_form_checks_each_field(signed_in_app: AppTest) -> None:
    app = signed_in_app
    search(app)
    choose_offer(app)
    app.button(key="passengers_submit").click().run()
    page = text(app)
    assert "Choose a title." in page
    assert "Enter the first name as in the passport." in page
    assert "Enter the date of birth as YYYY-MM-DD" in page
    assert "Enter an email address like name@example.com." in page
    fill_passenger(app, born_on=f"{date.today().year - 10}-01-01", phone_number="555")
    app.button(key="passengers_submit").click().run()
    page = text(app)
    assert "An adult must be 18 or older on the day of travel." in page
    assert "Enter the phone number with country code" in page
    assert journey(app).step is Step.PASSENGERS


def test_an_api_error_about_a_passport_is_shown_next_to_its_field(
    signed_in_app: AppTest,
) -> None:
    app = signed_in_app
    search(app)
    offer = choose_offer(app)
    assert offer["passenger_identity_documents_required"]
    fill_passenger(app, passport_country="ZZ")  # two letters: only the API knows better
    app.button(key="passengers_submit").click().run()
    assert journey(app).step is Step.EXTRAS, text(app)
    app.button(key="to_payment").click().run()
    app.button(key="pay_button").click().run()
    assert journey(app).step is Step.PASSENGERS
    page = text(app)
    assert "ZZ&#x27; is not an ISO 3166-1 country code." in page
    assert "Please correct the fields marked above." in page
    assert journey(app).order is None
    assert_clean(app)


def test_passengers_are_kept_when_going_back(signed_in_app: AppTest) -> None:
    app = signed_in_app
    book_to_extras(app)
    app.button(key="back_to_passengers").click().run()
    assert app.text_input(key="pax0_given").value == "Amelia"
    assert app.radio(key="pax0_title").value == "ms"


def test_extras_seat_and_bags_update_the_total(signed_in_app: AppTest) -> None:
    app = signed_in_app
    offer = book_to_extras(app)
    assert "Front of the aircraft" in text(app)
    seat = next(b for b in app.button if b.key and b.key.startswith("seat_") and not b.disabled)
    seat.click().run()
    chosen = list(journey(app).seats.values())
    assert len(chosen) == 1 and isinstance(chosen[0], SeatChoice)
    bag = next(s for s in offer["available_services"] if s["type"] == "baggage")
    app.number_input(key=f"bag_{bag['id']}").set_value(1).run()
    page = text(app)
    assert f"seat {chosen[0].designator} · Amelia Earhart" in page
    assert "Extra bag" in page
    assert_clean(app)


def test_exit_row_seats_are_not_offered_to_a_child(signed_in_app: AppTest) -> None:
    app = signed_in_app
    app.number_input(key="children").set_value(1)
    search(app)
    offer = choose_offer(app)
    fill_passenger(app)
    fill_passenger(app, 1, given_name="Jo", born_on=f"{date.today().year - 9}-01-01")
    app.button(key="passengers_submit").click().run()
    assert journey(app).step is Step.EXTRAS, text(app)
    adult, child = (p["id"] for p in offer["passengers"])
    app.radio(key="seat_passenger").set_value(child).run()
    barred = [b.key for b in app.button if b.key and b.key.startswith("seat_") and b.label == "🚫"]
    assert barred and all(app.button(key=k).disabled for k in barred)
    app.radio(key="seat_passenger").set_value(adult).run()
    assert not any(app.button(key=k).disabled for k in barred), "free for the adult"
    assert_clean(app)


def test_declined_card_can_be_retried_then_tickets_show(signed_in_app: AppTest) -> None:
    app = signed_in_app
    book_to_extras(app)
    app.button(key="to_payment").click().run()
    app.selectbox(key="pay_card").set_value("tok_card_declined")
    app.button(key="pay_button").click().run()
    page = text(app)
    assert "Your card was declined" in page
    assert "Reference for support: `req_" in page
    assert journey(app).step is Step.PAY
    app.selectbox(key="pay_card").set_value("tok_visa")
    app.button(key="pay_button").click().run()
    assert_clean(app)
    order = journey(app).order
    assert order is not None and journey(app).step is Step.CONFIRMATION
    assert order["booking_reference"] in text(app)


def test_hold_then_pay_cancel_and_note_in_my_trips(signed_in_app: AppTest) -> None:
    app = signed_in_app
    book_to_extras(app, holdable=True)
    app.button(key="to_payment").click().run()
    app.radio(key="pay_mode").set_value("Hold now, pay later").run()
    app.button(key="pay_button").click().run()
    order = journey(app).order
    assert order is not None and order["status"] == "hold"
    assert "Pay by" in text(app)
    app.radio(key="nav").set_value("My trips").run()
    assert order["booking_reference"] in app.expander[0].label
    app.button(key=f"trip_{order['id']}_pay").click().run()
    assert "Paid. Your e-tickets are being issued." in text(app)
    app.text_area(key=f"note_{order['id']}").input("Window seat please")
    app.button(key=f"save_note_{order['id']}").click().run()
    assert "Note saved." in text(app)
    app.button(key=f"cancel_{order['id']}").click().run()
    assert "Cancelling refunds" in text(app)
    app.button(key=f"confirm_cancel_{order['id']}").click().run()
    assert "Trip cancelled." in text(app)
    assert "Cancelled" in app.expander[0].label
    assert_clean(app)
