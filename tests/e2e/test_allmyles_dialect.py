"""The Allmyles dialect through the real app, on SQLite and PostgreSQL: whole traditional
and LCC flows, the session rules of seeds 001/003 (each 412/404 row), bookings by PNR,
and the orders it makes seen through /api. The seeds' example bodies are contract
tests in test_allmyles_contract.py."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.api.app import create_app
from farebridge.domain.clock import ManualClock
from farebridge.domain.errors import WorkflowRuleBroken
from farebridge.services import accounts, allmyles_sessions
from farebridge.services.ports import Dependencies
from farebridge.settings import Settings
from tests.e2e.conftest import hold_order, register, travel_date

COOKIE = "sessionid=0123456789abcdef"


@pytest.fixture
def key(client: TestClient, auth: dict[str, str]) -> dict[str, str]:
    """What an Allmyles client sends: the API key as X-Auth-Token, and its session cookie."""
    created = client.post("/api/api-keys", json={"name": "allmyles"}, headers=auth)
    assert created.status_code == 201, created.text
    return {"X-Auth-Token": created.json()["data"]["secret"], "Cookie": COOKIE}


def search_body(
    origin: str = "BUD",
    destination: str = "LON",
    *,
    days: int = 30,
    back: int | None = 35,
    **more: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "fromLocation": origin,
        "toLocation": destination,
        "departureDate": f"{travel_date(days)}T00:00:00",
        "persons": [{"passengerType": "ADT", "quantity": 1}],
    }
    if back is not None:
        body["returnDate"] = f"{travel_date(back)}T00:00:00"
    body.update(more)
    return body


def search(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], *, started: bool = False
) -> list[dict[str, Any]]:
    """Search as Allmyles clients do: 202 first, then the same request until 200."""
    if not started:
        first = client.post("/allmyles/flights", json=body, headers=headers)
        assert first.status_code == 202, first.text[:300]
        assert first.content == b""
    for _ in range(10):
        answer = client.post("/allmyles/flights", json=body, headers=headers)
        if answer.status_code != 202:
            break
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["flightResultSet"]
    return results


def combination(results: list[dict[str, Any]], provider: str) -> dict[str, Any]:
    for result in results:
        for item in result["combinations"]:
            if item["providerType"] == provider:
                return item
    raise AssertionError(f"no {provider} result")


CONTACT = {
    "address": {
        "addressLine1": "Váci út 13-14",
        "cityName": "Budapest",
        "countryCode": "HU",
        "zipCode": "1234",
    },
    "email": "bbb@gmail.com",
    "name": "Kovacs Lajos",
    "phone": {"areaCode": 30, "countryCode": 36, "phoneNumber": 1234567},
}


def person(**overrides: Any) -> dict[str, Any]:
    body = {
        "baggage": "0",
        "carryOnBaggage": "1",
        "birthDate": "1974-04-03",
        "document": {
            "dateOfExpiry": (date.today() + timedelta(days=3000)).isoformat(),
            "id": "12345678",
            "issueCountry": "HU",
            "type": "Passport",
        },
        "email": "aaa@gmail.com",
        "firstName": "Janos",
        "gender": "MALE",
        "lastName": "Kovacs",
        "namePrefix": "Mr",
        "passengerTypeCode": "ADT",
    }
    body.update(overrides)
    return body


def book_body(booking_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "bookBasket": [booking_id],
        "billingInfo": CONTACT,
        "contactInfo": CONTACT,
        "persons": [person()],
    }
    body.update(overrides)
    return body


def message(response: Any) -> str:
    body = response.json()
    assert set(body) == {"message"}, body
    text: str = body["message"]
    return text


def test_a_whole_traditional_flow(client: TestClient, key: dict[str, str]) -> None:
    results = search(client, key, search_body(preferredAirlines=[]))
    chosen = combination(results, "AmadeusProvider")
    booking_id = chosen["bookingId"]
    details = client.get(f"/allmyles/flights/{booking_id}", headers=key)
    assert details.status_code == 200, details.text
    flight = details.json()["flightDetails"]
    assert flight["surcharge"]["amount"] == 0.0
    assert booking_id in [c["bookingId"] for c in flight["result"]["combinations"]]
    booked = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert booked.status_code == 200, booked.text
    pnr = booked.json()["pnr"]
    assert booked.json()["contactInfo"]["address"]["line1"] == "Váci út 13-14"
    status = client.get(f"/allmyles/tickets/{booking_id}/status", headers=key)
    assert status.status_code == 200 and status.json()["status"] == "inactive", status.text
    ticket = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert ticket.status_code == 200, ticket.text
    tickets = ticket.json()["tickets"]
    assert tickets[0]["passenger"] == "Mr Janos Kovacs" and tickets[0]["ticket"]
    status = client.get(f"/allmyles/tickets/{booking_id}/status", headers=key)
    assert status.json()["status"] == "successful"
    assert status.json()["pnr"]["passengers"][0]["traditional_ticket"] == tickets[0]["ticket"]
    looked_up = client.get(f"/allmyles/books/{pnr}", headers=key)
    assert looked_up.status_code == 200 and looked_up.json()["pnr"]["id"] == pnr
    orders = client.get(f"/api/orders?booking_reference={pnr}", headers=key_as_bearer(key))
    assert orders.status_code == 200, orders.text
    assert [o["status"] for o in orders.json()["data"]] == ["ticketed"]


def key_as_bearer(key: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {key['X-Auth-Token']}"}


def test_a_whole_lcc_flow(client: TestClient, key: dict[str, str]) -> None:
    results = search(client, key, search_body(providerType="OnlyLowCost"))
    assert {c["providerType"] for r in results for c in r["combinations"]} == {
        "TravelFusionProvider"
    }
    booking_id = results[0]["combinations"][0]["bookingId"]
    details = client.get(f"/allmyles/flights/{booking_id}", headers=key).json()["flightDetails"]
    tiers = details["baggageTiers"]
    assert tiers[0]["tier"] == "0" and tiers[0]["price"] == {"currency": None, "amount": 0.0}
    assert len(tiers) > 1, "LCC fares sell checked bags"
    paid_tier = tiers[1]["tier"]
    assert tiers[1]["price"]["amount"] > 0 and tiers[1]["max_weights"]
    rules = client.get(f"/allmyles/flights/{booking_id}/rules", headers=key)
    assert rules.status_code == 200 and "link" in rules.json()["rulesResultSet"], rules.text
    early = client.post("/allmyles/payment", json={"payuId": "12345678"}, headers=key)
    assert early.status_code == 412
    assert message(early) == "book request should have been received"
    body = book_body(booking_id, persons=[person(baggage=paid_tier)])
    booked = client.post("/allmyles/books", json=body, headers=key)
    assert booked.status_code == 204 and booked.content == b"", booked.text
    unpaid = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert unpaid.status_code == 412 and message(unpaid) == "no payment data given"
    paid = client.post("/allmyles/payment", json={"payuId": "12345678"}, headers=key)
    assert paid.status_code == 204 and paid.content == b""
    ticket = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert ticket.status_code == 200, ticket.text
    shown = ticket.json()
    assert shown["lastTicketingDate"] is None and shown["ticket"] and shown["pnr"]
    assert shown["baggageTiers"]["tier"] == paid_tier
    again = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert again.status_code == 200 and again.json()["pnr"] == shown["pnr"]
    status = client.get(f"/allmyles/tickets/{booking_id}/status", headers=key).json()
    assert status["status"] == "successful" and status["pnr"]["lcc_ticket"]
    orders = client.get(f"/api/orders?booking_reference={shown['pnr']}", headers=key_as_bearer(key))
    [order] = orders.json()["data"]
    assert order["status"] == "ticketed"
    late = client.post("/allmyles/payment", json={"payuId": "12345678"}, headers=key)
    assert late.status_code == 412 and message(late) == "already booked"
    cancel = client.delete(f"/allmyles/books/{shown['pnr']}", headers=key)
    assert cancel.status_code == 409
    assert message(cancel) == "Booked flights can only be cancelled before ticket is created."
    services = client.get(f"/api/orders/{order['id']}", headers=key_as_bearer(key)).json()
    assert [s["type"] for s in services["data"]["services"]] == ["baggage", "baggage"]
    # what the card was charged: the details price (card surcharge included) plus the bags
    charged = Decimal(order["total_amount"]) + Decimal(order["surcharge_amount"] or "0")
    surcharge = Decimal(str(details["surcharge"]["amount"]))
    assert details["surcharge"]["card_type"] == "VI" and surcharge > 0, "an LCC's card fee"
    assert charged == Decimal(str(details["price"]["amount"])) + Decimal(
        str(tiers[1]["price"]["amount"])
    )


def test_the_session_is_the_cookie_and_the_key_is_x_auth_token(
    client: TestClient, key: dict[str, str]
) -> None:
    no_cookie = client.post(
        "/allmyles/flights", json=search_body(), headers={"X-Auth-Token": key["X-Auth-Token"]}
    )
    assert no_cookie.status_code == 400 and "Cookie" in message(no_cookie)
    no_key = client.post("/allmyles/flights", json=search_body(), headers={"Cookie": COOKIE})
    assert no_key.status_code == 403
    forged = client.get("/allmyles/flights/1_0_1", headers={**key, "X-Auth-Token": "fbk_nope"})
    assert forged.status_code == 403
    bearer = {"Authorization": f"Bearer {key['X-Auth-Token']}", "Cookie": COOKIE}
    first = client.get("/allmyles/flights/1_0_1", headers=bearer)
    assert first.status_code == 404 and message(first) == "search first"
    bad = client.post("/allmyles/flights", json=search_body(persons=[]), headers=key)
    assert bad.status_code == 400 and "persons" in message(bad)


def test_the_session_rules(client: TestClient, key: dict[str, str]) -> None:
    for path in ("/allmyles/flights/1_0_1", "/allmyles/flights/1_0_1/rules"):
        answer = client.get(path, headers=key)
        assert answer.status_code == 404 and message(answer) == "search first", path
    body = search_body(preferredAirlines=[])
    first = client.post("/allmyles/flights", json=body, headers=key)
    assert first.status_code == 202
    other = client.post("/allmyles/flights", json=search_body(days=31), headers=key)
    assert other.status_code == 412 and message(other) == "a request is already being processed"
    busy = client.get("/allmyles/flights/0_0_1", headers=key)
    assert busy.status_code == 412 and message(busy) == "a request is already being processed"
    results = search(client, {**key, "Cookie": "another"}, body)  # another session: free
    results = search(client, key, body, started=True)  # the first session polls: results
    old_id = combination(results, "AmadeusProvider")["bookingId"]
    unbooked = client.get(f"/allmyles/tickets/{old_id}", headers=key)
    assert unbooked.status_code == 412
    assert message(unbooked) == "book request should have been received"
    unpaid = client.post(
        "/allmyles/payment", json={"paymentId": "1", "basket": [old_id]}, headers=key
    )
    assert unpaid.status_code == 412
    assert message(unpaid) == "book request should have been received"
    newer = search(client, key, search_body(days=32, preferredAirlines=[]))
    stale = client.get(f"/allmyles/flights/{old_id}", headers=key)
    assert stale.status_code == 412 and message(stale) == "request is not for the latest search"
    stale_book = client.post("/allmyles/books", json=book_body(old_id), headers=key)
    assert stale_book.status_code == 412
    assert message(stale_book) == "request is not for the latest search"
    booking_id = combination(newer, "AmadeusProvider")["bookingId"]
    booked = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert booked.status_code == 200, booked.text
    twice = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert twice.status_code == 412 and message(twice) == "Already booked."
    traditional = client.post("/allmyles/payment", json={"payuId": "1"}, headers=key)
    assert traditional.status_code == 412
    pnr = booked.json()["pnr"]
    cancelled = client.delete(f"/allmyles/books/{pnr}", headers=key)
    assert cancelled.status_code == 204 and cancelled.content == b""
    again = client.delete(f"/allmyles/books/{pnr}", headers=key)
    assert again.status_code == 409 and message(again) == "Booking already cancelled."
    assert client.get(f"/allmyles/books/{pnr}", headers=key).json()["pnr"]["deleted"] is True
    missing = client.get("/allmyles/books/ZZZZZZ", headers=key)
    assert missing.status_code == 404 and message(missing) == "PNR not found"
    stranger = client.post(
        "/api/api-keys", json={"name": "x"}, headers=register(client, "bob@test.com")
    )
    theirs = {"X-Auth-Token": stranger.json()["data"]["secret"]}
    for method in ("GET", "DELETE"):
        answer = client.request(method, f"/allmyles/books/{pnr}", headers=theirs)
        assert answer.status_code == 403, answer.text
        assert message(answer) == "PNR belongs to another auth token"


def test_a_workflow_expires_17_minutes_after_a_request(
    services: Dependencies, settings: Settings, client: TestClient, key: dict[str, str]
) -> None:
    clock = ManualClock(datetime.now(UTC))
    timed = replace(services, clock=clock)
    with TestClient(create_app(timed, settings), raise_server_exceptions=False) as later:
        results = search(later, key, search_body())
        booking_id = results[0]["combinations"][0]["bookingId"]
        clock.advance(timedelta(minutes=16))
        assert later.get(f"/allmyles/flights/{booking_id}/rules", headers=key).status_code == 200
        clock.advance(timedelta(minutes=17))
        expired = later.get(f"/allmyles/flights/{booking_id}", headers=key)
        assert expired.status_code == 412 and "expired" in message(expired)
        status = later.get(f"/allmyles/tickets/{booking_id}/status", headers=key)
        assert status.status_code == 412


def test_one_call_at_a_time_per_session(
    services: Dependencies, client: TestClient, key: dict[str, str]
) -> None:
    """Calls of one session race for its lock (a compare-and-set): exactly one wins."""
    user = accounts.authenticate(services, token=key["X-Auth-Token"])
    with allmyles_sessions.workflow_call(services, user=user, cookie="racing"):
        pass  # the session exists
    barrier = threading.Barrier(6)
    held = threading.Event()
    outcomes: list[str] = []

    def call() -> None:
        barrier.wait()
        try:
            with allmyles_sessions.workflow_call(services, user=user, cookie="racing"):
                outcomes.append("won")
                held.wait(timeout=5)
        except WorkflowRuleBroken as refused:
            outcomes.append(refused.code)
            if outcomes.count("workflow_busy") == 5:
                held.set()  # the winner holds the lock until every other call was refused

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["won"] + ["workflow_busy"] * 5
    with allmyles_sessions.workflow_call(services, user=user, cookie="racing"):
        busy = client.get("/allmyles/flights/1_0_1", headers={**key, "Cookie": "racing"})
    assert busy.status_code == 412 and message(busy) == "a request is already being processed"
    free = client.get("/allmyles/flights/1_0_1", headers={**key, "Cookie": "racing"})
    assert free.status_code == 404 and message(free) == "search first"


def _totals(results: list[dict[str, Any]]) -> list[float]:
    return [r["total_fare"] for r in results]


def _scores(results: list[dict[str, Any]]) -> list[int]:
    return [r["combinations"][0]["comfortScore"] for r in results]


def test_search_options_and_filters(client: TestClient, key: dict[str, str]) -> None:
    cheapest_first = search(client, key, search_body())
    assert _totals(cheapest_first) == sorted(_totals(cheapest_first))
    dearest_first = search(client, key, search_body(options={"sort": "-total_fare"}))
    assert _totals(dearest_first) == sorted(_totals(dearest_first), reverse=True)
    comfiest = search(client, key, search_body(options={"sort": "-comfort_score"}))
    assert _scores(comfiest) == sorted(_scores(comfiest), reverse=True)
    for result in comfiest:
        scores = [c["comfortScore"] for c in result["combinations"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    least_comfy = search(client, key, search_body(options={"sort": "comfort_score"}))
    assert _scores(least_comfy) == sorted(_scores(least_comfy))
    for result in cheapest_first:  # a result groups combinations of one total price
        assert len({c["bookingId"] for c in result["combinations"]}) == len(result["combinations"])
    traditional = search(client, key, search_body(providerType="OnlyTraditional"))
    assert {c["providerType"] for r in traditional for c in r["combinations"]} == {
        "AmadeusProvider"
    }
    ryanair = search(client, key, search_body(preferredAirlines=["FR"]))
    segments = [
        s for r in ryanair for c in r["combinations"] for s in c["firstLeg"]["flightSegments"]
    ]
    assert segments and {s["marketingAirline"] for s in segments} == {"FR"}
    luton = search(client, key, search_body(toAirport="LTN", back=None))
    arrivals = {
        c["firstLeg"]["flightSegments"][-1]["arrival"]["airport"]["code"]
        for r in luton
        for c in r["combinations"]
    }
    assert arrivals == {"LTN"}
    assert all("returnLeg" not in c for r in luton for c in r["combinations"])
    outside = client.post("/allmyles/flights", json=search_body(toAirport="CDG"), headers=key)
    assert outside.status_code == 400 and "toAirport" in message(outside)
    business = search(client, key, search_body(options={"filter": {"cabin": "business"}}))
    cabins = {
        s["cabin"]
        for r in business
        for c in r["combinations"]
        for s in c["firstLeg"]["flightSegments"]
    }
    assert "business" in cabins
    flexible = search(client, key, search_body(extraDays=1))
    days = {
        c["firstLeg"]["flightSegments"][0]["departure"]["dateTime"][:10]
        for r in flexible
        for c in r["combinations"]
    }
    assert len(days) > 1, "extraDays searches the dates around too"
    client.post("/allmyles/flights", json=search_body(preferredAirlines=["ZZ"]), headers=key)
    none = client.post("/allmyles/flights", json=search_body(preferredAirlines=["ZZ"]), headers=key)
    assert none.status_code == 404 and message(none) == "No flights available"


@pytest.mark.parametrize(
    ("fault", "status", "text"),
    [
        ("sold_out", 303, "Unable to book this flight - please select a different bookingId"),
        ("price_change", 303, "Unable to book this flight - please select a different bookingId"),
        (
            "timeout",
            504,
            "external gateway timed out - book request might very well have been successful!",
        ),
    ],
)
def test_booking_faults_are_allmyles_errors(
    client: TestClient, key: dict[str, str], fault: str, status: int, text: str
) -> None:
    results = search(client, key, search_body())
    booking_id = combination(results, "AmadeusProvider")["bookingId"]
    faulty = {**key, "Sandbox-Fault": fault}
    failed = client.post("/allmyles/books", json=book_body(booking_id), headers=faulty)
    assert failed.status_code == status and message(failed) == text


def test_search_and_ticketing_faults_are_allmyles_errors(
    client: TestClient, key: dict[str, str]
) -> None:
    body = search_body()
    faulty = {**key, "Sandbox-Fault": "search_timeout"}
    assert client.post("/allmyles/flights", json=body, headers=faulty).status_code == 202
    failed = client.post("/allmyles/flights", json=body, headers=faulty)
    assert failed.status_code == 500
    assert message(failed) == "external provider rejected the request - please try again"
    assert search(client, key, body), "the same request again is a new try"
    results = search(client, key, search_body(providerType="OnlyLowCost"))
    booking_id = results[0]["combinations"][0]["bookingId"]
    assert (
        client.post("/allmyles/books", json=book_body(booking_id), headers=key).status_code == 204
    )
    declined = client.post("/allmyles/payment", json={"payuId": "payu_declined"}, headers=key)
    assert declined.status_code == 204
    refused = client.get(f"/allmyles/tickets/{booking_id}", headers=key)
    assert refused.status_code == 500 and message(refused) == "booking failed, cannot create ticket"
    client.post("/allmyles/payment", json={"payuId": "12345678"}, headers=key)
    unknown = client.get(
        f"/allmyles/tickets/{booking_id}", headers={**key, "Sandbox-Fault": "ticketing_unknown"}
    )
    assert unknown.status_code == 504
    assert (
        message(unknown) == "ticket creation timed out - but could very well have been successful!"
    )
    status = client.get(f"/allmyles/tickets/{booking_id}/status", headers=key)
    assert status.json()["status"] == "unknown"


def test_bookings_made_through_api_are_found_and_cancelled_by_pnr(
    client: TestClient, auth: dict[str, str], key: dict[str, str]
) -> None:
    order = hold_order(client, auth)
    pnr = order["booking_reference"]
    found = client.get(f"/allmyles/books/{pnr}", headers={"X-Auth-Token": key["X-Auth-Token"]})
    assert found.status_code == 200 and found.json()["pnr"]["id"] == pnr
    assert found.json()["pnr"]["passengers"][0]["name"] == "EARHART AMELIA/MS"
    cancelled = client.delete(f"/allmyles/books/{pnr}", headers=key)
    assert cancelled.status_code == 204
    shown = client.get(f"/api/orders/{order['id']}", headers=auth).json()["data"]
    assert shown["status"] == "cancelled"


def test_the_same_passenger_on_the_same_flights_is_already_booked(
    client: TestClient, key: dict[str, str]
) -> None:
    """The engine's duplicate-booking protection (ADR 0015) answers as Allmyles does: a
    second session booking the same passenger on the same flights gets 412."""
    booking_id = combination(search(client, key, search_body()), "AmadeusProvider")["bookingId"]
    first = client.post("/allmyles/books", json=book_body(booking_id), headers=key)
    assert first.status_code == 200, first.text
    other = {**key, "Cookie": "another-tab"}
    again = combination(search(client, other, search_body()), "AmadeusProvider")["bookingId"]
    assert again == booking_id, "the same search lists the same flights first"
    second = client.post("/allmyles/books", json=book_body(again), headers=other)
    assert (second.status_code, message(second)) == (412, "Already booked.")
    someone_else = book_body(again, persons=[person(firstName="Eva", namePrefix="Ms")])
    third = client.post("/allmyles/books", json=someone_else, headers=other)
    assert third.status_code == 200, third.text
