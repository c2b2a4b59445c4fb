"""``sort=best``: price and duration together, an hour of travel counted as USD 30 in
the search's currency (issue 15: "sort by best (price and duration) too")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.conftest import search

ISO = re.compile(r"^P(?:\d+Y)?(?:\d+M)?(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:\d+S)?$")


def _minutes(duration: str) -> int:
    match = ISO.fullmatch(duration)
    assert match is not None, duration
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return (days * 24 + hours) * 60 + minutes


def _score(offer: dict[str, Any]) -> Decimal:
    """USD: the price plus 50 cents a minute (USD 30 an hour)."""
    return Decimal(offer["total_amount"]) + Decimal("0.5") * _minutes(offer["total_duration"])


def test_best_orders_by_price_and_time_across_pages(
    client: TestClient, auth: dict[str, str]
) -> None:
    request_id = search(client, auth, max_connections=1, currency="USD")["id"]
    url = f"/api/offers?offer_request_id={request_id}&sort=best&group_by=itinerary&limit=8"
    first = client.get(url, headers=auth)
    assert first.status_code == 200, first.text
    second = client.get(f"{url}&after={first.json()['meta']['after']}", headers=auth)
    assert second.status_code == 200, second.text
    offers = first.json()["data"] + second.json()["data"]

    scores = [_score(o) for o in offers]
    assert len({o["id"] for o in offers}) == len(offers) == 16
    assert scores == sorted(scores)
    by_price = [o["id"] for o in first.json()["data"]]
    cheapest = client.get(url.replace("sort=best", "sort=total_amount"), headers=auth).json()
    assert by_price != [o["id"] for o in cheapest["data"]], "best is not the price order"


def test_an_unknown_sort_is_refused_at_the_field(client: TestClient, auth: dict[str, str]) -> None:
    request_id = search(client, auth)["id"]
    response = client.get(f"/api/offers?offer_request_id={request_id}&sort=nicest", headers=auth)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["source"]["field"] == "sort"
