"""The flight_api dialect's GET /flights (seed 002): the catalogue and the filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.providers.base import Timetable
from farebridge.services.ports import Dependencies
from tests.e2e.flight_api import PASSWORD, PREFIX, example, log_in, mismatches, register


@pytest.fixture
def session(client: TestClient) -> TestClient:
    register(client)
    log_in(client)
    return client


def flights(client: TestClient, **query: Any) -> Any:
    response = client.get(f"{PREFIX}/flights", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def indian(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def test_without_a_query_it_is_the_paginated_catalogue(session: TestClient) -> None:
    first = flights(session)
    assert mismatches(example("002_flights_response.json"), first) == []
    assert first["count"] > 1000 and first["previous"] is None
    assert first["next"].endswith(f"{PREFIX}/flights?page=2")
    assert [flight["id"] for flight in first["result"]] == list(range(1, 11))
    second = session.get(first["next"]).json()
    assert [flight["id"] for flight in second["result"]] == list(range(11, 21))
    assert second["previous"].endswith("page=1")
    last_page = (first["count"] + 9) // 10
    last = flights(session, page=last_page)
    assert last["next"] is None and last["result"][-1]["id"] == first["count"]
    response = session.get(f"{PREFIX}/flights", params={"page": last_page + 1})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_a_flights_id_is_stable(session: TestClient, client: TestClient) -> None:
    one = flights(session, page=300)["result"][3]
    found = flights(session, flight_number=one["flight_no"])["departing_flights"]
    assert one in found
    assert flights(session, page=300)["result"][3] == one


def test_filters_give_departing_and_returning_flights_unpaginated(session: TestClient) -> None:
    leaving, back = date.today() + timedelta(days=20), date.today() + timedelta(days=27)
    answer = flights(
        session,
        origin="Delhi",
        destination="BOM",
        booking_date=indian(leaving),
        return_date=indian(back),
        round_trip="true",
    )
    assert mismatches(example("002_flights_filtered_response.json"), answer) == []
    assert len(answer["departing_flights"]) > 10  # not paginated
    assert {f["origin_code"] for f in answer["departing_flights"]} == {"DEL"}
    assert {f["destination_code"] for f in answer["departing_flights"]} == {"BOM"}
    assert answer["returning_flights"]
    assert {(f["origin_code"], f["destination_code"]) for f in answer["returning_flights"]} == {
        ("BOM", "DEL")
    }
    one_way = flights(session, origin="Mumbai", destination="New Delhi")
    assert one_way["returning_flights"] == []
    assert {f["origin_city"] for f in one_way["departing_flights"]} == {"Mumbai"}


def test_airline_timing_and_class_narrow_the_list(session: TestClient) -> None:
    every = flights(session, origin="DEL", destination="BOM")["departing_flights"]
    airline = every[0]["airline"]
    by_airline = flights(session, origin="DEL", destination="BOM", airlines=airline)
    assert {f["airline"] for f in by_airline["departing_flights"]} == {airline}
    morning = flights(session, origin="DEL", destination="BOM", departure_timing="MORNING")
    times = [f["depart_time"] for f in morning["departing_flights"]]
    assert times and all("06:00:00" <= t <= "11:59:59" for t in times)
    assert len(times) < len(every)
    window = flights(session, origin="DEL", destination="BOM", departure_timing="06:00-08:00")
    assert all("06:00:00" <= f["depart_time"] <= "08:00:00" for f in window["departing_flights"])
    economy = flights(session, origin="DEL", destination="BOM", seat_class="ECONOMY")
    assert len(economy["departing_flights"]) == len(every)


def test_a_weekday_flight_is_listed_on_its_days_only(
    session: TestClient, services: Dependencies
) -> None:
    provider = services.providers.get("sandbox")
    assert isinstance(provider, Timetable)
    some_days = next(f for f in provider.timetable() if len(f.weekdays) < 7)
    for offset in range(7):
        day = date.today() + timedelta(days=10 + offset)
        listed = flights(session, flight_number=some_days.designator, booking_date=indian(day))[
            "departing_flights"
        ]
        expected = [some_days.number] if day.weekday() in some_days.weekdays else []
        assert [f["id"] for f in listed] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"price": "5000"}, example("002_flights_400.json")),
        (
            {"booking_date": "2023-11-12"},
            {"message": "booking_date must be a date in dd-mm-yyyy format, e.g. 12-11-2023"},
        ),
        ({"origin": "Atlantis"}, {"origin": ["No city or airport is called 'Atlantis'."]}),
        ({"price": "cheap"}, {"price": ["A valid number is required."]}),
        (
            {"price": "500", "seat_class": "ECONOMY", "origin": "DEL"},
            {
                "message": "the price filter needs origin, destination and booking_date: "
                "fares are priced for a day"
            },
        ),
        (
            {"round_trip": "true", "origin": "DEL"},
            {"message": "a round trip needs origin, destination and return_date"},
        ),
    ],
)
def test_bad_queries_are_the_seeds_400(
    session: TestClient, query: dict[str, str], expected: dict[str, Any]
) -> None:
    response = session.get(f"{PREFIX}/flights", params=query)
    assert response.status_code == 400
    assert response.json() == expected


def test_the_price_filter_keeps_flights_whose_fare_that_day_is_at_most_it(
    session: TestClient,
) -> None:
    """The seed's ``price`` is a ceiling on the fare in ``seat_class`` (its code filters
    ``economy_fare__lte``); here the fare is the flight's cheapest for one adult that day."""
    day = indian(date.today() + timedelta(days=21))
    route = {"origin": "DEL", "destination": "BOM", "booking_date": day, "seat_class": "ECONOMY"}
    every = {f["id"]: f["flight_no"] for f in flights(session, **route)["departing_flights"]}
    assert len(every) > 3
    token = session.post(
        "/api/auth/login", json={"email": "rakesh@test.com", "password": PASSWORD}
    ).json()["data"]["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    search = session.post(
        "/api/offer-requests?return_offers=true",
        json={
            "slices": [
                {
                    "origin": "DEL",
                    "destination": "BOM",
                    "departure_date": (date.today() + timedelta(days=21)).isoformat(),
                }
            ],
            "passengers": [{"type": "adult"}],
            "max_connections": 0,
        },
        headers=auth,
    ).json()["data"]
    query = {"offer_request_id": search["id"], "group_by": "itinerary", "limit": 200}
    offers = session.get("/api/offers", params=query, headers=auth).json()["data"]
    cheapest: dict[str, float] = {}  # the cheapest fare of each flight that day
    for offer in offers:
        [segment] = offer["slices"][0]["segments"]
        carrier = segment["marketing_carrier"]["iata_code"]
        number = carrier + segment["marketing_carrier_flight_number"]
        cheapest[number] = min(cheapest.get(number, 1e12), float(offer["total_amount"]))
    on_sale = {i for i, number in every.items() if number in cheapest}
    assert len(on_sale) > 3
    everything = flights(session, **route, price="1000000")["departing_flights"]
    assert {f["id"] for f in everything} == on_sale, "a flight sold out that day has no fare"
    middle = sorted(cheapest.values())[len(cheapest) // 2]
    some = flights(session, **route, price=str(middle))["departing_flights"]
    assert {f["id"] for f in some} == {i for i in on_sale if cheapest[every[i]] <= middle}
    assert 0 < len(some) < len(on_sale)
    below = str(min(cheapest.values()) - 0.01)
    assert flights(session, **route, price=below)["departing_flights"] == []


def test_flights_need_a_session(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/flights")
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_filter_without_a_route_lists_at_most_500_flights(session: TestClient) -> None:
    catalogue = flights(session)["count"]
    morning = flights(session, departure_timing="MORNING")
    assert len(morning["departing_flights"]) == 500 < catalogue, "capped, in timetable order"
    ids = [flight["id"] for flight in morning["departing_flights"]]
    assert ids == sorted(ids)
    one_route = flights(session, origin="JFK", destination="LAX")["departing_flights"]
    assert 0 < len(one_route) < 500, "a route is listed whole"
