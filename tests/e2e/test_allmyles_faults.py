"""The Allmyles error rows that need the airline to misbehave (seeds 001/003), reached
through the sandbox faults (header ``Sandbox-Fault``) end to end through /allmyles:
each answer's status and exact message, and what happened to the order and the money
("safe to refund": ticketing ``failed``, the order cancelled and refunded; "not safe":
ticketing ``unknown`` or pending, nothing refunded)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from farebridge.store.tables import orders, payments, sandbox_bookings
from tests.e2e.test_allmyles_dialect import (
    COOKIE,
    book_body,
    combination,
    key_as_bearer,
    message,
    search,
    search_body,
)

NO_VIRTUAL_CARD = (
    "Could not retrieve virtual credit card, flight not booked. "
    "An IRN should be sent to payment provider now."
)
E_TICKET_WARNING = (
    "Warning: e-ticket could not be issued due to technical difficulties. "
    "Please contact your agent."
)


@pytest.fixture
def key(client: TestClient, auth: dict[str, str]) -> dict[str, str]:
    created = client.post("/api/api-keys", json={"name": "allmyles"}, headers=auth)
    assert created.status_code == 201, created.text
    return {"X-Auth-Token": created.json()["data"]["secret"], "Cookie": COOKIE}


def _fault(key: dict[str, str], name: str) -> dict[str, str]:
    return {**key, "Sandbox-Fault": name}


def _money(engine: Engine) -> list[tuple[str, str]]:
    """(order status, payment status) of every order with a payment, oldest first."""
    with engine.connect() as db:
        rows = db.execute(
            select(orders.c.status, payments.c.status)
            .join(payments, payments.c.order_id == orders.c.id)
            .order_by(payments.c.created_at)
        )
        return [(str(order), str(payment)) for order, payment in rows]


def _order_statuses(engine: Engine) -> list[str]:
    with engine.connect() as db:
        return [str(s) for s in db.scalars(select(orders.c.status).order_by(orders.c.created_at))]


def _sandbox_bookings(engine: Engine) -> list[str]:
    with engine.connect() as db:
        return [str(s) for s in db.scalars(select(sandbox_bookings.c.status))]


def _traditional_booked(client: TestClient, key: dict[str, str], fault: str) -> str:
    """A traditional result booked (held) with ``fault`` stored on the order: the
    airline's later faults are asked for when booking."""
    booking_id: str = combination(search(client, key, search_body()), "AmadeusProvider")[
        "bookingId"
    ]
    booked = client.post("/allmyles/books", json=book_body(booking_id), headers=_fault(key, fault))
    assert booked.status_code == 200, booked.text
    return booking_id


def _lcc_paid(client: TestClient, key: dict[str, str]) -> str:
    results = search(client, key, search_body(providerType="OnlyLowCost"))
    booking_id: str = results[0]["combinations"][0]["bookingId"]
    booked = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert booked.status_code == 204, booked.text
    paid = client.post("/allmyles/payment", json={"payuId": "12345678"}, headers=key)
    assert paid.status_code == 204
    return booking_id


def _status(client: TestClient, key: dict[str, str], booking_id: str) -> Any:
    answer = client.get(f"/allmyles/tickets/{booking_id}/status", headers=key)
    assert answer.status_code == 200, answer.text
    return answer.json()["status"]


def test_search_without_return_flights_is_404_no_flight_found_for_return_leg(
    client: TestClient, key: dict[str, str]
) -> None:
    faulty = _fault(key, "no_return_flights")
    body = search_body()
    assert client.post("/allmyles/flights", json=body, headers=faulty).status_code == 202
    failed = client.post("/allmyles/flights", json=body, headers=faulty)
    assert (failed.status_code, message(failed)) == (404, "No flight found for return leg")
    one_way = search_body(back=None)
    assert search(client, faulty, one_way), "a one-way search has no return leg to miss"


def test_book_unavailable_is_500_could_not_book_flight_and_books_nothing(
    client: TestClient, key: dict[str, str], engine: Engine
) -> None:
    booking_id = combination(search(client, key, search_body()), "AmadeusProvider")["bookingId"]
    failed = client.post(
        "/allmyles/books", json=book_body(booking_id), headers=_fault(key, "unavailable")
    )
    assert (failed.status_code, message(failed)) == (500, "could not book flight")
    assert _order_statuses(engine) == ["failed"] and _sandbox_bookings(engine) == []
    again = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert again.status_code == 200, "nothing was booked: the session may book again"


