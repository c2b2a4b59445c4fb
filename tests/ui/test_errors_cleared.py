"""A message at a field goes away once the field is put right and the form is sent
again, on every form of the site (issue 15); and a page never shows two sign-in forms."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from farebridge.ui.state import Step
from tests.ui.conftest import new_account
from tests.ui.drive import (
    assert_clean,
    book_to_extras,
    choose_offer,
    fill_passenger,
    journey,
    search,
    text,
)
from tests.ui.test_servicing import book, look_up, manage_page


def errors_at_fields(test: AppTest) -> list[str]:
    return [
        str(m.value)
        for m in test.markdown
        if str(m.value).startswith('<div class="fb-field-error">')
    ]


def test_search_errors_go_once_the_search_is_right(app: AppTest) -> None:
    app.text_input(key="origin_0_query").input("JFK").run()
    app.text_input(key="destination_0_query").input("JFK").run()
    app.button(key="search_button").click().run()
    assert any("must differ" in e for e in errors_at_fields(app))
    search(app)  # London this time
    assert journey(app).step is Step.SELECT
    app.button(key="change_search").click().run()
    assert errors_at_fields(app) == [], "no stale message on the form"


def test_passenger_errors_go_once_the_fields_are_right(signed_in_app: AppTest) -> None:
    app = signed_in_app
    search(app)
    offer = choose_offer(app)
    fill_passenger(app, given_name="Amelia2", born_on="24/07/1987")
    app.button(key="passengers_submit").click().run()
    assert len(errors_at_fields(app)) == 2
    assert "Please correct the fields marked above." in text(app)
    fill_passenger(app)
    app.button(key="passengers_submit").click().run()
    assert_clean(app)
    assert journey(app).step is Step.EXTRAS
    app.button(key="back_to_passengers").click().run()
    assert journey(app).step is Step.PASSENGERS
    assert errors_at_fields(app) == [] and "Please correct" not in text(app)
    # Another flight's forms start clean even after a refused sending.
    fill_passenger(app, given_name="Amelia2")
    app.button(key="passengers_submit").click().run()
    assert errors_at_fields(app)
    app.button(key="back_to_offer").click().run()
    app.button(key="back_to_results").click().run()
    other = next(o for o in journey(app).results.offers if o["id"] != offer["id"])
    app.button(key=f"select_{other['id']}").click().run()
    app.button(key="choose_offer").click().run()
    assert errors_at_fields(app) == []


def test_a_refused_card_s_message_goes_when_another_card_is_chosen(
    signed_in_app: AppTest,
) -> None:
    app = signed_in_app
    book_to_extras(app)
    app.button(key="to_payment").click().run()
    app.selectbox(key="pay_card").set_value("tok_card_declined")
    app.button(key="pay_button").click().run()
    assert "Your card was declined" in text(app)
    app.selectbox(key="pay_card").set_value("tok_mastercard").run()
    assert "Your card was declined" not in text(app)
    assert journey(app).step is Step.PAY


def test_registration_errors_go_once_fixed(app: AppTest) -> None:
    app.text_input(key="side_register_email").input("not-an-email")
    app.text_input(key="side_register_password").input("short")
    app.button(key="side_register_submit").click().run()
    assert len(errors_at_fields(app)) == 2
    app.text_input(key="side_register_email").input("fixed-email@example.com")
    app.text_input(key="side_register_password").input("long enough")
    app.text_input(key="side_register_repeat").input("long enough!")
    app.button(key="side_register_submit").click().run()
    messages = errors_at_fields(app)
    assert len(messages) == 1 and "differ" in messages[0]
    app.text_input(key="side_login_email").input("someone@example.com")
    app.button(key="side_login_submit").click().run()
    assert "Enter your email and password." in text(app)
    app.text_input(key="side_login_password").input("wrong password")
    app.button(key="side_login_submit").click().run()
    assert "Enter your email and password." not in text(app)


def test_manage_booking_errors_go_once_fixed(ui_env: str) -> None:
    order = book(ui_env, new_account(ui_env), family_name="Lindbergh")
    app = manage_page()
    look_up(app, order["booking_reference"], "")
    assert errors_at_fields(app) and "Enter the family name" in text(app)
    look_up(app, order["booking_reference"], "Lindbergh")
    assert errors_at_fields(app) == []
    assert order["booking_reference"] in text(app)


def test_my_trips_shows_one_sign_in_form(app: AppTest) -> None:
    app.sidebar.radio(key="nav").set_value("My trips").run()
    keys = {str(box.key) for box in app.text_input}
    assert "main_login_email" in keys
    assert "side_login_email" not in keys, "the sidebar's would be a second form"
    assert "Sign in or create an account on this page." in text(app)
    app.sidebar.radio(key="nav").set_value("Book a flight").run()
    keys = {str(box.key) for box in app.text_input}
    assert "side_login_email" in keys and "main_login_email" not in keys
