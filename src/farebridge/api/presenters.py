"""Domain objects → JSON, in the shapes of seed 000 (Duffel-like).

Instants are UTC with ``Z``; flight times are airport-local wall time; money
is a decimal string next to its currency; passport numbers are masked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from farebridge.domain.account import User
from farebridge.domain.cancellation import CancellationQuote
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.itinerary import Carrier, Segment, Slice, iso_duration
from farebridge.domain.money import Money
from farebridge.domain.offer import ConditionRule, Conditions, Offer, OfferRequest
from farebridge.domain.order import Order, OrderEvent, OrderService, Passenger
from farebridge.domain.payment import Payment
from farebridge.domain.places import Airport, City, PlaceDirectory
from farebridge.domain.seatmap import SeatElement, SeatMap
from farebridge.services.ports import Page

Json = dict[str, Any]
T = TypeVar("T")


def page_json(page: Page[T], present: Callable[[T], Json]) -> Json:
    """A list response: ``{"data": [...], "meta": {"after", "before", "limit"}}``."""
    return {
        "data": [present(item) for item in page.items],
        "meta": {"after": page.after, "before": page.before, "limit": page.limit},
    }


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="minutes") + ":00"


def airport_json(airport: Airport) -> Json:
    return {
        "type": "airport",
        "iata_code": airport.iata_code,
        "name": airport.name,
        "city_name": airport.city_name,
        "iata_country_code": airport.country_code,
        "latitude": airport.latitude,
        "longitude": airport.longitude,
        "time_zone": airport.time_zone,
    }


def city_json(city: City, places: PlaceDirectory) -> Json:
    airports = [places.airport(code) for code in city.airport_codes]
    return {
        "type": "city",
        "iata_code": city.iata_code,
        "name": city.name,
        "iata_country_code": city.country_code,
        "airports": [airport_json(a) for a in airports if a is not None],
    }


def place_json(code: str, places: PlaceDirectory) -> Json:
    city = places.city(code)
    if city is not None and len(city.airport_codes) > 1:
        return city_json(city, places)
    airport = places.airport(code)
    return airport_json(airport) if airport else {"iata_code": code}


def carrier_json(carrier: Carrier) -> Json:
    return {"iata_code": carrier.iata_code, "name": carrier.name}


def money_fields(prefix: str, money: Money) -> Json:
    return {f"{prefix}_amount": str(money.amount), f"{prefix}_currency": money.currency}


def segment_json(segment: Segment) -> Json:
    return {
        "id": segment.id,
        "origin": airport_json(segment.origin),
        "destination": airport_json(segment.destination),
        "departing_at": local(segment.departing_at),
        "arriving_at": local(segment.arriving_at),
        "duration": iso_duration(segment.duration),
        "marketing_carrier": carrier_json(segment.marketing_carrier),
        "operating_carrier": carrier_json(segment.operating_carrier),
        "marketing_carrier_flight_number": segment.marketing_carrier_flight_number,
        "aircraft": {"iata_code": segment.aircraft.iata_code, "name": segment.aircraft.name},
        "cabin_class": segment.cabin_class.value,
        "booking_class": segment.booking_class,
        "fare_basis_code": segment.fare_basis_code,
        "baggages": [{"type": b.type, "quantity": b.quantity} for b in segment.baggages],
    }


def slice_json(item: Slice) -> Json:
    return {
        "id": item.id,
        "origin": airport_json(item.origin),
        "destination": airport_json(item.destination),
        "departing_at": local(item.departing_at),
        "duration": iso_duration(item.duration),
        "connections": item.connections,
        "fare_brand_name": item.fare_brand_name,
        "segments": [segment_json(s) for s in item.segments],
    }


def rule_json(rule: ConditionRule) -> Json:
    penalty = rule.penalty
    return {
        "allowed": rule.allowed,
        "penalty_amount": str(penalty.amount) if penalty else None,
        "penalty_currency": penalty.currency if penalty else None,
    }


def conditions_json(conditions: Conditions) -> Json:
    return {
        "refund_before_departure": rule_json(conditions.refund_before_departure),
        "change_before_departure": rule_json(conditions.change_before_departure),
    }


def offer_json(offer: Offer) -> Json:
    return {
        "id": offer.id,
        "live_mode": False,
        "offer_request_id": offer.offer_request_id,
        "owner": carrier_json(offer.owner),
        **money_fields("total", offer.total),
        **money_fields("base", offer.base),
        **money_fields("tax", offer.tax),
        "total_duration": iso_duration(offer.total_duration),
        "fare_brand_name": offer.fare_brand_name,
        "payment_requirements": {
            "requires_instant_payment": offer.requires_instant_payment,
            "payment_required_by": instant(offer.payment_required_by),
            "price_guarantee_expires_at": instant(offer.payment_required_by),
            "hold_lifetime_hours": (
                int(offer.hold_lifetime.total_seconds() // 3600) if offer.hold_lifetime else None
            ),
        },
        "passenger_identity_documents_required": offer.passenger_identity_documents_required,
        "passengers": [{"id": p.id, "type": p.type.value, "age": p.age} for p in offer.passengers],
        "conditions": conditions_json(offer.conditions),
        "slices": [slice_json(s) for s in offer.slices],
        "available_services": [
            {
                "id": service.id,
                "type": service.type,
                "passenger_ids": [service.passenger_id],
                "slice_ids": [service.slice_id],
                "maximum_quantity": service.maximum_quantity,
                "description": service.description,
                **money_fields("total", service.unit_price),
            }
            for service in offer.available_services
        ],
        "created_at": instant(offer.created_at),
        "expires_at": instant(offer.expires_at),
    }


def offer_request_json(
    request: OfferRequest, places: PlaceDirectory, airlines: list[tuple[str, str]] | None = None
) -> Json:
    return {
        "airlines": [{"iata_code": code, "name": name} for code, name in airlines or []],
        "id": request.id,
        "live_mode": False,
        "status": request.status.value,
        "offers_count": request.offers_count,
        "truncated": request.truncated,
        "error": (
            {"code": request.error_code, "message": request.error_message}
            if request.error_code
            else None
        ),
        "cabin_class": request.criteria.cabin_class.value,
        "max_connections": request.criteria.max_connections,
        "passengers": [
            {"id": p.id, "type": p.type.value, "age": p.age} for p in request.criteria.passengers
        ],
        "slices": [
            {
                "origin": place_json(s.origin, places),
                "destination": place_json(s.destination, places),
                "departure_date": s.departure_date.isoformat(),
            }
            for s in request.criteria.slices
        ],
        "created_at": instant(request.created_at),
        "completed_at": instant(request.completed_at),
    }


def passenger_json(passenger: Passenger) -> Json:
    return {
        "id": passenger.id,
        "type": passenger.type.value,
        "title": passenger.title,
        "given_name": passenger.given_name,
        "family_name": passenger.family_name,
        "born_on": passenger.born_on.isoformat(),
        "gender": passenger.gender,
        "email": passenger.email,
        "phone_number": passenger.phone_number,
        "identity_documents": [
            {
                "type": d.type,
                "unique_identifier": d.masked_identifier,
                "issuing_country_code": d.issuing_country_code,
                "expires_on": d.expires_on.isoformat(),
            }
            for d in passenger.identity_documents
        ],
    }


def service_json(service: OrderService) -> Json:
    return {
        "id": service.id,
        "type": service.type,
        "segment_id": service.segment_id,
        "passenger_id": service.passenger_id,
        "designator": service.designator,
        "slice_id": service.slice_id,
        "quantity": service.quantity,
        **money_fields("total", service.total),
    }


def price_json(offer: Offer, services: tuple[OrderService, ...], total: Money) -> Json:
    return {
        "offer_id": offer.id,
        **money_fields("base", offer.base),
        **money_fields("tax", offer.tax),
        **money_fields("services", total - offer.total),
        **money_fields("total", total),
        "services": [service_json(s) for s in services],
    }


def order_json(order: Order) -> Json:
    return {
        "id": order.id,
        "live_mode": False,
        "type": order.type.value,
        "status": order.status.value,
        "booking_reference": order.booking_reference,
        "offer_id": order.offer_id,
        "owner": carrier_json(order.owner),
        **money_fields("total", order.total),
        **money_fields("base", order.base),
        **money_fields("tax", order.tax),
        **money_fields("services", order.services_total),
        "services": [service_json(s) for s in order.services],
        "fare_brand_name": order.fare_brand_name,
        "payment_status": {
            "awaiting_payment": order.awaiting_payment(),
            "payment_required_by": instant(order.payment_required_by),
            "price_guarantee_expires_at": instant(order.payment_required_by),
            "paid_at": instant(order.paid_at),
        },
        "ticketing_status": order.ticketing_status.value,
        "documents": [
            {
                "type": d.type,
                "unique_identifier": d.unique_identifier,
                "passenger_id": d.passenger_id,
                "issued_at": instant(d.issued_at),
            }
            for d in order.documents
        ],
        "passengers": [passenger_json(p) for p in order.passengers],
        "slices": [slice_json(s) for s in order.slices],
        "conditions": conditions_json(order.conditions),
        "metadata": order.metadata,
        "created_at": instant(order.created_at),
        "synced_at": instant(order.synced_at),
        "cancelled_at": instant(order.cancelled_at),
    }


def payment_json(payment: Payment) -> Json:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "type": payment.method.type.value,
        "status": payment.status.value,
        "amount": str(payment.amount.amount),
        "currency": payment.amount.currency,
        "created_at": instant(payment.created_at),
        "live_mode": False,
    }


def cancellation_json(quote: CancellationQuote) -> Json:
    return {
        "id": quote.id,
        "order_id": quote.order_id,
        **money_fields("refund", quote.refund),
        **money_fields("penalty", quote.penalty),
        "refund_to": quote.refund_to,
        "reason": quote.reason,
        "created_at": instant(quote.created_at),
        "expires_at": instant(quote.expires_at),
        "confirmed_at": instant(quote.confirmed_at),
        "live_mode": False,
    }


def element_json(element: SeatElement) -> Json:
    data: Json = {"type": element.type}
    if element.type == "seat":
        data.update(
            designator=element.designator,
            name=element.name,
            disclosures=list(element.disclosures),
            available_services=[
                {"id": s.id, "passenger_id": s.passenger_id, **money_fields("total", s.total)}
                for s in element.available_services
            ],
        )
    return data


def seat_map_json(seat_map: SeatMap) -> Json:
    return {
        "id": seat_map.id,
        "segment_id": seat_map.segment_id,
        "slice_id": seat_map.slice_id,
        "cabins": [
            {
                "cabin_class": cabin.cabin_class,
                "deck": cabin.deck,
                "aisles": cabin.aisles,
                "wings": (
                    {
                        "first_row_index": cabin.wings_first_row,
                        "last_row_index": cabin.wings_last_row,
                    }
                    if cabin.wings_first_row is not None
                    else None
                ),
                "rows": [
                    {
                        "sections": [
                            {"elements": [element_json(e) for e in section]}
                            for section in row.sections
                        ]
                    }
                    for row in cabin.rows
                ],
            }
            for cabin in seat_map.cabins
        ],
    }


def user_json(user: User) -> Json:
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "created_at": instant(user.created_at),
    }


def fare_rules_json(rules: FareRules) -> Json:
    return {
        "offer_id": rules.offer_id,
        "fare_basis_codes": list(rules.fare_basis_codes),
        "rules": [{"code": r.code, "title": r.title, "text": r.text} for r in rules.sections],
        "link": rules.link,
        "ticket_designators": [
            {"code": d.code, "extension": d.extension} for d in rules.ticket_designators
        ],
    }


def event_json(event: OrderEvent) -> Json:
    return {
        "type": event.type,
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
        "data": event.data,
        "occurred_at": instant(event.occurred_at),
    }
