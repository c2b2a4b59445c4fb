"""After booking, through Streamlit's AppTest against the real API and worker: PDFs,
changing a flight, the airline's schedule changes, Manage booking, agents."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from streamlit.testing.v1 import AppTest

from farebridge.bootstrap import build
from farebridge.domain.account import Role
from farebridge.services import admin
from farebridge.services.admin import RoleChange
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.ui.client import ApiClient, LoggedIn, amount_due
from farebridge.ui.launch import APP
from farebridge.ui.models import Order
from farebridge.ui.views.manage import NOT_FOUND
from tests.e2e.conftest import offer_of_one_of
from tests.ui.conftest import PASSWORD, new_account
from tests.ui.drive import ADULT, assert_clean, book_to_extras, text

Json = dict[str, Any]


def _passenger(offer: Json, family_name: str) -> Json:
    return {
        "id": offer["passengers"][0]["id"],
        "type": "adult",
        "title": "ms",
        "given_name": "Amelia",
        "family_name": family_name,
        "born_on": ADULT["born_on"],
        "gender": "f",
        "email": "amelia@example.com",
        "phone_number": ADULT["phone_number"],
        "identity_documents": [
            {
                "type": "passport",
                "unique_identifier": "X1234567",
                "issuing_country_code": "US",
                "expires_on": "2040-01-01",
            }
        ],
    }


def book(
    api_url: str,
    login: LoggedIn,
    *,
    brand: str = "Flex",
    fault: str | None = None,
    family_name: str = "Earhart",
    ticketed: bool = True,
) -> Order:
    """A trip booked through the API (quicker than the booking pages): one adult,
    JFK-LHR in 30 days, paid at once (or held), ticketed by the worker."""
    auth = {"Authorization": f"Bearer {login.token}"}

    def offers_in(days: int) -> list[Json]:
        criteria = {
            "slices": [
                {
                    "origin": "JFK",
                    "destination": "LHR",
                    "departure_date": (date.today() + timedelta(days=days)).isoformat(),
                }
            ],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        }
        found: list[Json] = httpx.post(
            f"{api_url}/offer-requests?return_offers=true",
            json={"data": criteria},
            headers=auth,
            timeout=60,
        ).json()["data"]["offers"]
        return found

    # The tests change the trip to another flight that day or two days later: an airline
    # that flies then (the sandbox's network is real; Kuwait Airways flies JFK-LHR on
    # some weekdays only, once a day).
    flying = {o["owner"]["iata_code"] for o in offers_in(32)}
    offer = offer_of_one_of(offers_in(30), flying, brand=brand)
    body: Json = {
        "type": "instant" if ticketed else "hold",
        "selected_offers": [offer["id"]],
        "passengers": [_passenger(offer, family_name)],
        "confirm_duplicate": True,  # the same traveller on the same flight, on purpose
    }
    if ticketed:
        due = amount_due(offer["total_amount"], offer["card_surcharges"], "tok_visa")
        currency = offer["total_currency"]
        body["payments"] = [
            {"type": "card", "card_token": "tok_visa", "amount": due, "currency": currency}
        ]
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    if fault:
        headers["Sandbox-Fault"] = fault
    created = httpx.post(f"{api_url}/orders", json={"data": body}, headers=headers, timeout=60)
    assert created.status_code == 201, created.text
    order: Order = created.json()["data"]
    return _settled(ApiClient(api_url, login.token), order, fault) if ticketed else order


def _settled(client: ApiClient, order: Order, fault: str | None) -> Order:
    """The order once ticketed with its e-ticket stored (and its airline change seen)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = client.get_order(order["id"])
        ready = current["status"] == "ticketed" and client.list_documents(order["id"])
        if ready and fault == "schedule_change" and not current["airline_initiated_changes"]:
            current = client.sync_order(order["id"])
        if ready and (fault is None or current["airline_initiated_changes"]):
            return current
        time.sleep(0.2)
    raise AssertionError(f"order {order['id']} not ticketed in time")


