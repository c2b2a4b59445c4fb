"""Domain objects → Duffel's JSON, the superset of API versions v1 and v2.

Every key Duffel documents is always present (``null`` when there is no value):
the official Python client silently drops a whole list when one nested key is
missing. v1-only keys that the Python client still requires
(``allowed_passenger_identity_document_types``, order ``slices[].changeable``)
sit beside their v2 successors.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from farebridge.api.dialects.duffel.wire import (
    aircraft_id,
    airline_id,
    airport_id,
    amount,
    city_id,
    instant,
    local,
    optional_instant,
)
from farebridge.domain import itinerary
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.changes import ChangeOffer, ChangeRequest, OrderChange
from farebridge.domain.itinerary import Carrier, Segment, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule, Conditions, Offer, OfferRequest, OfferService
from farebridge.domain.order import Order, OrderEvent, OrderService, OrderStatus, Passenger
from farebridge.domain.payment import Payment
from farebridge.domain.places import Airport, City, PlaceDirectory, great_circle_km
from farebridge.domain.search import OfferPassenger
from farebridge.domain.seatmap import SeatElement, SeatMap

Json = dict[str, Any]
DOCUMENT_TYPES = ["passport"]
SCHEDULE_CHANGED = "order.schedule_changed"
CABIN_NAMES = {
    "economy": "Economy",
    "premium_economy": "Premium Economy",
    "business": "Business",
    "first": "First",
}


# --- places and reference data ---------------------------------------------------------


def city(place: City) -> Json:
    return {
        "id": city_id(place.iata_code, place.country_code),
        "name": place.name,
        "iata_code": place.iata_code,
        "iata_country_code": place.country_code,
    }


@lru_cache(maxsize=8192)
def _airport(place: Airport, metro: City | None) -> Json:
    return {
        "type": "airport",
        "id": airport_id(place.iata_code, place.country_code),
        "name": place.name,
        "iata_code": place.iata_code,
        "icao_code": None,
        "iata_country_code": place.country_code,
        "iata_city_code": metro.iata_code if metro else place.iata_code,
        "city_name": place.city_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "time_zone": place.time_zone,
        "city": city(metro) if metro else None,
    }


def airport(place: Airport, places: PlaceDirectory) -> Json:
    # a fresh dict per use: callers may add keys, and a shared one would be mutated
    return dict(_airport(place, places.city_of(place.iata_code)))


def city_place(place: City, places: PlaceDirectory) -> Json:
    members = [places.airport(code) for code in place.airport_codes]
    return {
        "type": "city",
        **city(place),
        "iata_city_code": place.iata_code,
        "city_name": place.name,
        "icao_code": None,
        "latitude": None,
        "longitude": None,
        "time_zone": None,
        "city": None,
        "airports": [airport(a, places) for a in members if a is not None],
    }


def place(code: str, places: PlaceDirectory) -> tuple[str, Json]:
    """``(type, place)`` for a code that is a city or an airport."""
    metro = places.city(code)
    if metro is not None and len(metro.airport_codes) > 1:
        return "city", city_place(metro, places)
    found = places.airport(code)
    if found is None:
        return "airport", {"type": "airport", "id": code, "name": code, "iata_code": code}
    return "airport", airport(found, places)


def carrier(value: Carrier) -> Json:
    return {
        "id": airline_id(value.iata_code),
        "name": value.name,
        "iata_code": value.iata_code,
        "logo_symbol_url": None,
        "logo_lockup_url": None,
        "conditions_of_carriage_url": None,
    }


def aircraft(value: itinerary.Aircraft) -> Json:
    return {"id": aircraft_id(value.iata_code), "iata_code": value.iata_code, "name": value.name}


# --- offers --------------------------------------------------------------------------


def rule(value: ConditionRule) -> Json:
    penalty = value.penalty if value.allowed else None
    return {
        "allowed": value.allowed,
        "penalty_amount": amount(penalty) if penalty else None,
        "penalty_currency": penalty.currency if penalty else None,
    }


def conditions(value: Conditions) -> Json:
    return {
        "change_before_departure": rule(value.change_before_departure),
        "refund_before_departure": rule(value.refund_before_departure),
    }


def slice_conditions(value: Conditions) -> Json:
    return {
        "change_before_departure": rule(value.change_before_departure),
        "refund_before_departure": rule(value.refund_before_departure),
        "advance_seat_selection": None,
        "priority_boarding": None,
        "priority_check_in": None,
    }


def offer_passenger(passenger: OfferPassenger) -> Json:
    return {
        "id": passenger.id,
        "type": passenger.type.value,
        "age": passenger.age,
        "given_name": None,
        "family_name": None,
        "fare_type": None,
        "loyalty_programme_accounts": [],
    }


def _segment_passenger(segment: Segment, passenger_id: str) -> Json:
    cabin = segment.cabin_class.value
    return {
        "passenger_id": passenger_id,
        "cabin_class": cabin,
        "cabin_class_marketing_name": CABIN_NAMES.get(cabin, cabin.title()),
        "fare_basis_code": segment.fare_basis_code,
        "baggages": [{"type": b.type, "quantity": b.quantity} for b in segment.baggages],
        "cabin": None,
    }


def segment(
    value: Segment,
    places: PlaceDirectory,
    passenger_ids: list[str],
    seats: dict[tuple[str, str], OrderService] | None = None,
) -> Json:
    passengers = []
    for passenger_id in passenger_ids:
        entry = _segment_passenger(value, passenger_id)
        if seats is not None:
            seat = seats.get((value.id, passenger_id))
            entry["seat"] = (
                {"designator": seat.designator, "name": None, "disclosures": []} if seat else None
            )
        passengers.append(entry)
    return {
        "id": value.id,
        "origin": airport(value.origin, places),
        "destination": airport(value.destination, places),
        "origin_terminal": None,
        "destination_terminal": None,
        "departing_at": local(value.departing_at),
        "arriving_at": local(value.arriving_at),
        "duration": itinerary.iso_duration(value.duration),
        "distance": f"{great_circle_km(value.origin, value.destination):.1f}",
        "marketing_carrier": carrier(value.marketing_carrier),
        "marketing_carrier_flight_number": value.marketing_carrier_flight_number,
        "operating_carrier": carrier(value.operating_carrier),
        "operating_carrier_flight_number": value.marketing_carrier_flight_number
        if value.operating_carrier == value.marketing_carrier
        else None,
        "aircraft": aircraft(value.aircraft),
        "stops": [],
        "passengers": passengers,
    }


def slice_(
    value: Slice,
    places: PlaceDirectory,
    passenger_ids: list[str],
    fare_conditions: Conditions,
    seats: dict[tuple[str, str], OrderService] | None = None,
) -> Json:
    first = value.segments[0]
    return {
        "id": value.id,
        "origin_type": "airport",
        "destination_type": "airport",
        "origin": airport(value.origin, places),
        "destination": airport(value.destination, places),
        "origin_terminal": None,
        "destination_terminal": None,
        "duration": itinerary.iso_duration(value.duration),
        "fare_brand_name": value.fare_brand_name or None,
        "comparison_key": "-".join(
            f"{s.marketing_carrier.iata_code}{s.marketing_carrier_flight_number}"
            f"@{s.departing_at:%Y%m%d%H%M}"
            for s in value.segments
        ),
        "ngs_shelf": None,
        "conditions": slice_conditions(fare_conditions),
        "segments": [segment(s, places, passenger_ids, seats) for s in value.segments],
        "departing_at": local(first.departing_at),
    }


def _segments_of(slices: tuple[Slice, ...], slice_id: str | None) -> list[str]:
    for item in slices:
        if item.id == slice_id:
            return [s.id for s in item.segments]
    return []


def available_service(value: OfferService, offer: Offer) -> Json:
    return {
        "id": value.id,
        "type": value.type,
        "maximum_quantity": value.maximum_quantity,
        "passenger_ids": [value.passenger_id],
        "segment_ids": _segments_of(offer.slices, value.slice_id),
        "total_amount": amount(value.unit_price),
        "total_currency": value.unit_price.currency,
        "metadata": {
            "type": "checked",
            "maximum_weight_kg": value.maximum_weight_kg,
            "maximum_height_cm": None,
            "maximum_length_cm": None,
            "maximum_depth_cm": None,
        },
    }


def offer(value: Offer, places: PlaceDirectory, *, with_services: bool = False) -> Json:
    passenger_ids = [p.id for p in value.passengers]
    seated = sum(1 for p in value.passengers if p.type.occupies_seat)
    airline = value.airline_fare
    return {
        "id": value.id,
        "live_mode": False,
        "created_at": instant(value.created_at),
        "updated_at": instant(value.created_at),
        "expires_at": instant(value.expires_at),
        "offer_request_id": value.offer_request_id,
        "owner": carrier(value.owner),
        "partial": False,
        "total_amount": amount(value.total),
        "total_currency": value.total.currency,
        "base_amount": amount(value.base),
        "base_currency": value.base.currency,
        "tax_amount": amount(value.tax),
        "tax_currency": value.tax.currency,
        "total_emissions_kg": str(round(itinerary.emissions_kg(value.slices, seated))),
        "passenger_identity_documents_required": value.passenger_identity_documents_required,
        "allowed_passenger_identity_document_types": DOCUMENT_TYPES,
        "supported_passenger_identity_document_types": DOCUMENT_TYPES,
        "supported_loyalty_programmes": [],
        "private_fares": [],
        "payment_requirements": {
            "requires_instant_payment": value.requires_instant_payment,
            "payment_required_by": optional_instant(value.payment_required_by),
            "price_guarantee_expires_at": optional_instant(value.payment_required_by),
        },
        "conditions": conditions(value.conditions),
        "passengers": [offer_passenger(p) for p in value.passengers],
        "slices": [slice_(s, places, passenger_ids, value.conditions) for s in value.slices],
        "available_services": [
            # Duffel sells bags one at a time: the engine's baggage and carry-on tiers
            # (ADR 0016) have no Duffel shape and are left to the dialects that show them.
            available_service(s, value)
            for s in value.available_services
            if not s.is_tier
        ]
        if with_services
        else [],
        # farebridge's own, beside Duffel's
        "fare_brand_name": value.fare_brand_name,
        "airline_total_amount": amount(airline) if airline else None,
        "airline_total_currency": airline.currency if airline else None,
    }


def offer_request(request: OfferRequest, places: PlaceDirectory, offers: list[Json]) -> Json:
    criteria = request.criteria
    slices = []
    for item in criteria.slices:
        origin_type, origin = place(item.origin, places)
        destination_type, destination = place(item.destination, places)
        slices.append(
            {
                "origin_type": origin_type,
                "destination_type": destination_type,
                "origin": origin,
                "destination": destination,
                "departure_date": item.departure_date.isoformat(),
                "departure_time": None,
                "arrival_time": None,
            }
        )
    return {
        "id": request.id,
        "live_mode": False,
        "created_at": instant(request.created_at),
        "client_key": None,
        "cabin_class": criteria.cabin_class.value,
        "max_connections": criteria.max_connections,
        "passengers": [offer_passenger(p) for p in criteria.passengers],
        "slices": slices,
        "offers": offers,
        "airline_credit_ids": [],
    }


# --- orders ----------------------------------------------------------------------------


def order_passenger(value: Passenger) -> Json:
    return {
        "id": value.id,
        "type": value.type.value,
        "title": value.title,
        "gender": value.gender,
        "given_name": value.given_name,
        "family_name": value.family_name,
        "born_on": value.born_on.isoformat(),
        "email": value.email,
        "phone_number": value.phone_number,
        "infant_passenger_id": None,
        "loyalty_programme_accounts": [],
        "identity_documents": [
            {
                "type": d.type,
                "unique_identifier": d.masked_identifier,
                "issuing_country_code": d.issuing_country_code,
                "expires_on": d.expires_on.isoformat(),
            }
            for d in value.identity_documents
        ],
    }


def order_service(value: OrderService, slices: tuple[Slice, ...]) -> Json:
    if value.type == "seat":
        segment_ids = [value.segment_id] if value.segment_id else []
        metadata: Json = {"designator": value.designator, "name": None, "disclosures": []}
    else:
        segment_ids = _segments_of(slices, value.slice_id)
        metadata = {
            "type": "checked",
            "maximum_weight_kg": None,
            "maximum_height_cm": None,
            "maximum_length_cm": None,
            "maximum_depth_cm": None,
        }
    return {
        "id": value.id,
        "type": value.type,
        "quantity": value.quantity,
        "passenger_ids": [value.passenger_id],
        "segment_ids": segment_ids,
        "total_amount": amount(value.total),
        "total_currency": value.total.currency,
        "metadata": metadata,
    }


def _actions(value: Order) -> list[str]:
    if value.status is OrderStatus.CANCELLED or value.status is OrderStatus.EXPIRED:
        return []
    if value.awaiting_payment():
        return ["cancel", "update"]
    return ["cancel", "change", "update"]


def airline_initiated_change(event: OrderEvent) -> Json:
    """A schedule change the airline made, as Duffel's airline-initiated change. The
    itinerary itself is not retimed yet, so ``added``/``removed`` stay empty and the
    change is described by farebridge's ``flight``, ``minutes`` and ``message``."""
    data = event.data
    return {
        "id": f"aic_{data.get('change_id', '')}",
        "order_id": event.order_id,
        "created_at": instant(event.occurred_at),
        "updated_at": instant(event.occurred_at),
        "action_taken": None,
        "action_taken_at": None,
        "available_actions": [],
        "added": [],
        "removed": [],
        "travel_agent_ticket": None,
        "flight": data.get("flight"),
        "departure_on": data.get("departure_on"),
        "minutes": data.get("minutes"),
        "message": data.get("message"),
    }


