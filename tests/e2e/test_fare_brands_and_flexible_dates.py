"""One row per itinerary with its fare brands; flexible dates and their calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.conftest import all_offers, instant_order_body, search, travel_date
from tests.e2e.test_error_table import assert_error


def _flights(offer: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (
            segment["marketing_carrier"]["iata_code"],
            segment["marketing_carrier_flight_number"],
            segment["departing_at"],
        )
        for item in offer["slices"]
        for segment in item["segments"]
    )


def _offers(client: TestClient, auth: dict[str, str], query: str) -> list[dict[str, Any]]:
    return all_offers(client, auth, query)


def test_lon_nyc_lists_one_row_per_itinerary_and_every_brand_books(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = search(client, auth, origin="LON", destination="NYC", max_connections=1)
    every = _offers(client, auth, f"offer_request_id={request['id']}")
    rows = _offers(client, auth, f"offer_request_id={request['id']}&group_by=itinerary")
    flights = [_flights(row) for row in rows]
    assert len(set(flights)) == len(rows) < len(every), "no two rows fly the same flights"
    assert {row["itinerary_id"] for row in rows} == {offer["itinerary_id"] for offer in every}
    amounts = [Decimal(row["total_amount"]) for row in rows if row["total_currency"] == "GBP"]
    assert amounts == sorted(amounts)
    by_id = {offer["id"]: offer for offer in every}
    for row in rows:
        brands = row["fare_brands"]
        assert brands[0]["offer_id"] == row["id"], "the row is its cheapest brand"
        assert len({b["fare_brand_name"] for b in brands}) == len(brands)
        for brand in brands:
            offer = by_id[brand["offer_id"]]
            assert _flights(offer) == _flights(row)
            assert (brand["total_amount"], brand["conditions"]) == (
                offer["total_amount"],
                offer["conditions"],
            )
    branded = next(row for row in rows if len(row["fare_brands"]) == 3)
    for brand in branded["fare_brands"]:
        body = instant_order_body(by_id[brand["offer_id"]])
        body["confirm_duplicate"] = True  # the same passenger on the same flights (ADR 0015)
        created = client.post("/api/orders", json=body, headers=auth)
        assert created.status_code == 201, created.text
        assert created.json()["data"]["fare_brand_name"] == brand["fare_brand_name"]


def test_a_flexible_return_search_and_its_calendar(
    client: TestClient, auth: dict[str, str]
) -> None:
    out, back = date.today() + timedelta(days=30), date.today() + timedelta(days=37)
    body = {
        "slices": [
            {"origin": "JFK", "destination": "LHR", "departure_date": out.isoformat()},
            {"origin": "LHR", "destination": "JFK", "departure_date": back.isoformat()},
        ],
        "passengers": [{"type": "adult"}],
        "max_connections": 0,
        "flexible_days": 1,
    }
    created = client.post("/api/offer-requests?return_offers=true", json=body, headers=auth)
    assert created.status_code == 201, created.text
    request = created.json()["data"]
    assert request["status"] == "complete" and request["flexible_days"] == 1
    around = [
        (day + timedelta(days=shift)).isoformat() for day in (out, back) for shift in (-1, 0, 1)
    ]
    assert [s["departure_dates"] for s in request["slices"]] == [around[:3], around[3:]]
    calendar = client.get(f"/api/offer-requests/{request['id']}/calendar", headers=auth)
    assert calendar.status_code == 200, calendar.text
    days = calendar.json()["data"]
    assert [d["departure_dates"] for d in days] == [[a, b] for a in around[:3] for b in around[3:]]
    for day in days:
        dates = ",".join(day["departure_dates"])
        offers = _offers(client, auth, f"offer_request_id={request['id']}&departure_dates={dates}")
        assert day["offers_count"] == len(offers) > 0
        assert day["offer_id"] == offers[0]["id"]
        assert (day["cheapest_total_amount"], day["total_currency"]) == (
            offers[0]["total_amount"],
            offers[0]["total_currency"],
        )
        first_days = {item["departing_at"][:10] for item in offers[0]["slices"]}
        assert len(first_days) == 2 and sorted(first_days) == day["departure_dates"]


def test_flexible_dates_and_filters_refuse_bad_input_naming_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    slices = [
        {"origin": "JFK", "destination": "LHR", "departure_date": travel_date(30)},
        {"origin": "LHR", "destination": "CDG", "departure_date": travel_date(33)},
        {"origin": "CDG", "destination": "JFK", "departure_date": travel_date(36)},
    ]
    for body, code in (
        ({"slices": slices[:1], "flexible_days": 4}, "less_than_equal"),
        ({"slices": slices, "flexible_days": 1}, "flexible_dates_not_supported"),
    ):
        request = {**body, "passengers": [{"type": "adult"}]}
        response = client.post("/api/offer-requests", json=request, headers=auth)
        assert_error(response, 400, code, "flexible_days")
    request_id = search(client, auth)["id"]
    for query, field in (
        ("departure_dates=2027-02-30", "departure_dates"),
        ("departure_dates=tomorrow", "departure_dates"),
        ("group_by=airline", "group_by"),
    ):
        response = client.get(f"/api/offers?offer_request_id={request_id}&{query}", headers=auth)
        assert_error(response, 400, field=field)
    missing = client.get("/api/offer-requests/orq_nope/calendar", headers=auth)
    assert_error(missing, 404, "offer_request_not_found")


def test_an_exact_search_has_a_calendar_of_one_day(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = search(client, auth)
    assert request["flexible_days"] == 0
    assert request["slices"][0]["departure_dates"] == [request["slices"][0]["departure_date"]]
    days = client.get(f"/api/offer-requests/{request['id']}/calendar", headers=auth).json()
    assert [(d["departure_dates"], d["offers_count"]) for d in days["data"]] == [
        ([request["slices"][0]["departure_date"]], request["offers_count"])
    ]