def test_lcc_without_a_virtual_card_is_504_and_never_charges_the_customer(
    client: TestClient, key: dict[str, str], engine: Engine
) -> None:
    booking_id = _lcc_paid(client, key)
    failed = client.get(
        f"/allmyles/tickets/{booking_id}", headers=_fault(key, "virtual_card_unavailable")
    )
    assert (failed.status_code, message(failed)) == (504, NO_VIRTUAL_CARD)
    assert _money(engine) == [("failed", "failed")], "not booked, the card never charged"
    assert _sandbox_bookings(engine) == []
    assert _status(client, key, booking_id) == "failed", "safe to refund: nothing was taken"


@pytest.mark.parametrize(
    ("fault", "status", "text"),
    [
        ("pnr_query_failed", 503, "error while querying PNR - please try again later"),
        ("pnr_query_timeout", 504, "PNR query timed out - please try again later"),
    ],
)
def test_ticketing_pnr_query_failures_are_safe_to_refund_and_refunded(
    client: TestClient, key: dict[str, str], engine: Engine, fault: str, status: int, text: str
) -> None:
    booking_id = _traditional_booked(client, key, fault)
    failed = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert (failed.status_code, message(failed)) == (status, text)
    assert _status(client, key, booking_id) == "failed"
    assert _money(engine) == [("cancelled", "refunded")], "the agency's payment came back"
    assert _sandbox_bookings(engine) == ["cancelled"], "the booking was released"
    again = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert (again.status_code, message(again)) == (status, text), "never ticketed later"


def test_lcc_ticketing_pnr_query_failure_refunds_the_customer(
    client: TestClient, key: dict[str, str], engine: Engine
) -> None:
    booking_id = _lcc_paid(client, key)
    failed = client.get(f"/allmyles/tickets/{booking_id}", headers=_fault(key, "pnr_query_failed"))
    assert (failed.status_code, message(failed)) == (
        503,
        "error while querying PNR - please try again later",
    )
    assert _status(client, key, booking_id) == "failed"
    assert _money(engine) == [("cancelled", "refunded")]


@pytest.mark.parametrize(
    ("fault", "status", "text"),
    [
        ("ticketing_answer_unknown", 503, "error while creating ticket - please try again later"),
        (
            "ticketing_unknown",
            504,
            "ticket creation timed out - but could very well have been successful!",
        ),
    ],
)
def test_ticketing_unknown_outcomes_are_not_refunded(
    client: TestClient, key: dict[str, str], engine: Engine, fault: str, status: int, text: str
) -> None:
    booking_id = _traditional_booked(client, key, fault)
    failed = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert (failed.status_code, message(failed)) == (status, text)
    assert _status(client, key, booking_id) == "unknown"
    assert _money(engine) == [("ticketing", "succeeded")], "held until someone checks"
    assert _sandbox_bookings(engine) == ["active"]


def test_e_ticket_not_issued_is_202_paid_and_not_refunded(
    client: TestClient, key: dict[str, str], engine: Engine
) -> None:
    booking_id = _traditional_booked(client, key, "eticket_delayed")
    warned = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert (warned.status_code, message(warned)) == (202, E_TICKET_WARNING)
    assert _status(client, key, booking_id) == "pending"
    assert _money(engine) == [("ticketing", "succeeded")]
    assert _sandbox_bookings(engine) == ["ticketed"], "the ticket was bought"


def test_ticketing_after_a_book_timeout_is_412_book_response_missing(
    client: TestClient, key: dict[str, str]
) -> None:
    booking_id = combination(search(client, key, search_body()), "AmadeusProvider")["bookingId"]
    timed_out = client.post(
        "/allmyles/books", json=book_body(booking_id), headers=_fault(key, "timeout")
    )
    assert timed_out.status_code == 504
    ticket = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert (ticket.status_code, message(ticket)) == (412, "book response should have been received")
    again = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert (again.status_code, message(again)) == (412, "Already booked."), "the flow stops"


def test_rules_of_an_old_search_are_409(client: TestClient, key: dict[str, str]) -> None:
    old_id = search(client, key, search_body())[0]["combinations"][0]["bookingId"]
    search(client, key, search_body(days=32))
    stale = client.get(f"/allmyles/flights/{old_id}/rules", headers=key)
    assert (stale.status_code, message(stale)) == (409, "request is not for the latest search")
    details = client.get(f"/allmyles/flights/{old_id}", headers=key)
    assert details.status_code == 412, "the other calls keep 412"


def test_the_orders_are_seen_through_api(
    client: TestClient, key: dict[str, str], engine: Engine
) -> None:
    booking_id = _traditional_booked(client, key, "pnr_query_failed")
    client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    [order] = client.get("/api/orders", headers=key_as_bearer(key)).json()["data"]
    assert (order["status"], order["ticketing_status"]) == ("cancelled", "failed")
    events = client.get(f"/api/orders/{order['id']}/events", headers=key_as_bearer(key))
    assert "order.ticketing_failed" in [e["type"] for e in events.json()["data"]]
