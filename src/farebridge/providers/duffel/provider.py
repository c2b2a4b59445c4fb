"""Duffel (API v2) as a ``Provider``: search, offers, seat maps, orders, tickets, cancellation.

Booking is *hold first*: an offer Duffel lets us hold is booked as a Duffel hold
order — for our hold orders and our instant orders alike — and Duffel is paid
(``POST /air/payments``, from the account balance, the order's current amount)
only when the tickets are issued, after our own customer has paid. An offer
that must be paid at once is booked as a Duffel instant order paid from the
balance. Before ``POST /air/orders`` a row names the attempt (our key, Duffel's
offer id), so after a timeout ``find_booking(key)`` asks Duffel for the orders
of that offer and picks ours by ``metadata.farebridge_order_id``.
See docs/adr/0011-duffel-upstream.md.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import structlog

from farebridge.domain.errors import (
    InvalidState,
    NotFound,
    OfferExpired,
    OfferNoLongerAvailable,
    OfferPriceChanged,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.ids import new_id
from farebridge.domain.itinerary import Slice
from farebridge.domain.money import Money, NoExchangeRate
from farebridge.domain.offer import Offer
from farebridge.domain.order import OrderService, Passenger
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import SearchCriteria
from farebridge.domain.seatmap import SeatMap
from farebridge.providers.base import (
    NO_SCENARIOS,
    Booking,
    BookingChange,
    ExchangeRateSource,
    IssuedTicket,
    SearchResult,
)
from farebridge.providers.duffel.changes import (
    change_request_body,
    flights,
    matching_change_offer,
)
from farebridge.providers.duffel.client import DuffelClient
from farebridge.providers.duffel.errors import DuffelPriceChanged
from farebridge.providers.duffel.mapping import (
    Conversion,
    Json,
    SeatChoice,
    offer_from,
    pay_by_of,
    seat_maps_from,
)
from farebridge.providers.duffel.orders import (
    booking_changes_from,
    departures_of,
    duffel_services,
    fare_rules_of,
    order_passengers,
    price_services,
    search_body,
    ticket_number,
)
from farebridge.providers.duffel.references import (
    DuffelBookingRecord,
    DuffelChangeRecord,
    DuffelReferences,
)
from farebridge.providers.duffel.webhooks import ORDER_EVENTS, DuffelEvent

log = structlog.get_logger(__name__)
MAX_OFFERS = 200
TICKET_POLL_SECONDS = 0.5
CHANGE_ROUNDING_MINOR_UNITS = 3  # converting a change total part by part may round apart


class DuffelProvider:
    name = "duffel"
    scenarios: frozenset[str] = frozenset()  # a real upstream scripts no faults

    def __init__(
        self,
        client: DuffelClient,
        references: DuffelReferences,
        places: PlaceDirectory,
        *,
        rates: ExchangeRateSource,
        max_offers: int = MAX_OFFERS,
        ticket_wait_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._refs = references
        self._places = places
        self._rates = rates
        self._max_offers = max_offers
        self._timeouts = client.timeouts
        self._ticket_polls = int(ticket_wait_seconds / TICKET_POLL_SECONDS)
        self._sleep = sleep

    def close(self) -> None:
        """Close the connections to Duffel (a process that stops, a test)."""
        self._client.close()

    # --- search and offers --------------------------------------------------
    def search(
        self,
        offer_request_id: str,
        criteria: SearchCriteria,
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> SearchResult:
        created = self._client.post(
            "/air/offer_requests",
            search_body(criteria),
            params={"return_offers": "false"},
            timeout=self._timeouts.search,
            safe=True,
        )
        request_id = str(created["data"]["id"])
        items, more = self._client.list_all(
            "/air/offers",
            {"offer_request_id": request_id, "sort": "total_amount"},
            timeout=self._timeouts.search,
            at_most=self._max_offers,
        )
        rates = self._rates.current()
        offers: list[Offer] = []
        for item in items:
            try:
                rate = rates.rate(str(item["total_currency"]), criteria.currency)
                conversion = Conversion(str(item["total_currency"]), criteria.currency, rate)
                offer = offer_from(
                    item,
                    offer_id=new_id("off"),
                    offer_request_id=offer_request_id,
                    passengers=criteria.passengers,
                    conversion=conversion,
                    places=self._places,
                    now=now,
                )
            except (KeyError, TypeError, ValueError, NoExchangeRate) as exc:
                log.warning("duffel.offer_skipped", error=repr(exc))
                continue
            if offer.sold_only_by(criteria.preferred_airlines):
                offers.append(offer)
        return SearchResult(offers=offers, truncated=more)

    def recheck_offer(
        self, offer: Offer, *, now: datetime, scenarios: frozenset[str] = NO_SCENARIOS
    ) -> Offer:
        if offer.is_expired(now):
            raise OfferExpired(f"Offer {offer.id} has expired.")
        reference = _reference(offer)
        try:
            data = self._client.get(
                f"/air/offers/{reference['offer_id']}",
                {"return_available_services": "true"},
                timeout=self._timeouts.read,
            )["data"]
        except NotFound as exc:
            raise OfferNoLongerAvailable(f"Offer {offer.id} is no longer available.") from exc
        fresh = offer_from(
            data,
            offer_id=offer.id,
            offer_request_id=offer.offer_request_id,
            passengers=offer.passengers,
            conversion=_conversion(offer),
            places=self._places,
            now=offer.created_at,
        )
        fresh = replace(fresh, fare_brands=offer.fare_brands, provider=offer.provider)
        return offer if fresh == offer else fresh

    def seat_maps(self, offer: Offer, *, now: datetime) -> list[SeatMap]:
        return self._seat_maps(offer)[0]

    def fare_rules(self, offer: Offer, *, now: datetime) -> FareRules:
        return fare_rules_of(offer)

    def price_services(
        self, offer: Offer, requests: Sequence[tuple[str, int]]
    ) -> list[OrderService]:
        return price_services(offer, requests, lambda: self._seat_maps(offer)[1])

    # --- bookings -----------------------------------------------------------
    def create_booking(
        self,
        offer: Offer,
        passengers: Sequence[Passenger],
        *,
        key: str,
        hold: bool,
        now: datetime,
        services: Sequence[OrderService] = (),
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> Booking:
        made = self._refs.get(key)
        if made is not None and (found := self._reconcile(made, now=now)) is not None:
            return found
        if hold and offer.requires_instant_payment:
            raise InvalidState(
                f"Offer {offer.id} must be paid at once; it cannot be held.",
                code="hold_not_allowed",
            )
        reference = _reference(offer)
        chosen, extra = duffel_services(
            _reference(offer).get("services") or {}, services, lambda: self._seat_maps(offer)[1]
        )
        due = Money(Decimal(reference["amount"]) + extra, reference["currency"])
        duffel_hold = not offer.requires_instant_payment
        self._refs.attempt(
            DuffelBookingRecord(
                key=key,
                duffel_offer_id=reference["offer_id"],
                duffel_type="hold" if duffel_hold else "instant",
                hold=hold,
                amount=str(due.amount),
                currency=due.currency,
                passengers=dict(reference["passengers"]),
                created_at=now,
            )
        )
        body: Json = {
            "type": "hold" if duffel_hold else "instant",
            "selected_offers": [reference["offer_id"]],
            "passengers": order_passengers(offer, passengers, reference["passengers"]),
            "services": [{"id": sid, "quantity": qty} for sid, qty in chosen],
            "metadata": {"farebridge_order_id": key},
        }
        if not duffel_hold:
            body["payments"] = [
                {"type": "balance", "amount": str(due.amount), "currency": due.currency}
            ]
        try:
            created = self._client.post(
                "/air/orders", body, timeout=self._timeouts.order, safe=False
            )
        except DuffelPriceChanged as exc:
            repriced = self.recheck_offer(offer, now=now)
            raise OfferPriceChanged(
                f"The airline re-priced offer {offer.id}: {offer.total} is now "
                f"{repriced.total}. Review the offer and order again.",
                repriced=repriced,
            ) from exc
        data = created.get("data")
        if not isinstance(data, dict) or not data.get("id"):  # 202: accepted, not confirmed
            raise UpstreamTimeout("Duffel accepted the order but has not confirmed it yet.")
        return self._booked(key, data, hold=hold, now=now)

    def find_booking(self, key: str) -> Booking | None:
        """The booking made under ``key``: for an order id, its Duffel order; for a change
        id, the changed order once Duffel has confirmed the change (None before)."""
        made = self._refs.get(key)
        if made is not None:
            return self._reconcile(made, now=made.created_at)
        prepared = self._refs.get_change(key)
        if prepared is None:
            return None  # never sent to Duffel
        booked = self._refs.get(prepared.booking_key)
        if booked is None or not booked.duffel_order_id:
            return None
        if prepared.confirmed_at is None and not self._change_confirmed(prepared):
            return None
        return replace(self._booking(booked, self._order(booked)), in_place=True)

    def issue_tickets(
        self,
        booking_reference: str,
        passengers: Sequence[Passenger],
        *,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> list[IssuedTicket]:
        made = self._record(booking_reference)
        order = self._order(made)
        if order.get("cancelled_at"):
            raise InvalidState(
                f"Booking {booking_reference} is cancelled; it cannot be ticketed.",
                code="booking_cancelled",
            )
        if (order.get("payment_status") or {}).get("awaiting_payment"):
            self._pay(made, order)
            order = self._order(made)
        tickets = self._tickets(made, order)
        for _ in range(self._ticket_polls):  # the airline may issue a moment later
            if tickets:
                break
            self._sleep(TICKET_POLL_SECONDS)
            tickets = self._tickets(made, self._order(made))
        if not tickets:
            raise UpstreamUnavailable(
                f"Duffel has not issued the tickets of {booking_reference} yet.",
                code="tickets_pending",
            )
        return tickets

    @staticmethod
    def _tickets(made: DuffelBookingRecord, order: Json) -> list[IssuedTicket]:
        ours = {duffel: mine for mine, duffel in made.passengers.items()}
        return [
            IssuedTicket(ours[pid], ticket_number(str(doc["unique_identifier"])))
            for doc in order.get("documents") or []
            if doc.get("type") == "electronic_ticket"
            for pid in doc.get("passenger_ids") or []
            if pid in ours
        ]

    def change_booking(
        self,
        booking_reference: str,
        offer: Offer,
        passengers: Sequence[Passenger],
        *,
        key: str,
        slices: Sequence[Slice],
        remove_slice_ids: Sequence[str],
        change_total: Money,
        now: datetime,
        scenarios: frozenset[str] = NO_SCENARIOS,
    ) -> Booking:
        """Prepare the change at Duffel, holding nothing: an order change request for the
        slices to remove and ``offer``'s routes, Duffel's change offer with ``offer``'s
        flights, and a pending order change for it — refused when Duffel asks more
        than ``change_total``. ``commit_change`` confirms it once our customer has paid;
        a change never committed expires at Duffel. The booking stays the same booking
        (``in_place``); the airline may give it a new reference when it is confirmed."""
        if self._refs.get_change(key) is not None:
            return Booking(reference=booking_reference, payment_required_by=None, in_place=True)
        made = self._record(booking_reference)
        order = self._order(made)
        if order.get("cancelled_at"):
            raise InvalidState(
                f"Booking {booking_reference} is cancelled; it cannot be changed.",
                code="booking_cancelled",
            )
        if (order.get("payment_status") or {}).get("awaiting_payment"):
            raise InvalidState(
                f"Booking {booking_reference} is not ticketed yet; change it once its "
                "tickets are issued.",
                code="ticketing_in_progress",
            )
        removed = [item for item in slices if item.id in remove_slice_ids]
        request = self._client.post(
            "/air/order_change_requests",
            change_request_body(order, removed, offer),
            timeout=self._timeouts.search,
            safe=True,  # a quote: asking twice changes nothing
        )["data"]
        options = list(request.get("order_change_offers") or [])
        if not options:
            options, _ = self._client.list_all(
                "/air/order_change_offers",
                {"order_change_request_id": request["id"]},
                timeout=self._timeouts.search,
                at_most=self._max_offers,
            )
        chosen = matching_change_offer(options, offer)
        if chosen is None:
            log.info(
                "duffel.change_offer_missing",
                wanted=[flights(item) for item in offer.slices],
                offered=len(options),
            )
            raise OfferNoLongerAvailable(
                f"The airline no longer offers the flights of {offer.id} as a change."
            )
        self._check_change_price(chosen, offer, change_total)
        pending = self._client.post(
            "/air/order_changes",
            {"selected_order_change_offer": chosen["id"]},
            timeout=self._timeouts.order,
            safe=True,  # a pending change commits nothing; an unconfirmed one expires
        )["data"]
        self._refs.change_prepared(
            DuffelChangeRecord(
                key=key,
                booking_key=made.key,
                duffel_order_change_id=str(pending["id"]),
                amount=str(pending.get("change_total_amount") or chosen["change_total_amount"]),
                currency=str(
                    pending.get("change_total_currency") or chosen["change_total_currency"]
                ),
                created_at=now,
            )
        )
        return Booking(reference=booking_reference, payment_required_by=None, in_place=True)

    def commit_change(self, key: str, *, now: datetime) -> Booking:
        """Confirm the prepared Duffel order change, paying a positive change total from
        the balance, then record the order's new flights."""
        prepared = self._refs.get_change(key)
        if prepared is None:
            raise NotFound(f"No Duffel change was prepared for {key}.", code="booking_not_found")
        made = self._refs.get(prepared.booking_key)
        if made is None or not made.duffel_order_id:
            raise NotFound(f"No Duffel booking for change {key}.", code="booking_not_found")
        if prepared.confirmed_at is None:
            if not self._change_confirmed(prepared):
                amount = Decimal(prepared.amount)
                body: Json | None = None
                if amount > 0:
                    body = {
                        "payment": {
                            "type": "balance",
                            "amount": prepared.amount,
                            "currency": prepared.currency,
                        }
                    }
                self._client.post(
                    f"/air/order_changes/{prepared.duffel_order_change_id}/actions/confirm",
                    body,
                    timeout=self._timeouts.order,
                    safe=False,  # it pays the airline: never retried blindly
                )
            self._refs.change_confirmed(key, now=now)
        order = self._order(made)
        current = departures_of(order)
        kept = {flight: made.departures.get(flight, when) for flight, when in current.items()}
        self._refs.booked(
            made.key,
            duffel_order_id=str(made.duffel_order_id),
            booking_reference=str(order.get("booking_reference") or made.booking_reference),
            departures=kept,
            now=now,
        )
        return replace(self._booking(made, order), in_place=True)

    def _change_confirmed(self, prepared: DuffelChangeRecord) -> bool:
        change = self._client.get(
            f"/air/order_changes/{prepared.duffel_order_change_id}", timeout=self._timeouts.read
        )["data"]
        return bool(change.get("confirmed_at"))

    def _check_change_price(self, chosen: Json, offer: Offer, agreed: Money) -> None:
        """Duffel's change total, sold at the offer's rate, must not exceed what our
        customer agreed to pay (a few minor units of rounding apart)."""
        try:
            asked = _conversion(offer).sell(
                chosen.get("change_total_amount"), chosen.get("change_total_currency")
            )
        except ValueError as exc:
            raise UpstreamUnavailable(f"Duffel priced the change oddly: {exc}") from exc
        slack = Money.from_minor(CHANGE_ROUNDING_MINOR_UNITS, agreed.currency)
        if agreed.currency != asked.currency or agreed + slack < asked:
            raise InvalidState(
                f"The airline now asks {asked} for this change, more than the {agreed} "
                "quoted; request the change again.",
                code="provider_price_changed",
            )

    def cancel_booking(self, booking_reference: str, *, now: datetime) -> None:
        made = self._record(booking_reference)
        if made.cancelled:
            return
        order = self._order(made)
        if not order.get("cancelled_at"):
            try:
                quote = self._client.post(
                    "/air/order_cancellations",
                    {"order_id": made.duffel_order_id},
                    timeout=self._timeouts.read,
                    safe=True,
                )["data"]
                self._client.post(
                    f"/air/order_cancellations/{quote['id']}/actions/confirm",
                    None,
                    timeout=self._timeouts.order,
                    safe=False,
                )
            except OrderAlreadyCancelled:
                pass
        self._refs.mark_cancelled(made.key, now=now)

    def booking_changes(self, booking_reference: str, *, now: datetime) -> list[BookingChange]:
        made = self._record(booking_reference)
        order = self._order(made)
        if order.get("cancelled_at"):
            return []
        return booking_changes_from(order, made.departures, salt=made.key)

    # --- webhooks -----------------------------------------------------------
    def order_for_event(self, event: DuffelEvent) -> str | None:
        """Our order id that a Duffel order event is about; None for other events, a
        replay, or an order that is not ours."""
        if event.type not in ORDER_EVENTS or self._refs.has_event(event.id):
            return None
        made = self._refs.by_order(event.duffel_order_id) if event.duffel_order_id else None
        if made is None and event.farebridge_order_id:
            candidate = self._refs.get(event.farebridge_order_id)
            matches = candidate is not None and candidate.duffel_order_id in (
                None,
                event.duffel_order_id,
            )
            made = candidate if matches else None
        return made.key if made is not None else None

    def remember_event(self, event: DuffelEvent, *, now: datetime) -> bool:
        return self._refs.remember_event(event.id, event.type, now=now)

    # --- helpers ------------------------------------------------------------
    def _seat_maps(self, offer: Offer) -> tuple[list[SeatMap], dict[str, SeatChoice]]:
        reference = _reference(offer)
        data = self._client.get(
            "/air/seat_maps", {"offer_id": reference["offer_id"]}, timeout=self._timeouts.read
        ).get("data")
        return seat_maps_from(list(data or []), offer, _conversion(offer))

    def _reconcile(self, made: DuffelBookingRecord, *, now: datetime) -> Booking | None:
        """What Duffel did with an attempt: its order, or None if it made none."""
        if made.duffel_order_id:
            return self._booking(made, self._order(made))
        orders, _ = self._client.list_all(
            "/air/orders",
            {"offer_id": made.duffel_offer_id},
            timeout=self._timeouts.read,
            at_most=50,
        )
        ours = [
            o for o in orders if (o.get("metadata") or {}).get("farebridge_order_id") == made.key
        ]
        if not ours:
            return None
        return self._booked(made.key, ours[0], hold=made.hold, now=now)

    def _booked(self, key: str, data: Json, *, hold: bool, now: datetime) -> Booking:
        self._refs.booked(
            key,
            duffel_order_id=str(data["id"]),
            booking_reference=str(data.get("booking_reference") or ""),
            departures=departures_of(data),
            now=now,
        )
        made = self._refs.get(key)
        assert made is not None
        return self._booking(made, data)

    @staticmethod
    def _booking(made: DuffelBookingRecord, order: Json) -> Booking:
        status = order.get("payment_status") or {}
        pay_by = pay_by_of(status) if made.hold else None
        return Booking(
            reference=str(order.get("booking_reference") or made.booking_reference or ""),
            payment_required_by=pay_by,
            active=not order.get("cancelled_at"),
        )

    def _record(self, booking_reference: str) -> DuffelBookingRecord:
        made = self._refs.by_reference(booking_reference)
        if made is None or not made.duffel_order_id:
            raise NotFound(f"No Duffel booking {booking_reference}.", code="booking_not_found")
        return made

    def _order(self, made: DuffelBookingRecord) -> Json:
        body = self._client.get(f"/air/orders/{made.duffel_order_id}", timeout=self._timeouts.read)
        order: Json = body["data"]
        return order

    def _pay(self, made: DuffelBookingRecord, order: Json) -> None:
        """Pay a held Duffel order its current amount, unless that is more than agreed."""
        amount = Decimal(str(order["total_amount"]))
        if order.get("total_currency") != made.currency or amount > Decimal(made.amount):
            raise InvalidState(
                f"Duffel now asks {amount} {order.get('total_currency')} for booking "
                f"{made.booking_reference}, more than the {made.amount} {made.currency} agreed.",
                code="provider_price_changed",
            )
        payment = {"type": "balance", "amount": str(amount), "currency": made.currency}
        with contextlib.suppress(OrderAlreadyPaid):
            self._client.post(
                "/air/payments",
                {"order_id": made.duffel_order_id, "payment": payment},
                timeout=self._timeouts.order,
                safe=False,
            )


def _reference(offer: Offer) -> dict[str, Any]:
    reference = offer.provider_reference
    if not isinstance(reference.get("offer_id"), str) or "passengers" not in reference:
        raise OfferNoLongerAvailable(f"Offer {offer.id} is not a Duffel offer.")
    return reference


def _conversion(offer: Offer) -> Conversion:
    reference = _reference(offer)
    return Conversion(str(reference["currency"]), offer.total.currency, Decimal(reference["rate"]))


def _metadata_key(order: Json) -> str | None:
    metadata = order.get("metadata")
    return metadata.get("farebridge_order_id") if isinstance(metadata, dict) else None
