"""The Duffel dialect's edges through the real app, on SQLite and PostgreSQL: headers,
envelopes, bad input of every kind, ownership. (Whole flows run through the official
clients in tests/duffel_clients/.)"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from farebridge.jobs.worker import Worker
from tests.e2e.conftest import PASSPORT, travel_date

V2 = {"Duffel-Version": "v2"}


@pytest.fixture
def key(client: TestClient, auth: dict[str, str]) -> dict[str, str]:
    """Headers a Duffel client sends: its version and a farebridge API key as token."""
    created = client.post("/api/api-keys", json={"name": "duffel"}, headers=auth)
    assert created.status_code == 201, created.text
    return {**V2, "Authorization": f"Bearer {created.json()['data']['secret']}"}


def offer_request(
    client: TestClient, headers: dict[str, str], *, return_offers: bool = True, days: int = 30
) -> dict[str, Any]:
    body = {
        "data": {
            "slices": [
                {"origin": "LHR", "destination": "JFK", "departure_date": travel_date(days)}
            ],
            "passengers": [{"type": "adult"}, {"age": 8}],
            "cabin_class": "economy",
            "max_connections": 0,
        }
    }
    response = client.post(
        f"/duffel/air/offer_requests?return_offers={str(return_offers).lower()}",
        json=body,
        headers=headers,
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def passengers(offer: dict[str, Any]) -> list[dict[str, Any]]:
    born = {"adult": "1987-07-24", "child": "2018-03-02"}
    return [
        {
            "id": p["id"],
            "title": "ms",
            "gender": "f",
            "given_name": "Amelia",
            "family_name": "Earhart",
            "born_on": born[p["type"]],
            "email": "amelia@example.com",
            "phone_number": "+442080160508",
            "identity_documents": [PASSPORT],
        }
        for p in offer["passengers"]
    ]


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"meta", "errors"}, body
    assert body["meta"]["status"] == response.status_code and body["meta"]["request_id"]
    first: dict[str, Any] = body["errors"][0]
    assert {"type", "title", "message", "code", "documentation_url"} <= set(first)
    return first


def test_versions_and_authentication(client: TestClient, key: dict[str, str]) -> None:
    for version in ("v1", "v2"):
        answer = client.get(
            "/duffel/air/airlines/arl_ba", headers={**key, "Duffel-Version": version}
        )
        assert answer.status_code == 200, answer.text
    old = client.get("/duffel/air/airlines/arl_ba", headers={**key, "Duffel-Version": "beta"})
    assert old.status_code == 400 and error(old)["code"] == "unsupported_version"
    anonymous = client.get("/duffel/air/airlines/arl_ba", headers=V2)
    assert anonymous.status_code == 401
    assert error(anonymous)["type"] == "authentication_error"
    forged = client.get("/duffel/air/orders", headers={**V2, "Authorization": "Bearer fbk_nope"})
    assert forged.status_code == 401


def test_return_offers_and_listing_agree(client: TestClient, key: dict[str, str]) -> None:
    with_offers = offer_request(client, key)
    assert with_offers["offers"], "return_offers=true answers every offer"
    listed: list[dict[str, Any]] = []
    after = None
    while True:
        query = f"offer_request_id={with_offers['id']}&limit=7" + (
            f"&after={after}" if after else ""
        )
        page = client.get(f"/duffel/air/offers?{query}", headers=key).json()
        listed.extend(page["data"])
        after = page["meta"]["after"]
        if after is None:
            break
    assert [o["id"] for o in listed] == [o["id"] for o in with_offers["offers"]]
    without = offer_request(client, key, return_offers=False)
    assert without["offers"] == []
    first = client.get(f"/duffel/air/offers?offer_request_id={without['id']}", headers=key)
    assert first.status_code == 200 and first.json()["data"], "listable at once"
    offer = with_offers["offers"][0]
    assert offer["created_at"].endswith("Z") and "." in offer["created_at"]
    segment = offer["slices"][0]["segments"][0]
    assert len(segment["departing_at"]) == 19 and "Z" not in segment["departing_at"]
    assert offer["allowed_passenger_identity_document_types"] == ["passport"]
    assert [p["type"] for p in offer["passengers"]] == ["adult", "child"]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"data": {"slices": [], "passengers": [{"type": "adult"}]}}, "/data/slices"),
        (
            {
                "data": {
                    "slices": [{"origin": "LHR", "destination": "JFK", "departure_date": "soon"}],
                    "passengers": [{"type": "adult"}],
                }
            },
            "/data/slices/0/departure_date",
        ),
        (
            {
                "data": {
                    "slices": [
                        {"origin": "LHR", "destination": "JFK", "departure_date": "2020-01-01"}
                    ],
                    "passengers": [{"type": "adult"}],
                }
            },
            "/data/slices/0/departure_date",
        ),
        (
            {
                "data": {
                    "slices": [
                        {
                            "origin": "L\u0000R",
                            "destination": "JFK",
                            "departure_date": travel_date(),
                        }
                    ],
                    "passengers": [{"type": "adult"}],
                }
            },
            "/data/slices/0/origin",
        ),
        (
            {
                "data": {
                    "slices": [
                        {"origin": "LHR", "destination": "JFK", "departure_date": travel_date()}
                    ],
                    "passengers": [{}],
                }
            },
            "/data/passengers/0",
        ),
        ({"slices": []}, "/data"),
        # true and false are no integers (JSON Schema's and the document's rule).
        (
            {
                "data": {
                    "slices": [
                        {"origin": "LHR", "destination": "JFK", "departure_date": travel_date()}
                    ],
                    "passengers": [{"type": "adult"}],
                    "max_connections": False,
                }
            },
            "/data/max_connections",
        ),
        (
            {
                "data": {
                    "slices": [
                        {"origin": "LHR", "destination": "JFK", "departure_date": travel_date()}
                    ],
                    "passengers": [{"age": True}],
                }
            },
            "/data/passengers/0/age",
        ),
    ],
)
def test_invalid_searches_name_the_field(
    client: TestClient, key: dict[str, str], body: dict[str, Any], pointer: str
) -> None:
    response = client.post("/duffel/air/offer_requests", json=body, headers=key)
    assert response.status_code == 422, response.text
    first = error(response)
    assert first["type"] == "validation_error"
    assert first["source"]["pointer"] == pointer, first


def test_malformed_json(client: TestClient, key: dict[str, str]) -> None:
    response = client.post(
        "/duffel/air/offer_requests",
        content=b'{"data": {',
        headers={**key, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert error(response)["code"] == "malformed_json"


def test_orders_refuse_bad_input_and_strangers(
    client: TestClient, key: dict[str, str], auth: dict[str, str]
) -> None:
    offer = offer_request(client, key)["offers"][0]
    people = passengers(offer)
    hold_with_payment = {
        "data": {
            "type": "hold",
            "selected_offers": [offer["id"]],
            "passengers": people,
            "payments": [{"type": "balance", "amount": offer["total_amount"], "currency": "USD"}],
        }
    }
    refused = client.post("/duffel/air/orders", json=hold_with_payment, headers=key)
    assert refused.status_code == 422 and error(refused)["source"]["pointer"] == "/data/payments"

    stranger = {**people[0], "id": "pas_someone_else"}
    unknown = {
        "data": {
            "type": "hold",
            "selected_offers": [offer["id"]],
            "passengers": [stranger, *people[1:]],
        }
    }
    refused = client.post("/duffel/air/orders", json=unknown, headers=key)
    assert refused.status_code == 422
    assert error(refused)["source"]["pointer"] == "/data/passengers/0/id"

    hold = {"data": {"type": "pay_later", "selected_offers": [offer["id"]], "passengers": people}}
    created = client.post("/duffel/air/orders/", json=hold, headers=key)
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["payment_status"]["awaiting_payment"] is True
    assert order["slices"][0]["changeable"] is False and order["available_actions"] == [
        "cancel",
        "update",
    ]

    wrong_currency = {
        "data": {
            "order_id": order["id"],
            "payment": {"type": "balance", "amount": order["total_amount"], "currency": "JPY"},
        }
    }
    refused = client.post("/duffel/air/payments", json=wrong_currency, headers=key)
    assert refused.status_code == 422
    first = error(refused)
    assert first["code"] == "payment_currency_does_not_match_order_currency"
    assert first["source"]["pointer"] == "/data/payment/currency"

    other = client.post("/api/auth/register", json={"email": "b@test.com", "password": "x" * 12})
    assert other.status_code == 201
    login = client.post("/api/auth/login", json={"email": "b@test.com", "password": "x" * 12})
    theirs = {**V2, "Authorization": f"Bearer {login.json()['data']['access_token']}"}
    for path in (
        f"/duffel/air/orders/{order['id']}",
        f"/duffel/air/seat_maps?offer_id={offer['id']}",
    ):
        assert client.get(path, headers=theirs).status_code == 404
    cancel = client.post(
        "/duffel/air/order_cancellations", json={"data": {"order_id": order["id"]}}, headers=theirs
    )
    assert cancel.status_code == 404
    assert client.get("/duffel/air/orders/ord_a%00b", headers=key).status_code == 404
    assert client.get("/duffel/air/offers/off_a%00b", headers=key).status_code == 404


def test_an_unpaid_hold_cancels_to_awaiting_payment(
    client: TestClient, key: dict[str, str]
) -> None:
    offer = offer_request(client, key, days=40)["offers"][0]
    hold = {
        "data": {"type": "hold", "selected_offers": [offer["id"]], "passengers": passengers(offer)}
    }
    order = client.post("/duffel/air/orders", json=hold, headers=key).json()["data"]
    quote = client.post(
        "/duffel/air/order_cancellations", json={"data": {"order_id": order["id"]}}, headers=key
    )
    assert quote.status_code == 201, quote.text
    assert quote.json()["data"]["refund_to"] == "awaiting_payment"
    assert quote.json()["data"]["refund_amount"] == "0.00"
    confirmed = client.post(
        f"/duffel/air/order_cancellations/{quote.json()['data']['id']}/actions/confirm", headers=key
    )
    assert confirmed.status_code == 200 and confirmed.json()["data"]["confirmed_at"]
    cancelled = client.get(f"/duffel/air/orders/{order['id']}", headers=key).json()["data"]
    assert cancelled["cancellation"]["id"] == quote.json()["data"]["id"]


def test_a_schedule_change_is_an_airline_initiated_change(
    client: TestClient, key: dict[str, str], worker: Worker
) -> None:
    offer = offer_request(client, key, days=50)["offers"][0]
    body = {
        "data": {
            "type": "instant",
            "selected_offers": [offer["id"]],
            "passengers": passengers(offer),
            "payments": [
                {
                    "type": "balance",
                    "amount": offer["total_amount"],
                    "currency": offer["total_currency"],
                }
            ],
        }
    }
    created = client.post(
        "/duffel/air/orders", json=body, headers={**key, "Sandbox-Fault": "schedule_change"}
    )
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert order["airline_initiated_changes"] == []
    worker.drain()  # tickets, then the sync that finds the airline's change
    shown = client.get(f"/duffel/air/orders/{order['id']}", headers=key).json()["data"]
    [change] = shown["airline_initiated_changes"]
    assert change["order_id"] == order["id"] and change["minutes"] == 55
    listed = client.get(
        f"/duffel/air/airline_initiated_changes?order_id={order['id']}", headers=key
    ).json()["data"]
    assert [c["id"] for c in listed] == [change["id"]]
