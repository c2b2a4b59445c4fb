"""The official Python client, ``duffel-api`` 0.6.2, unchanged, against ``/duffel``.

Only its base URL and token differ from a Duffel integration: the token is a
farebridge API key. Both API versions it can ask for are tried.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from typing import Any

import pytest
from duffel_api import Duffel
from duffel_api.http_client import ApiError

from farebridge.providers.duffel.webhooks import verify_signature

PASSENGER = {
    "title": "mrs",
    "gender": "f",
    "given_name": "Amelia",
    "family_name": "Earhart",
    "born_on": "1987-07-24",
    "email": "amelia@example.com",
    "phone_number": "+442080160508",
}
PASSPORT = {
    "type": "passport",
    "unique_identifier": "P12345678",
    "issuing_country_code": "GB",
    "expires_on": "2035-01-01",
}


def client(duffel_url: str, api_key: str, version: str = "v2") -> Duffel:
    return Duffel(access_token=api_key, api_url=duffel_url, api_version=version)


def search(duffel: Duffel, origin: str = "LHR", destination: str = "JFK", days: int = 30) -> Any:
    on = (date.today() + timedelta(days=days)).isoformat()
    return (
        duffel.offer_requests.create()
        .passengers([{"type": "adult"}])
        .slices([{"origin": origin, "destination": destination, "departure_date": on}])
        .execute()
    )


def passengers_for(offer: Any) -> list[dict[str, Any]]:
    documents = [PASSPORT] if offer.passenger_identity_documents_required else []
    return [{**PASSENGER, "id": p.id, "identity_documents": documents} for p in offer.passengers]


def balance(amount: str | Decimal, currency: str) -> dict[str, str]:
    return {"type": "balance", "amount": str(amount), "currency": currency}


def wait_for_tickets(duffel: Duffel, order_id: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        order = duffel.orders.get(order_id)
        if order.documents:
            return order
        time.sleep(0.2)
    raise AssertionError(f"order {order_id} was never ticketed")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_search_book_seat_and_cancel(duffel_url: str, api_key: str, version: str) -> None:
    duffel = client(duffel_url, api_key, version)
    request = search(duffel)
    assert request.id and request.offers == []
    offers = list(duffel.offers.list(request.id))
    assert len(offers) > 50, "every page is read through meta.after"
    assert len({o.id for o in offers}) == len(offers)
    prices = [Decimal(o.total_amount) for o in offers]
    assert prices == sorted(prices)
    chosen = next(o for o in offers if len(o.slices[0].segments) == 1)
    assert chosen.slices[0].segments[0].passengers, "nested lists survive the client's parsing"

    offer = duffel.offers.get(chosen.id, return_available_services=True)
    assert offer.id == chosen.id and offer.slices and offer.slices[0].segments
    seat_maps = duffel.seat_maps.get(offer.id)
    assert len(seat_maps) == len(offer.slices[0].segments)
    free = [
        element
        for cabin in seat_maps[0].cabins
        for row in cabin.rows
        for section in row.sections
        for element in section.elements
        if element.type == "seat" and element.available_services
    ]
    assert free, "some seats are free"
    seat = free[0].available_services[0]
    total = Decimal(offer.total_amount) + Decimal(seat.total_amount)

    order = (
        duffel.orders.create()
        .passengers(passengers_for(offer))
        .selected_offers([offer.id])
        .services([{"id": seat.id, "quantity": 1}])
        .payments([{"type": "balance", "amount": str(total), "currency": offer.total_currency}])
        .execute()
    )
    assert order.booking_reference and len(order.booking_reference) == 6
    assert Decimal(order.total_amount) == total
    assert [s.type for s in order.services] == ["seat"]
    assert order.slices and order.slices[0].segments[0].passengers[0].seat is not None
    assert order.payment_status.awaiting_payment is False

    ticketed = wait_for_tickets(duffel, order.id)
    assert ticketed.documents[0].type == "electronic_ticket"

    updated = duffel.orders.update(order.id).metadata({"customer": "c-42"}).execute()
    assert updated.metadata == {"customer": "c-42"}
    assert any(o.id == order.id for o in duffel.orders.list())

    quote = duffel.order_cancellations.create(order.id)
    assert quote.order_id == order.id and quote.confirmed_at is None
    assert quote.refund_to == "balance"
    assert [c.id for c in duffel.order_cancellations.list(order.id)] == [quote.id]
    confirmed = duffel.order_cancellations.confirm(quote.id)
    assert confirmed.confirmed_at is not None
    assert duffel.order_cancellations.get(quote.id).confirmed_at is not None
    cancelled = duffel.orders.get(order.id)
    assert cancelled.cancelled_at is not None and cancelled.available_actions == []

    with pytest.raises(ApiError) as again:
        duffel.order_cancellations.confirm(quote.id)
    assert again.value.errors[0]["code"] == "already_cancelled"


def test_hold_then_pay(duffel_url: str, api_key: str) -> None:
    duffel = client(duffel_url, api_key)
    request = search(duffel, "CDG", "FCO", days=20)
    offers = list(duffel.offers.list(request.id))
    holdable = next(o for o in offers if not o.payment_requirements.requires_instant_payment)
    offer = duffel.offers.get(holdable.id)
    order = (
        duffel.orders.create()
        .hold()
        .passengers(passengers_for(offer))
        .selected_offers([offer.id])
        .execute()
    )
    assert order.payment_status.awaiting_payment is True
    assert order.payment_status.payment_required_by is not None
    assert order.documents == []
    assert [o.id for o in duffel.orders.list(awaiting_payment=True)] == [order.id]

    with pytest.raises(ApiError) as wrong:
        duffel.payments.create().order(order.id).payment(
            {"type": "balance", "amount": "1.00", "currency": order.total_currency}
        ).execute()
    assert wrong.value.errors[0]["code"] == "payment_amount_does_not_match_order_amount"
    assert wrong.value.errors[0]["source"]["pointer"] == "/data/payment/amount"
    assert wrong.value.meta["status"] == 422

    payment = (
        duffel.payments.create()
        .order(order.id)
        .payment(
            {"type": "balance", "amount": order.total_amount, "currency": order.total_currency}
        )
        .execute()
    )
    assert payment.amount == order.total_amount and payment.type == "balance"
    ticketed = wait_for_tickets(duffel, order.id)
    assert ticketed.payment_status.awaiting_payment is False

    with pytest.raises(ApiError) as twice:
        duffel.payments.create().order(order.id).payment(
            {"type": "balance", "amount": order.total_amount, "currency": order.total_currency}
        ).execute()
    assert twice.value.errors[0]["code"] == "already_paid"


def test_errors_in_duffels_shape(duffel_url: str, api_key: str) -> None:
    duffel = client(duffel_url, api_key)
    with pytest.raises(ApiError) as unknown:
        duffel.offers.get("off_0000000000000000000000")
    error = unknown.value.errors[0]
    assert unknown.value.meta["status"] == 404 and unknown.value.meta["request_id"]
    assert error["type"] == "invalid_request_error" and error["code"] == "not_found"
    assert error["title"] and error["message"] and error["documentation_url"]

    with pytest.raises(ApiError) as stranger:
        client(duffel_url, "fbk_not_a_key").orders.get("ord_x")
    assert stranger.value.meta["status"] == 401
    assert stranger.value.errors[0]["type"] == "authentication_error"


def test_reference_data(duffel_url: str, api_key: str) -> None:
    duffel = client(duffel_url, api_key)
    heathrow = duffel.airports.get("arp_lhr_gb")
    assert heathrow.iata_code == "LHR" and heathrow.city.iata_code == "LON"
    first = list(islice(iter(duffel.airports.list()), 120))  # crosses two page boundaries
    assert len({a.id for a in first}) == 120
    assert duffel.airlines.get("arl_ba").name == "British Airways"
    assert duffel.aircraft.get("arc_789").iata_code == "789"
    assert sum(1 for _ in duffel.airlines.list()) > 300


class Receiver:
    """A webhook receiver on a local port: keeps what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.received.append((dict(self.headers.items()), self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def events(self, secret: str) -> list[dict[str, Any]]:
        """The events received so far, each checked against its signature."""
        now = datetime.now(UTC)
        checked = []
        for headers, body in self.received:
            signed = {k.lower(): v for k, v in headers.items()}["x-duffel-signature"]
            verify_signature(secret, signed, body, now=now)  # raises on a bad signature
            checked.append(json.loads(body))
        return checked

    def wait_for(self, secret: str, kinds: set[str], timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events(secret)
            if kinds <= {e["type"] for e in events}:
                return events
            time.sleep(0.1)
        raise AssertionError(f"events {kinds} never arrived; got {self.events(secret)}")


def test_webhooks_ping_and_order_events(duffel_url: str, api_key: str) -> None:
    duffel = client(duffel_url, api_key)
    receiver = Receiver()
    try:
        kinds = ["order.created", "order.ticketed", "order_cancellation.confirmed"]
        webhook = duffel.webhooks.create().url(receiver.url).events(kinds).execute()
        assert webhook.active and webhook.secret and webhook.events == kinds
        duffel.webhooks.ping(webhook.id)
        [ping] = receiver.wait_for(webhook.secret, {"ping.triggered"})
        assert ping["id"].startswith("wev_") and ping["data"]["object"]["id"] == webhook.id

        request = search(duffel, "LHR", "CDG", days=15)
        offer = duffel.offers.get(next(iter(duffel.offers.list(request.id))).id)
        order = (
            duffel.orders.create()
            .passengers(passengers_for(offer))
            .selected_offers([offer.id])
            .payments(
                [
                    {
                        "type": "balance",
                        "amount": offer.total_amount,
                        "currency": offer.total_currency,
                    }
                ]
            )
            .execute()
        )
        wait_for_tickets(duffel, order.id)
        duffel.order_cancellations.confirm(duffel.order_cancellations.create(order.id).id)
        events = receiver.wait_for(webhook.secret, set(kinds))
        about_order = [e for e in events if e["type"] != "ping.triggered"]
        assert {e["data"]["object"]["id"] for e in about_order} == {order.id}
        assert len({e["id"] for e in about_order}) == len(about_order) == 3

        paused = duffel.webhooks.update(webhook.id).active(False).execute()
        assert paused.active is False
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


@pytest.mark.parametrize(
    ("fault", "code"),
    [("sold_out", "offer_no_longer_available"), ("price_change", "price_changed")],
)
def test_booking_faults(duffel_url: str, api_key: str, fault: str, code: str) -> None:
    """The sandbox's faults, asked for with its ``Sandbox-Fault`` header on the client's
    own session, come back as Duffel's error codes, and nothing is booked."""
    duffel = client(duffel_url, api_key)
    request = search(duffel, "MAD", "BCN", days=12)
    offer = duffel.offers.get(next(iter(duffel.offers.list(request.id))).id)
    duffel.orders.http_session.headers["Sandbox-Fault"] = fault
    with pytest.raises(ApiError) as refused:
        (
            duffel.orders.create()
            .passengers(passengers_for(offer))
            .selected_offers([offer.id])
            .payments([balance(offer.total_amount, offer.total_currency)])
            .execute()
        )
    assert refused.value.errors[0]["code"] == code
    assert refused.value.meta["status"] == 422
    del duffel.orders.http_session.headers["Sandbox-Fault"]
    assert list(duffel.orders.list()) == []


def test_change_a_flight(duffel_url: str, api_key: str) -> None:
    """Book, wait for tickets, move the flight two days later, pay the difference."""
    duffel = client(duffel_url, api_key)
    request = search(duffel, "LHR", "JFK", days=35)
    offers = list(duffel.offers.list(request.id))
    changeable = next(o for o in offers if o.conditions.change_before_departure.allowed)
    offer = duffel.offers.get(changeable.id)
    order = (
        duffel.orders.create()
        .passengers(passengers_for(offer))
        .selected_offers([offer.id])
        .payments([balance(offer.total_amount, offer.total_currency)])
        .execute()
    )
    wait_for_tickets(duffel, order.id)
    old = order.slices[0]
    later = date.fromisoformat(old.segments[0].departing_at.date().isoformat()) + timedelta(days=2)
    change_request = (
        duffel.order_change_requests.create(order.id)
        .slices(
            {
                "add": [
                    {
                        "origin": old.segments[0].origin.iata_code,
                        "destination": old.segments[-1].destination.iata_code,
                        "departure_date": later.isoformat(),
                        "cabin_class": "economy",
                    }
                ],
                "remove": [{"slice_id": old.id}],
            }
        )
        .execute()
    )
    assert change_request.order_id == order.id
    change_offers = list(duffel.order_change_offers.list(change_request.id))
    assert change_offers, "the new date has flights"
    chosen = change_offers[0]
    assert duffel.order_change_offers.get(chosen.id).id == chosen.id
    assert chosen.slices.add and chosen.slices.remove, "its slices survive the parsing"
    change = duffel.order_changes.create(chosen.id)
    assert change.confirmed_at is None
    due = Decimal(change.change_total_amount)
    confirmed = duffel.order_changes.confirm(
        change.id, balance(max(due, Decimal("0.00")), change.change_total_currency)
    )
    assert confirmed.confirmed_at is not None
    assert duffel.order_changes.get(change.id).confirmed_at is not None
    changed = wait_for_tickets(duffel, order.id)
    assert changed.slices[0].id != old.id
    assert changed.slices[0].segments[0].departing_at.date() == later
    assert Decimal(changed.total_amount) == Decimal(change.new_total_amount)

    with pytest.raises(ApiError) as twice:
        duffel.order_changes.confirm(
            change.id, balance(max(due, Decimal("0.00")), change.change_total_currency)
        )
    assert twice.value.meta["status"] == 422