def order(
    value: Order,
    places: PlaceDirectory,
    cancellation: Json | None = None,
    events: list[OrderEvent] | None = None,
) -> Json:
    passenger_ids = [p.id for p in value.passengers]
    seats = {
        (s.segment_id, s.passenger_id): s
        for s in value.services
        if s.type == "seat" and s.segment_id
    }
    actions = _actions(value)
    changeable = "change" in actions
    slices = []
    for item in value.slices:
        shown = slice_(item, places, passenger_ids, value.conditions, seats)
        shown["changeable"] = changeable
        slices.append(shown)
    awaiting = value.awaiting_payment()
    documents: dict[str, Json] = {}
    for document in value.documents:
        shown_document = documents.setdefault(
            document.unique_identifier,
            {
                "type": document.type,
                "unique_identifier": document.unique_identifier,
                "passenger_ids": [],
            },
        )
        shown_document["passenger_ids"].append(document.passenger_id)
    return {
        "id": value.id,
        "live_mode": False,
        "created_at": instant(value.created_at),
        "synced_at": instant(value.synced_at or value.created_at),
        "cancelled_at": optional_instant(value.cancelled_at),
        "booking_reference": value.booking_reference,
        "type": "hold" if value.type.value == "hold" else "instant",
        "status": value.status.value,
        "content": "managed",
        "owner": carrier(value.owner),
        "offer_id": value.offer_id,
        "metadata": dict(value.metadata),
        "available_actions": actions,
        "total_amount": amount(value.total),
        "total_currency": value.total.currency,
        "base_amount": amount(value.base),
        "base_currency": value.base.currency,
        "tax_amount": amount(value.tax),
        "tax_currency": value.tax.currency,
        "payment_status": {
            "awaiting_payment": awaiting,
            "payment_required_by": optional_instant(value.payment_required_by)
            if awaiting
            else None,
            "price_guarantee_expires_at": optional_instant(value.payment_required_by)
            if awaiting
            else None,
            "paid_at": optional_instant(value.paid_at),
        },
        "conditions": conditions(value.conditions),
        "documents": list(documents.values()),
        "passengers": [order_passenger(p) for p in value.passengers],
        "services": [order_service(s, value.slices) for s in value.services],
        "slices": slices,
        "users": [],
        "cancellation": cancellation,
        "airline_initiated_changes": [
            airline_initiated_change(e) for e in events or [] if e.type == SCHEDULE_CHANGED
        ],
        "changes": [],
    }


