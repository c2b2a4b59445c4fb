"""The signed-in traveller's booking in progress, kept by the API (ADR 0035).

What the site sends is what a reload needs: the step, the search, the offer, the
passenger forms as typed, the seats and bags. Never a card: the payment step's
choices stay in the browser session. A draft that cannot be saved (the API is
down, a field refused) costs the traveller nothing but the reload's memory.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

from farebridge.ui import state, urls
from farebridge.ui.client import ApiError
from farebridge.ui.models import BookingDraft, SeatMap
from farebridge.ui.state import Journey, SeatChoice

log = logging.getLogger("farebridge.ui")
PASSENGER_FIELDS = (
    "title",
    "gender",
    "born_on",
    "given_name",
    "family_name",
    "email",
    "phone_number",
    "passport_number",
    "passport_country",
    "passport_expires_on",
)
CHOICES = ("title", "gender")  # radio buttons: None until chosen


def draft_body(journey: Journey) -> dict[str, Any]:
    search = (
        urlencode(urls.criteria_query(journey.criteria), doseq=True) if journey.criteria else ""
    )
    seats = []
    for key, seat in journey.seats.items():
        segment_id, passenger_id = key.split("|", 1)
        seats.append(
            {
                "segment_id": segment_id,
                "passenger_id": passenger_id,
                "service_id": seat.service_id,
                "designator": seat.designator,
            }
        )
    return {
        "step": urls.step_name(journey),
        "search": search,
        "offer_request_id": journey.offer_request["id"] if journey.offer_request else None,
        "offer_id": journey.offer["id"] if journey.offer else None,
        "passengers": [
            {name: _text(fields.get(name)) for name in PASSENGER_FIELDS}
            for fields in journey.passengers
        ],
        "seats": seats,
        "bags": [{"service_id": sid, "quantity": n} for sid, n in journey.bags.items() if n > 0],
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:200]


def save(journey: Journey) -> None:
    """Send the booking to the API when it changed (signed-in travellers only)."""
    if state.login() is None or journey.offer is None:
        return
    body = draft_body(journey)
    fingerprint = json.dumps(body, sort_keys=True)
    if fingerprint == journey.saved_draft:
        return
    client = state.client()
    try:
        if journey.draft_id is not None:
            try:
                client.replace_draft(journey.draft_id, body)
            except ApiError as error:
                if error.status != 404:
                    raise
                journey.draft_id = client.create_draft(body)["id"]  # expired: a new one
        else:
            journey.draft_id = client.create_draft(body)["id"]
    except ApiError as error:
        log.info("ui.draft_not_saved", extra={"code": error.code, "field": error.field})
        return
    journey.saved_draft = fingerprint


def forget(journey: Journey) -> None:
    """The booking is made (or abandoned): the draft has done its job."""
    draft_id, journey.draft_id, journey.saved_draft = journey.draft_id, None, None
    if draft_id is None or state.login() is None:
        return
    try:
        state.client().delete_draft(draft_id)
    except ApiError as error:
        log.info("ui.draft_not_deleted", extra={"code": error.code})


def restore(journey: Journey, draft_id: str | None) -> None:
    """Fill the journey from the URL's draft, when it is the signed-in traveller's."""
    if draft_id is None or draft_id == journey.draft_id or state.login() is None:
        return
    try:
        draft = state.client().get_draft(draft_id)
    except ApiError:
        return  # someone else's, expired or unreachable: start from the offer
    if journey.offer is None or draft["offer_id"] != journey.offer["id"]:
        return
    apply(journey, draft)


def apply(journey: Journey, draft: BookingDraft) -> None:
    journey.draft_id = draft["id"]
    journey.passengers = [
        {
            name: (value if value is not None else (None if name in CHOICES else ""))
            for name, value in passenger.items()
        }
        for passenger in draft["passengers"]
    ]
    journey.bags = {bag["service_id"]: bag["quantity"] for bag in draft["bags"]}
    journey.seats = {}
    if draft["seats"] and journey.offer is not None:
        if journey.seat_maps is None:
            journey.seat_maps = state.client().get_seat_maps(journey.offer["id"])
        prices = _seat_prices(journey.seat_maps)
        for seat in draft["seats"]:
            price = prices.get(seat["service_id"])
            if price is None:
                continue  # no longer on sale
            key = f"{seat['segment_id']}|{seat['passenger_id']}"
            journey.seats[key] = SeatChoice(seat["service_id"], seat["designator"], *price)
    journey.saved_draft = json.dumps(draft_body(journey), sort_keys=True)


def _seat_prices(seat_maps: list[SeatMap]) -> dict[str, tuple[str, str]]:
    prices: dict[str, tuple[str, str]] = {}
    for seat_map in seat_maps:
        for cabin in seat_map["cabins"]:
            for row in cabin["rows"]:
                for section in row["sections"]:
                    for element in section["elements"]:
                        for service in element.get("available_services", []):
                            prices[service["id"]] = (
                                service["total_amount"],
                                service["total_currency"],
                            )
    return prices