def my_trips(api_url: str, login: LoggedIn) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["login"] = login
    app.session_state["nav"] = "My trips"
    app.run()
    assert_clean(app)
    return app


def downloads(app: AppTest) -> dict[str, str]:
    """Download buttons on the page: key → label."""
    return {str(button.key): str(button.label) for button in app.get("download_button")}


def test_pdfs_are_offered_only_when_the_api_lists_them(ui_env: str) -> None:
    login = new_account(ui_env)
    held = book(ui_env, login, brand="Basic", ticketed=False)
    paid = book(ui_env, login)
    app = my_trips(ui_env, login)
    buttons = downloads(app)
    assert buttons == {f"trip_{paid['id']}_document_e_ticket": "⬇ E-ticket (PDF)"}
    assert not any(held["id"] in key for key in buttons)
    # Cancelled: the cancellation receipt joins the e-ticket once the API lists it.
    app.button(key=f"cancel_{paid['id']}").click().run()
    app.button(key=f"confirm_cancel_{paid['id']}").click().run()
    assert "Trip cancelled." in text(app)
    client = ApiClient(ui_env, login.token)
    deadline = time.monotonic() + 20
    while len(client.list_documents(paid["id"])) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    app.button(key="refresh_trips").click().run()
    assert set(downloads(app)) == {
        f"trip_{paid['id']}_document_e_ticket",
        f"trip_{paid['id']}_document_cancellation_receipt",
    }
    # The history, newest first, in words.
    app.toggle(key=f"trip_{paid['id']}_history").set_value(True).run()
    page = text(app)
    assert page.index("Booking cancelled") < page.index("E-tickets issued")
    assert_clean(app)


def test_a_change_shows_the_difference_before_the_confirm_button(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login)
    app = my_trips(ui_env, login)
    key = f"chg_{order['id']}"
    app.button(key=f"change_{order['id']}").click().run()
    assert not app.get("button") or all(b.key != f"{key}_confirm" for b in app.button)
    old_day = datetime.fromisoformat(order["slices"][0]["departing_at"]).date()
    app.date_input(key=f"{key}_date").set_value(old_day + timedelta(days=500)).run()
    app.button(key=f"{key}_find").click().run()
    assert "beyond the bookable horizon" in text(app)  # the API's word, at the date field
    assert app.date_input(key=f"{key}_date") is not None  # still asking
    app.date_input(key=f"{key}_date").set_value(old_day + timedelta(days=2)).run()
    app.button(key=f"{key}_find").click().run()
    assert_clean(app)
    page = text(app)
    assert "Price difference" in page or "No price difference" in page or "back** to" in page
    assert "change fee" in page
    assert all(b.key != f"{key}_confirm" for b in app.button), "nothing to confirm yet"
    picks = [b for b in app.button if str(b.key).startswith(f"{key}_pick_")]
    assert picks
    picks[0].click().run()
    confirm = app.button(key=f"{key}_confirm")
    offers = ApiClient(ui_env, login.token)
    assert confirm.label.startswith(("Confirm and pay", "Confirm the change"))
    confirm.click().run()
    assert_clean(app)
    assert "Flight changed. Your new e-tickets are being issued." in text(app)
    changed = offers.get_order(order["id"])
    new_day = datetime.fromisoformat(changed["slices"][0]["departing_at"]).date()
    assert new_day == old_day + timedelta(days=2)
    tickets = {d["unique_identifier"] for d in changed["documents"]}
    assert tickets and tickets.isdisjoint(d["unique_identifier"] for d in order["documents"])
    assert fmt_day(new_day) in app.expander[0].label
    app.button(key="refresh_trips").click().run()
    assert all(f"`{number}`" in text(app) for number in tickets)  # the reissued tickets


def fmt_day(day: date) -> str:
    return day.strftime("%a %d %b %Y")