def payment(value: Payment, duffel_type: str | None = None) -> Json:
    return {
        "id": value.id,
        "live_mode": False,
        "created_at": instant(value.created_at),
        "type": duffel_type or value.method.type.value,
        "amount": amount(value.amount),
        "currency": value.amount.currency,
        "order_id": value.order_id,
        "status": value.status.value,
    }


def refund_to(quote: CancellationQuote, paid_with: str | None) -> str:
    if paid_with is None:
        return "awaiting_payment"
    return paid_with if paid_with in ("balance", "card", "arc_bsp_cash") else "balance"


def cancellation(quote: CancellationQuote, paid_with: str | None) -> Json:
    return {
        "id": quote.id,
        "order_id": quote.order_id,
        "live_mode": False,
        "created_at": instant(quote.created_at),
        "expires_at": instant(quote.expires_at),
        "confirmed_at": optional_instant(quote.confirmed_at),
        "refund_amount": amount(quote.refund),
        "refund_currency": quote.refund.currency,
        "refund_to": refund_to(quote, paid_with),
        "penalty_amount": amount(quote.penalty),
        "penalty_currency": quote.penalty.currency,
        "airline_credits": [],
    }


# --- seat maps -------------------------------------------------------------------------


def _element(value: SeatElement) -> Json:
    if value.type != "seat":
        return {"type": value.type}
    return {
        "type": "seat",
        "designator": value.designator,
        "name": value.name,
        "disclosures": list(value.disclosures),
        "available_services": [
            {
                "id": s.id,
                "passenger_id": s.passenger_id,
                "total_amount": amount(s.total),
                "total_currency": s.total.currency,
            }
            for s in value.available_services
        ],
    }


