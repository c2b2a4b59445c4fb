"""Steps that drive the site through Streamlit's ``AppTest``, as a traveller would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from streamlit.testing.v1 import AppTest

from farebridge.ui.models import Offer
from farebridge.ui.state import Journey, Step

ADULT = {
    "title": "ms",
    "gender": "f",
    "born_on": "1987-07-24",
    "given_name": "Amelia",
    "family_name": "Earhart",
    "email": "amelia@example.com",
    "phone_number": "+15550109999",
    "passport_number": "X1234567",
    "passport_country": "US",
    "passport_expires_on": "2040-01-01",
}
WIDGET_KEYS = {
    "born_on": "born",
    "given_name": "given",
    "family_name": "family",
}


def text(test: AppTest) -> str:
    """Everything the page says, as one string."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader"):
        parts += [str(element.value) for element in getattr(test, kind)]
    return "\n".join(parts)


def journey(test: AppTest) -> Journey:
    value: Journey = test.session_state["journey"]
    return value


def assert_clean(test: AppTest) -> None:
    assert not test.exception, [e.value for e in test.exception]


def currency_box(test: AppTest) -> Any:
    """The header's currency choice (on every page)."""
    return test.selectbox(key="header_currency")


def search(
    test: AppTest,
    origin: str = "New York",
    destination: str = "London",
    *,
    days: int = 30,
    currency: str | None = None,
) -> None:
    test.text_input(key="origin_0_query").input(origin).run()
    test.text_input(key="destination_0_query").input(destination).run()
    test.date_input(key="date_0").set_value(date.today() + timedelta(days=days)).run()
    if currency is not None:
        currency_box(test).set_value(currency).run()
    test.button(key="search_button").click().run()
    assert_clean(test)


def open_offer(test: AppTest, *, holdable: bool | None = None) -> Offer:
    """Select the first offer on the page (one that can be held, when asked)."""
    for offer in journey(test).results.offers:
        instant_only = offer["payment_requirements"]["requires_instant_payment"]
        if holdable is None or holdable != instant_only:
            test.button(key=f"select_{offer['id']}").click().run()
            assert_clean(test)
            return offer
    raise AssertionError("no suitable offer on the first page")


def choose_offer(test: AppTest, *, holdable: bool | None = None) -> Offer:
    offer = open_offer(test, holdable=holdable)
    test.button(key="choose_offer").click().run()
    assert journey(test).step is Step.PASSENGERS
    return offer


def fill_passenger(test: AppTest, index: int = 0, **fields: Any) -> None:
    values = {**ADULT, **fields}
    prefix = f"pax{index}"
    test.radio(key=f"{prefix}_title").set_value(values["title"])
    test.radio(key=f"{prefix}_gender").set_value(values["gender"])
    for name in (
        "born_on",
        "given_name",
        "family_name",
        "email",
        "phone_number",
        "passport_number",
        "passport_country",
        "passport_expires_on",
    ):
        widget = f"{prefix}_{WIDGET_KEYS.get(name, name)}"
        try:
            box = test.text_input(key=widget)
        except KeyError:  # no contact fields for children, no passport at home
            continue
        box.input(values[name])


def book_to_extras(test: AppTest, *, holdable: bool | None = None) -> Offer:
    search(test)
    offer = choose_offer(test, holdable=holdable)
    fill_passenger(test)
    test.button(key="passengers_submit").click().run()
    assert_clean(test)
    assert journey(test).step is Step.EXTRAS, text(test)
    return offer
