"""A small, stateful Duffel (v2) behind ``httpx.MockTransport``, built from the recorded
shapes in ``tests/fixtures/duffel/``. Tests script failures with ``fail_next`` and read
``calls`` to see exactly what was sent."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "duffel"
HOLDABLE = "off_0000AqRrDuffelHoldable01"
INSTANT_ONLY = "off_0000AqRrDuffelInstant02"
DUFFEL_PASSENGER = "pas_0000AqRrDuffelAdult01"
TOKEN = "duffel_test_token"

Json = dict[str, Any]
Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def envelope(name: str, status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=fixture(name), headers=headers)


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    headers: httpx.Headers


@dataclass
class FakeDuffel:
    offers: dict[str, Json] = field(default_factory=dict)
    orders: dict[str, Json] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    scripted: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    page_size: int = 1
    booking_on_timeout: bool = False  # a scripted order timeout still creates the order
    change_requests: dict[str, Json] = field(default_factory=dict)
    order_changes: dict[str, Json] = field(default_factory=dict)
    change_total: str = "30.00"  # what every change offer asks, in GBP
    confirm_on_timeout: bool = False  # a scripted change-confirm timeout still confirms

    def __post_init__(self) -> None:
        for offer in fixture("offers.json"):
            self.offers[offer["id"]] = offer

    # --- scripting ------------------------------------------------------------
    def fail_next(self, method: str, path: str, *replies: Reply) -> None:
        self.scripted.setdefault((method, path), []).extend(replies)

    def reprice(self, offer_id: str, total: str) -> None:
        offer = self.offers[offer_id]
        tax = Decimal(offer["tax_amount"])
        offer["total_amount"] = total
        offer["base_amount"] = str(Decimal(total) - tax)

    def posts(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.path == path]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- the API ----------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.calls.append(
            Call(request.method, path, dict(request.url.params), body, request.headers)
        )
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"errors": [{"type": "authentication_error"}]})
        queued = self.scripted.get((request.method, path))
        if queued:
            reply = queued.pop(0)
            if callable(reply):
                if self.booking_on_timeout and path == "/air/orders" and body:
                    self._create_order(body["data"])
                if self.confirm_on_timeout and path.endswith("/actions/confirm"):
                    self._route(request, path, body)
                return reply(request)
            return reply
        return self._route(request, path, body)

    def _route(self, request: httpx.Request, path: str, body: Any) -> httpx.Response:
        parts = path.strip("/").split("/")
        method = request.method
        if method == "POST" and path == "/air/offer_requests":
            self._redate(date.fromisoformat(body["data"]["slices"][0]["departure_date"]))
            return httpx.Response(201, json={"data": {"id": "orq_0000AqRrDuffelRequest01"}})
        if method == "GET" and path == "/air/offers":
            return self._offers_page(request)
        if method == "GET" and parts[:2] == ["air", "offers"] and len(parts) == 3:
            return self._offer(parts[2], request)
        if method == "GET" and path == "/air/seat_maps":
            return httpx.Response(200, json=fixture("seat_maps.json"))
        if method == "POST" and path == "/air/orders":
            return self._create_order(body["data"])
        if method == "GET" and path == "/air/orders":
            wanted = request.url.params.get("offer_id")
            found = [o for o in self.orders.values() if o["_offer_id"] == wanted]
            return httpx.Response(
                200, json={"data": [_public(o) for o in found], "meta": {"after": None}}
            )
        if method == "GET" and parts[:2] == ["air", "orders"] and len(parts) == 3:
            order = self.orders.get(parts[2])
            if order is None:
                return httpx.Response(
                    404, json={"errors": [{"code": "not_found", "type": "invalid_request_error"}]}
                )
            return httpx.Response(200, json={"data": _public(order)})
        if method == "POST" and path == "/air/payments":
            return self._pay(body["data"])
        if method == "POST" and path == "/air/order_cancellations":
            return self._quote(body["data"]["order_id"])
        if (
            method == "POST"
            and parts[:2] == ["air", "order_cancellations"]
            and parts[-1] == "confirm"
        ):
            return self._confirm(parts[2])
        changed = self._route_changes(method, parts, body)
        if changed is not None:
            return changed
        return httpx.Response(
            404, json={"errors": [{"code": "not_found", "type": "invalid_request_error"}]}
        )

    def _redate(self, day: date) -> None:
        """Every offer flies on the day asked for (the fixtures are for 2027-06-15)."""
        for offer in self.offers.values():
            _move_to(offer["slices"], day)

    # --- order changes ----------------------------------------------------------
    def _route_changes(self, method: str, parts: list[str], body: Any) -> httpx.Response | None:
        if method == "POST" and parts == ["air", "order_change_requests"]:
            return self._change_request(body["data"])
        if method == "GET" and parts == ["air", "order_change_offers"]:
            return None  # the request lists its offers (real Duffel does too)
        if method == "POST" and parts == ["air", "order_changes"]:
            return self._pending_change(body["data"]["selected_order_change_offer"])
        if method == "GET" and parts[:2] == ["air", "order_changes"] and len(parts) == 3:
            return httpx.Response(200, json={"data": _public(self.order_changes[parts[2]])})
        if method == "POST" and parts[:2] == ["air", "order_changes"] and parts[-1] == "confirm":
            return self._confirm_change(parts[2], (body or {}).get("data") or {})
        return None

    def _change_request(self, data: Json) -> httpx.Response:
        order = self.orders[data["order_id"]]
        order_slices = {item["id"] for item in order["slices"]}
        if any(item["slice_id"] not in order_slices for item in data["slices"]["remove"]):
            return httpx.Response(
                422, json={"errors": [{"code": "not_found", "type": "validation_error"}]}
            )
        [wanted] = data["slices"]["add"]
        request_id = f"ocr_0000AqRrDuffelChange{len(self.change_requests) + 1:02d}"
        options = []
        for offer in self.offers.values():
            [item] = offer["slices"]
            if (item["origin"]["iata_code"], item["destination"]["iata_code"]) != (
                wanted["origin"],
                wanted["destination"],
            ):
                continue
            added = copy.deepcopy(item)
            _move_to([added], date.fromisoformat(wanted["departure_date"]))
            options.append(
                {
                    "id": f"oco_{request_id}_{len(options)}",
                    "order_change_request_id": request_id,
                    "change_total_amount": self.change_total,
                    "change_total_currency": "GBP",
                    "new_total_amount": str(
                        Decimal(order["total_amount"]) + Decimal(self.change_total)
                    ),
                    "new_total_currency": "GBP",
                    "penalty_total_amount": self.change_total,
                    "penalty_total_currency": "GBP",
                    "slices": {
                        "remove": [
                            s for s in order["slices"] if s["id"] in _removed(data["slices"])
                        ],
                        "add": [added],
                    },
                    "_order_id": order["id"],
                }
            )
        request = {
            "id": request_id,
            "order_id": order["id"],
            "slices": data["slices"],
            "order_change_offers": options,
        }
        self.change_requests[request_id] = request
        shown = {**request, "order_change_offers": [_public(o) for o in options]}
        return httpx.Response(201, json={"data": shown})

    def _change_offer(self, offer_id: str) -> Json:
        return next(
            o
            for request in self.change_requests.values()
            for o in request["order_change_offers"]
            if o["id"] == offer_id
        )

    def _pending_change(self, offer_id: str) -> httpx.Response:
        offer = self._change_offer(offer_id)
        change_id = f"oce_0000AqRrDuffelChange{len(self.order_changes) + 1:02d}"
        change = {
            **{k: v for k, v in offer.items() if k not in ("id", "order_change_request_id")},
            "id": change_id,
            "order_id": offer["_order_id"],
            "confirmed_at": None,
            "expires_at": "2030-01-01T00:00:00Z",
        }
        self.order_changes[change_id] = change
        return httpx.Response(201, json={"data": _public(change)})

    def _confirm_change(self, change_id: str, data: Json) -> httpx.Response:
        change = self.order_changes[change_id]
        if change["confirmed_at"]:
            return httpx.Response(200, json={"data": _public(change)})
        paid = (data.get("payment") or {}).get("amount")
        if Decimal(change["change_total_amount"]) > 0 and (
            paid is None or Decimal(paid) != Decimal(change["change_total_amount"])
        ):
            return httpx.Response(
                422,
                json={
                    "errors": [
                        {
                            "code": "payment_amount_does_not_match_order_amount",
                            "type": "validation_error",
                        }
                    ]
                },
            )
        order = self.orders[change["order_id"]]
        removed = {s["id"] for s in change["slices"]["remove"]}
        added = copy.deepcopy(change["slices"]["add"])
        for index, item in enumerate(added):
            item["id"] = f"sli_0000AqRrDuffelChanged{len(self.order_changes):02d}{index}"
        order["slices"] = [s for s in order["slices"] if s["id"] not in removed] + added
        order["total_amount"] = change["new_total_amount"]
        if order["documents"]:  # reissued: new numbers
            order["documents"] = [
                {**doc, "unique_identifier": f"125{7000000000 + i}"}
                for i, doc in enumerate(order["documents"])
            ]
        change["confirmed_at"] = "2026-12-03T09:00:00Z"
        return httpx.Response(200, json={"data": _public(change)})

    def _offers_page(self, request: httpx.Request) -> httpx.Response:
        listed = [
            {k: v for k, v in o.items() if k != "available_services"} for o in self.offers.values()
        ]
        start = int(request.url.params.get("after") or 0)
        page = listed[start : start + self.page_size]
        after = str(start + self.page_size) if start + self.page_size < len(listed) else None
        return httpx.Response(200, json={"data": page, "meta": {"after": after, "limit": 200}})

    def _offer(self, offer_id: str, request: httpx.Request) -> httpx.Response:
        if offer_id in self.gone:
            return envelope("error_offer_no_longer_available.json", 422)
        offer = self.offers.get(offer_id)
        if offer is None:
            return httpx.Response(
                404, json={"errors": [{"code": "not_found", "type": "invalid_request_error"}]}
            )
        data = copy.deepcopy(offer)
        if request.url.params.get("return_available_services") == "true" and offer_id == HOLDABLE:
            data["available_services"] = fixture("available_services.json")
        return httpx.Response(200, json={"data": data})

    def _service_amount(self, service_id: str) -> Decimal:
        for bag in fixture("available_services.json"):
            if bag["id"] == service_id:
                return Decimal(bag["total_amount"])
        for item in fixture("seat_maps.json")["data"]:
            for cabin in item["cabins"]:
                for row in cabin["rows"]:
                    for section in row["sections"]:
                        for element in section["elements"]:
                            for offered in element.get("available_services") or []:
                                if offered["id"] == service_id:
                                    return Decimal(offered["total_amount"])
        raise KeyError(service_id)

    def _create_order(self, data: Json) -> httpx.Response:
        [offer_id] = data["selected_offers"]
        if offer_id in self.gone:
            return envelope("error_offer_no_longer_available.json", 422)
        offer = self.offers[offer_id]
        if data["type"] == "hold" and offer["payment_requirements"]["requires_instant_payment"]:
            return httpx.Response(
                422,
                json={"errors": [{"code": "unsupported_action", "type": "invalid_request_error"}]},
            )
        total = Decimal(offer["total_amount"]) + sum(
            (self._service_amount(s["id"]) * s["quantity"] for s in data.get("services") or []),
            Decimal(0),
        )
        instant = data["type"] == "instant"
        if instant and Decimal(data["payments"][0]["amount"]) != total:
            return httpx.Response(
                422,
                json={
                    "errors": [
                        {
                            "code": "payment_amount_does_not_match_order_amount",
                            "type": "validation_error",
                        }
                    ]
                },
            )
        order_id = f"ord_0000AqRrDuffelOrder{len(self.orders) + 1:02d}"
        order = {
            "id": order_id,
            "_offer_id": offer_id,
            "live_mode": False,
            "booking_reference": f"RZPN{len(self.orders) + 1:02d}",
            "type": data["type"],
            "content": "managed",
            "owner": offer["owner"],
            "metadata": data.get("metadata") or {},
            "base_amount": offer["base_amount"],
            "base_currency": "GBP",
            "tax_amount": offer["tax_amount"],
            "tax_currency": "GBP",
            "total_amount": str(total),
            "total_currency": "GBP",
            "conditions": offer["conditions"],
            "passengers": [
                {"id": p["id"], "given_name": p["given_name"], "family_name": p["family_name"]}
                for p in data["passengers"]
            ],
            "services": [
                {"id": s["id"], "quantity": s["quantity"]} for s in data.get("services") or []
            ],
            "slices": copy.deepcopy(offer["slices"]),
            "payment_status": {
                "awaiting_payment": not instant,
                "payment_required_by": None if instant else "2030-01-01T00:00:00Z",
                "price_guarantee_expires_at": None,
                "paid_at": "2026-12-03T08:00:00Z" if instant else None,
            },
            "documents": self._tickets(data["passengers"]) if instant else [],
            "cancelled_at": None,
            "airline_initiated_changes": [],
        }
        self.orders[order_id] = order
        return httpx.Response(201, json={"data": _public(order)})

    @staticmethod
    def _tickets(passengers: list[Json]) -> list[Json]:
        return [
            {
                "type": "electronic_ticket",
                "unique_identifier": f"125{2212312455 + i}",
                "passenger_ids": [p["id"]],
            }
            for i, p in enumerate(passengers)
        ]

    def _pay(self, data: Json) -> httpx.Response:
        order = self.orders[data["order_id"]]
        if not order["payment_status"]["awaiting_payment"]:
            return httpx.Response(
                422, json={"errors": [{"code": "already_paid", "type": "invalid_state_error"}]}
            )
        if Decimal(data["payment"]["amount"]) != Decimal(order["total_amount"]):
            return httpx.Response(
                422,
                json={
                    "errors": [
                        {
                            "code": "payment_amount_does_not_match_order_amount",
                            "type": "validation_error",
                        }
                    ]
                },
            )
        order["payment_status"]["awaiting_payment"] = False
        order["documents"] = self._tickets(order["passengers"])
        return httpx.Response(
            201,
            json={"data": {"id": "pay_0000AqRrDuffelPay01", "type": "balance", **data["payment"]}},
        )

    def _quote(self, order_id: str) -> httpx.Response:
        if self.orders[order_id]["cancelled_at"]:
            return envelope("error_already_cancelled.json", 422)
        quote = fixture("order_cancellation.json")
        quote["data"]["order_id"] = order_id
        quote["data"]["id"] = f"ore_for_{order_id}"
        return httpx.Response(201, json=quote)

    def _confirm(self, quote_id: str) -> httpx.Response:
        order_id = quote_id.removeprefix("ore_for_")
        self.orders[order_id]["cancelled_at"] = "2026-12-03T08:05:00Z"
        quote = fixture("order_cancellation.json")
        quote["data"].update(id=quote_id, order_id=order_id, confirmed_at="2026-12-03T08:05:00Z")
        return httpx.Response(200, json=quote)


def _removed(slices: Json) -> set[str]:
    return {item["slice_id"] for item in slices["remove"]}


def _move_to(slices: list[Json], day: date) -> None:
    """Move ``slices`` (departing on their first segment's day) to ``day``, times kept."""
    first = date.fromisoformat(slices[0]["segments"][0]["departing_at"][:10])
    shift = day - first
    for item in slices:
        for segment in item["segments"]:
            for key in ("departing_at", "arriving_at"):
                moved = datetime.fromisoformat(segment[key]) + shift
                segment[key] = moved.isoformat()


def _public(order: Json) -> Json:
    return {k: v for k, v in order.items() if not k.startswith("_")}


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer", request=request)
