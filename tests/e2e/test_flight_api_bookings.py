"""The flight_api dialect's POST /book_flight/{flight_id} (seed 002), one way."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import search
from tests.e2e.flight_api import PREFIX, example, log_in, mismatches, register
from tests.e2e.test_seats import _free_seats


@pytest.fixture
def csrf(client: TestClient) -> dict[str, str]:
    register(client)
    return log_in(client)


def indian(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def a_flight(client: TestClient, days: int = 20) -> tuple[dict[str, Any], date]:
    day = date.today() + timedelta(days=days)
    # Air India's fares can be held; the low-cost airlines' must be paid at once.
    query = {"origin": "DEL", "destination": "BOM", "booking_date": indian(day), "airlines": "AI"}
    found = client.get(f"{PREFIX}/flights", params=query).json()["departing_flights"]
    return found[0], day


def a_flight_with_free_seats(
    client: TestClient, seats: int = 3, days: int = 20
) -> tuple[dict[str, Any], date]:
    """The first of the day's Air India flights with ``seats`` free (no charge) economy
    seats left: the sandbox fills its flights as they near, and a nearly full one seats
    only some of a party (an assignment never costs anything)."""
    day = date.today() + timedelta(days=days)
    query = {"origin": "DEL", "destination": "BOM", "booking_date": indian(day), "airlines": "AI"}
    flights = client.get(f"{PREFIX}/flights", params=query).json()["departing_flights"]
    offers = {
        _flight_number(offer): offer
        for offer in search(client, {}, origin="DEL", destination="BOM", days=days)["offers"]
    }
    for flight in flights:
        offer = offers.get(flight["flight_no"].replace(" ", ""))
        if offer is None:
            continue
        seat_map = client.get(f"/api/offers/{offer['id']}/seat-maps").json()["data"][0]
        free = [
            s for s in _free_seats(seat_map) if s["available_services"][0]["total_amount"] == "0.00"
        ]
        if len(free) >= seats:
            return flight, day
    raise AssertionError(f"no Air India flight DEL-BOM on {day} with {seats} free seats")


def _flight_number(offer: dict[str, Any]) -> str:
    segment = offer["slices"][0]["segments"][0]
    return str(
        segment["marketing_carrier"]["iata_code"] + segment["marketing_carrier_flight_number"]
    )


def one_way(day: date, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = example("002_book_request.json")
    body.update({"trip_type": "ONE_WAY", "flight_dep_date": indian(day), **changes})
    del body["return_flight"], body["return_flight_dep_date"]
    return body


def test_a_one_way_booking_holds_an_order_in_the_seeds_shape(
    client: TestClient, csrf: dict[str, str]
) -> None:
    flight, day = a_flight_with_free_seats(client)
    body = one_way(day)
    response = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert response.status_code == 200, response.text
    booking = response.json()
    assert mismatches(example("002_book_one_way_response.json"), booking) == []
    seats = [p["seat"] for p in booking["passengers"]]
    assert None not in seats and len(set(seats)) == 3, "each passenger is seated, no seat twice"
    assert booking["flight"] == flight["id"]
    assert booking["trip_type"] == "ONE WAY"
    assert (booking["booking_status"], booking["payment_status"]) == ("PENDING", "NOT_ATTEMPTED")
    assert booking["flight_dep_date"] == day.isoformat()
    assert booking["flight_depart_time"] == flight["depart_time"]
    assert booking["extra_baggage_booking_mode"] == "AT-AIRPORT"
    assert booking["extra_check_in_baggage"] == 1.0, "Saul's 16 kg: 1 kg over"
    assert booking["extra_baggage_price"] > 0, "550 rupees, paid at the airport"
    assert [
        (p["first_name"], p["seat_type"], p["age_category"]) for p in booking["passengers"]
    ] == [
        ("Saul", "WINDOW", "Adult"),
        ("Ashwin", "AISLE", "Adult"),
        ("Roushan", "WINDOW", "Adult"),
    ]
    assert booking["total_fare"] > 0
    # The same booking is an order in /api, held and unpaid.
    token = client.post(
        "/api/auth/login", json={"email": "rakesh@test.com", "password": "correct-horse"}
    ).json()["data"]["access_token"]
    orders = client.get("/api/orders", headers={"Authorization": f"Bearer {token}"}).json()
    [order] = orders["data"]
    assert order["booking_reference"] == booking["booking_ref"]
    assert order["type"] == "hold"
    booked_seats = [s["designator"] for s in order["services"] if s["type"] == "seat"]
    assert sorted(booked_seats) == sorted(seats), "the assigned seats are the order's seats"
    assert (
        order["slices"][0]["segments"][0]["marketing_carrier_flight_number"] in flight["flight_no"]
    )


def test_the_seeds_spelling_book_works_too(client: TestClient, csrf: dict[str, str]) -> None:
    flight, day = a_flight(client, days=25)
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    response = client.post(f"{PREFIX}/book/{flight['id']}", json=body, headers=csrf)
    assert response.status_code == 200, response.text
    assert len(response.json()["passengers"]) == 1


def test_baggage_allowances(client: TestClient, csrf: dict[str, str]) -> None:
    flight, day = a_flight(client)
    body = one_way(day)
    body["passengers"][0].update(hand_baggage=7.5, check_in_baggage=15)
    response = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert response.json() == {
        "passengers[0].hand_baggage": ["Hand baggage is limited to 7 kg per passenger."]
    }
    body["passengers"][0].update(hand_baggage=1, check_in_baggage=50)
    response = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert "At most 30 kg" in response.json()["passengers"][0]
    assert client.get("/v1/flight_api/flights").status_code == 200


def test_a_baby_of_0_flying_next_month_books(client: TestClient, csrf: dict[str, str]) -> None:
    flight, day = a_flight(client)
    body = one_way(day)
    baby = {**body["passengers"][0], "first_name": "Baby", "age": 0, "check_in_baggage": 0}
    body["passengers"].append(baby)
    response = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert response.status_code == 200, response.text


def test_bad_bookings_are_400_and_book_nothing(client: TestClient, csrf: dict[str, str]) -> None:
    flight, day = a_flight(client)
    url = f"{PREFIX}/book_flight/{flight['id']}"
    response = client.post(url, json=example("002_book_request.json"), headers=csrf)
    assert response.status_code == 400, "the example's return flight does not fly back"
    assert list(response.json()) == ["return_flight"]
    body = one_way(day, coupon_code="WELCOME")
    assert client.post(url, json=body, headers=csrf).status_code == 400
    body = one_way(day, passengers=[])
    assert client.post(url, json=body, headers=csrf).json() == {
        "passengers": ["Book 1 to 20 passengers."]
    }
    body = one_way(day)
    del body["seat_class"], body["passengers"][0]["seat_type"]
    assert client.post(url, json=body, headers=csrf).json() == {
        "seat_class": ["This field is required."],
        "passengers.0.seat_type": ["This field is required."],
    }
    # true and false are no numbers (JSON Schema's rule, and the document's).
    for field in ("age", "check_in_baggage", "hand_baggage"):
        body = one_way(day)
        body["passengers"][0][field] = False
        response = client.post(url, json=body, headers=csrf)
        assert response.status_code == 400, (field, response.text)
        assert list(response.json()) == [f"passengers.0.{field}"], response.text
    # A weight no hold takes (schemathesis sent 7e16 kg: a 500 before).
    body = one_way(day)
    body["passengers"][0]["check_in_baggage"] = 7.0e16
    response = client.post(url, json=body, headers=csrf)
    assert response.status_code == 400, response.text
    assert list(response.json()) == ["passengers.0.check_in_baggage"], response.text
    body = one_way(day, flight_dep_date="2023-11-02")
    assert client.post(url, json=body, headers=csrf).json() == {
        "message": "flight_dep_date must be a date in dd-mm-yyyy format, e.g. 12-11-2023"
    }
    response = client.post(f"{PREFIX}/book_flight/99999999", json=one_way(day), headers=csrf)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    response = client.post(url, json=one_way(day), headers={"X-CSRFToken": "wrong"})
    assert response.status_code == 403


def test_a_flight_sold_for_instant_payment_only_is_409(
    client: TestClient, csrf: dict[str, str]
) -> None:
    day = date.today() + timedelta(days=20)
    query = {"origin": "DEL", "destination": "BOM", "booking_date": indian(day), "airlines": "6E"}
    flight = client.get(f"{PREFIX}/flights", params=query).json()["departing_flights"][0]
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    response = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf)
    assert response.status_code == 409
    assert "sold for payment at booking only" in response.json()["message"]


def test_a_day_the_flight_does_not_fly_is_a_field_error(
    client: TestClient, csrf: dict[str, str], services: Any
) -> None:
    some_days = next(
        f for f in services.providers.get("sandbox").timetable() if len(f.weekdays) < 7
    )
    day = next(
        date.today() + timedelta(days=n)
        for n in range(20, 27)
        if (date.today() + timedelta(days=n)).weekday() not in some_days.weekdays
    )
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    response = client.post(f"{PREFIX}/book_flight/{some_days.number}", json=body, headers=csrf)
    assert response.status_code == 400
    assert list(response.json()) == ["flight_dep_date"]


def test_a_booking_is_read_back_by_its_reference_by_its_owner_only(
    client: TestClient, csrf: dict[str, str]
) -> None:
    flight, day = a_flight(client, days=30)
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    booked = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf).json()
    response = client.get(f"{PREFIX}/bookings/{booked['booking_ref']}")
    assert response.status_code == 200
    assert response.json() == booked
    assert client.get(f"{PREFIX}/bookings/{booked['booking_ref'].lower()}").json() == booked
    assert client.get(f"{PREFIX}/bookings/NOSUCH").json() == {"detail": "Not found."}
    other = TestClient(client.app)
    register(other, "other")
    log_in(other, "other")
    response = other.get(f"{PREFIX}/bookings/{booked['booking_ref']}")
    assert response.status_code == 404
    assert client.get(f"{PREFIX}/bookings/{booked['booking_ref']}").status_code == 200


def test_cancelling_a_booking(client: TestClient, csrf: dict[str, str]) -> None:
    flight, day = a_flight(client, days=30)
    body = one_way(day, passengers=[example("002_book_request.json")["passengers"][1]])
    booked = client.post(f"{PREFIX}/book_flight/{flight['id']}", json=body, headers=csrf).json()
    url = f"{PREFIX}/bookings/{booked['booking_ref']}"
    response = client.put(
        url, json={"booking_status": "CANCELED", "cancellation_type": "RETURNING"}, headers=csrf
    )
    assert response.json() == {"cancellation_type": ["This booking has no return flight."]}
    assert client.put(url, json={"booking_status": "CANCELED"}).status_code == 403
    assert client.put(url, json={"booking_status": "CONFIRMED"}, headers=csrf).status_code == 400
    response = client.put(url, json={"booking_status": "CANCELED"}, headers=csrf)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["message"] == (
        "succesfully cancelled ticket , receipt PDF is being generated. "
        "You can download it here once it's ready."
    )
    assert answer["receipt_pdf_url"] == (
        f"{PREFIX}/download_pdf/{booked['booking_ref']}/receipt/"
        f"refund_receipt_{booked['booking_ref']}.pdf"
    )
    assert client.get(url).json()["booking_status"] == "CANCELED"
    again = client.put(url, json={"booking_status": "CANCELED"}, headers=csrf)
    assert again.status_code == 409