def seat_map(value: SeatMap) -> Json:
    return {
        "id": value.id,
        "slice_id": value.slice_id,
        "segment_id": value.segment_id,
        "cabins": [
            {
                "cabin_class": cabin.cabin_class,
                "deck": cabin.deck,
                "aisles": cabin.aisles,
                "wings": {
                    "first_row_index": cabin.wings_first_row,
                    "last_row_index": cabin.wings_last_row,
                }
                if cabin.wings_first_row is not None and cabin.wings_last_row is not None
                else None,
                "rows": [
                    {"sections": [{"elements": [_element(e) for e in s]} for s in row.sections]}
                    for row in cabin.rows
                ],
            }
            for cabin in value.cabins
        ],
    }


def money_of(text: str, currency: str) -> Money:
    return Money.of(Decimal(text), currency)


# --- order changes ---------------------------------------------------------------------


def _change_slices(
    removed: tuple[Slice, ...], added: tuple[Slice, ...], order_: Order, places: PlaceDirectory
) -> Json:
    passenger_ids = [p.id for p in order_.passengers]
    return {
        "add": [slice_(s, places, passenger_ids, order_.conditions) for s in added],
        "remove": [slice_(s, places, passenger_ids, order_.conditions) for s in removed],
    }


def change_refund_to(change_total: Money, paid_with: str | None) -> str | None:
    if change_total.amount >= 0:
        return None
    return paid_with if paid_with in ("balance", "card", "arc_bsp_cash") else "balance"