def test_an_airline_schedule_change_is_shown_and_accepted(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login, fault="schedule_change")
    [change] = order["airline_initiated_changes"]
    app = my_trips(ui_env, login)
    page = text(app)
    assert "The airline changed your booking." in page
    before = change["before"][0]
    after = change["after"][0]
    assert f"{before['departing_at'][11:16]} → " in page  # was
    assert f"{after['departing_at'][11:16]} → " in page  # now
    app.button(key=f"trip_{order['id']}_sch_{change['id']}_accept").click().run()
    assert "You accepted the airline's new times." in text(app)
    assert "The airline changed your booking." not in text(app)
    assert_clean(app)


def test_an_airline_schedule_change_is_rejected_with_a_full_refund(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login, brand="Basic", fault="schedule_change")
    [change] = order["airline_initiated_changes"]
    app = my_trips(ui_env, login)
    app.button(key=f"trip_{order['id']}_sch_{change['id']}_cancel").click().run()
    page = text(app)
    assert "Cancelling refunds" in page
    paid = Decimal(order["total_amount"])
    assert f"refunds {order['total_currency']} {paid:,}" in page.replace("**", "")
    app.button(key=f"confirm_cancel_{order['id']}").click().run()
    assert "Trip cancelled." in text(app)
    assert_clean(app)


def test_an_airline_schedule_change_is_rejected_for_another_flight_free(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login, brand="Basic", fault="schedule_change")
    [change] = order["airline_initiated_changes"]
    app = my_trips(ui_env, login)
    app.button(key=f"trip_{order['id']}_sch_{change['id']}_change").click().run()
    key = f"chg_{order['id']}"
    assert "Free of charge, because the airline changed it" in text(app)
    old_day = datetime.fromisoformat(order["slices"][0]["departing_at"]).date()
    app.date_input(key=f"{key}_date").set_value(old_day + timedelta(days=1)).run()
    app.button(key=f"{key}_find").click().run()
    assert "No price difference** (no change fee)" in text(app)
    next(b for b in app.button if str(b.key).startswith(f"{key}_pick_")).click().run()
    assert not [box for box in app.selectbox if box.key == f"{key}_card"]  # nothing to pay
    app.button(key=f"{key}_confirm").click().run()
    assert "Flight changed." in text(app)
    assert "The airline changed your booking." not in text(app)
    [answered] = ApiClient(ui_env, login.token).list_schedule_changes(order["id"])
    assert answered["status"] == "rebooked"
    assert_clean(app)


def manage_page() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["nav"] = "Manage booking"
    app.run()
    assert_clean(app)
    return app


def look_up(app: AppTest, reference: str, family_name: str) -> None:
    app.text_input(key="manage_reference").input(reference)
    app.text_input(key="manage_family_name").input(family_name)
    app.button(key="manage_find").click().run()
    assert_clean(app)


def test_manage_booking_finds_a_booking_and_a_wrong_name_leaks_nothing(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login, family_name="Lindbergh")
    reference = order["booking_reference"]
    app = manage_page()
    look_up(app, reference, "Earhart")
    page = text(app)
    assert NOT_FOUND in page
    assert reference not in page and "JFK" not in page and not downloads(app)
    look_up(app, "ZZZZZZ", "Lindbergh")
    assert NOT_FOUND in text(app)  # the same words for an unknown reference
    look_up(app, reference.lower(), " lindbergh ")
    page = text(app)
    assert reference in page and "Ticketed" in page
    assert downloads(app) == {"managed_document_e_ticket": "⬇ E-ticket (PDF)"}
    assert "sign in with the account" in page  # changes need the account: said on the page
    assert all(not str(b.key).startswith(("cancel_", "change_")) for b in app.button)
    app.toggle(key="managed_history").set_value(True).run()
    assert "E-tickets issued" in text(app)
    app.button(key="manage_another").click().run()
    assert app.text_input(key="manage_reference") is not None