def order_change_offer(
    value: ChangeOffer, order_: Order, places: PlaceDirectory, paid_with: str | None
) -> Json:
    return {
        "id": value.id,
        "order_change_request_id": value.change_request_id,
        "order_change_id": None,
        "live_mode": False,
        "created_at": instant(value.created_at),
        "updated_at": instant(value.updated_at),
        "expires_at": instant(value.expires_at),
        "change_total_amount": amount(value.change_total),
        "change_total_currency": value.change_total.currency,
        "new_total_amount": amount(value.new_total),
        "new_total_currency": value.new_total.currency,
        "penalty_amount": amount(value.penalty),
        "penalty_currency": value.penalty.currency,
        "penalty_total_amount": amount(value.penalty),
        "penalty_total_currency": value.penalty.currency,
        "refund_to": change_refund_to(value.change_total, paid_with),
        "slices": _change_slices(value.removed, value.added, order_, places),
    }


def order_change_request(
    value: ChangeRequest, offers: list[Json], order_: Order, places: PlaceDirectory
) -> Json:
    return {
        "id": value.id,
        "order_id": value.order_id,
        "live_mode": False,
        "created_at": instant(value.created_at),
        "updated_at": instant(value.updated_at),
        "slices": {
            "add": [
                {
                    "origin": s.origin,
                    "destination": s.destination,
                    "departure_date": s.departure_date.isoformat(),
                    "cabin_class": s.cabin_class.value,
                }
                for s in value.add
            ],
            "remove": [{"slice_id": slice_id} for slice_id in value.remove_slice_ids],
        },
        "order_change_offers": offers,
    }


def order_change(
    value: OrderChange, order_: Order, places: PlaceDirectory, paid_with: str | None
) -> Json:
    return {
        "id": value.id,
        "order_id": value.order_id,
        "order_change_offer_id": value.change_offer_id,
        "live_mode": False,
        "status": value.status.value,
        "created_at": instant(value.created_at),
        "expires_at": instant(value.expires_at),
        "confirmed_at": optional_instant(value.confirmed_at),
        "change_total_amount": amount(value.change_total),
        "change_total_currency": value.change_total.currency,
        "new_total_amount": amount(value.new_total),
        "new_total_currency": value.new_total.currency,
        "penalty_total_amount": amount(value.penalty),
        "penalty_total_currency": value.penalty.currency,
        "refund_to": change_refund_to(value.change_total, paid_with),
        "slices": _change_slices(value.removed, value.added, order_, places),
    }