def test_manage_booking_checks_its_fields(ui_env: str) -> None:
    app = manage_page()
    look_up(app, "", "")
    page = text(app)
    assert "Enter the booking reference." in page
    assert "Enter the family name of a traveller." in page


def _make_agent(database_url: str, email: str, role: Role, agency: str) -> None:
    engine = make_engine(database_url)
    try:
        services = build(Settings(database_url=database_url), engine=engine)
        admin.set_role_by_email(services, email=email, change=RoleChange(role, agency))
    finally:
        engine.dispose()


def _account(api_url: str, database_url: str, role: Role, agency: str, name: str) -> LoggedIn:
    email = f"{role.value}-{uuid.uuid4().hex[:10]}@example.com"
    ApiClient(api_url).register(email, PASSWORD, name)
    _make_agent(database_url, email, role, agency)
    return ApiClient(api_url).login(email, PASSWORD)


def test_an_agent_books_and_lists_trips_for_a_customer(ui_env: str, ui_database_url: str) -> None:
    agency = f"Agency {uuid.uuid4().hex[:6]}"
    customer = _account(ui_env, ui_database_url, Role.CUSTOMER, agency, "Bessie Coleman")
    agent = _account(ui_env, ui_database_url, Role.AGENT, agency, "Travel Agent")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["login"] = agent
    app.run()
    book_to_extras(app)
    app.button(key="to_payment").click().run()
    picker = app.selectbox(key="acting_for_pay")
    assert picker.label == "Book this trip for"
    assert picker.options == ["Myself", f"Bessie Coleman <{customer.user['email']}>"]
    picker.set_value(customer.user["id"]).run()
    app.button(key="pay_button").click().run()
    assert_clean(app)
    booked = app.session_state["journey"].order
    assert booked is not None
    theirs = ApiClient(ui_env, customer.token).list_orders().items
    assert [o["id"] for o in theirs] == [booked["id"]]  # the customer owns it
    # My trips: the agent's list narrowed to that customer; a customer sees no picker.
    app.radio(key="nav").set_value("My trips").run()
    assert app.selectbox(key="acting_for_trips").value == customer.user["id"]
    assert [e.label.split(" · ")[0] for e in app.expander] == [booked["booking_reference"]]
    # Servicing on the customer's behalf: the agent cancels the customer's trip.
    app.button(key=f"cancel_{booked['id']}").click().run()
    app.button(key=f"confirm_cancel_{booked['id']}").click().run()
    assert "Trip cancelled." in text(app)
    assert ApiClient(ui_env, customer.token).get_order(booked["id"])["status"] == "cancelled"
    app.selectbox(key="acting_for_trips").set_value("").run()  # myself and all customers
    assert len(app.expander) == 1
    plain = my_trips(ui_env, customer)
    assert not [box for box in plain.selectbox if str(box.key).startswith("acting_for")]
    assert_clean(app)


def test_manage_booking_cancels_with_the_quote_first(ui_env: str) -> None:
    login = new_account(ui_env)
    order = book(ui_env, login, family_name="Lindbergh")
    app = manage_page()
    look_up(app, order["booking_reference"], "Lindbergh")
    app.button(key="manage_cancel").click().run()
    assert_clean(app)
    page = text(app)
    assert "Cancelling refunds" in page and "cancellation penalty" in page
    owner = ApiClient(ui_env, login.token)
    assert owner.get_order(order["id"])["status"] == "ticketed", "a quote cancels nothing"
    app.button(key="manage_keep").click().run()
    assert "Cancelling refunds" not in text(app)
    app.button(key="manage_cancel").click().run()
    app.button(key="manage_confirm_cancel").click().run()
    assert_clean(app)
    assert "Booking cancelled." in text(app)
    assert owner.get_order(order["id"])["status"] == "cancelled"
    keys = {str(button.key) for button in app.button}
    assert "manage_cancel" not in keys, "nothing more to cancel"
