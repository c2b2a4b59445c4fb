"""Duffel's JSON → farebridge's domain objects, sanitised and priced in the selling currency.

No Duffel id reaches a public field: slices, segments and services get ids of
our own, derived from Duffel's by a salted hash (``OurIds``) so that the same
offer read twice keeps its ids; passengers take the search's own passenger ids
(Duffel lists them in the order we sent them). What is needed to talk to Duffel
again goes to ``Offer.provider_reference``: Duffel's offer id, our id → Duffel
id for passengers, segments and services, what Duffel must be paid, and the rate
the offer is sold at (so extras priced later convert at the same rate).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from farebridge.domain.itinerary import Aircraft, Baggage, CabinClass, Carrier, Segment, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import (
    ConditionRule,
    Conditions,
    Offer,
    OfferService,
    PassengerPrice,
    fare_totals,
)
from farebridge.domain.places import Airport, PlaceDirectory
from farebridge.domain.search import OfferPassenger, PassengerType
from farebridge.domain.seatmap import SeatCabin, SeatElement, SeatMap, SeatRow, SeatService

Json = dict[str, Any]
CABINS = frozenset(kind.value for kind in CabinClass)
SEAT_ELEMENT_TYPES = frozenset(
    {"seat", "exit_row", "lavatory", "galley", "closet", "bassinet", "empty", "stairs"}
)


@dataclass(frozen=True, slots=True)
class Conversion:
    """Duffel's account currency → the selling currency, at one rate per offer."""

    source: str
    target: str
    rate: Decimal

    def sell(self, amount: str | Decimal | None, currency: str | None = None) -> Money:
        if currency is not None and currency != self.source:
            raise ValueError(f"Duffel amount in {currency}, expected {self.source}")
        return Money(Decimal(str(amount or "0")) * self.rate, self.target)


@dataclass(slots=True)
class OurIds:
    """Our ids for Duffel's, stable for one search (salted with our offer request id)."""

    salt: str
    known: dict[str, str] = field(default_factory=dict)  # our id → Duffel id

    def of(self, prefix: str, duffel_id: str) -> str:
        digest = hashlib.sha256(f"{self.salt}:{duffel_id}".encode()).hexdigest()[:26].upper()
        ours = f"{prefix}_{digest}"
        self.known[ours] = duffel_id
        return ours


def parse_instant(value: str | None) -> datetime | None:
    """``2026-12-03T10:00:00Z`` / ``…+00:00`` / with fraction → an aware datetime."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def pay_by_of(status: Json) -> datetime | None:
    """When a held offer or order must be paid: Duffel's ``payment_required_by``, or its
    ``price_guarantee_expires_at`` when sooner (after that the price may change)."""
    pay_by = parse_instant(status.get("payment_required_by"))
    guarantee = parse_instant(status.get("price_guarantee_expires_at"))
    if pay_by is None or guarantee is None:
        return pay_by
    return min(pay_by, guarantee)


def airport_from(data: Json, places: PlaceDirectory) -> Airport:
    code = str(data.get("iata_code") or "")
    known = places.airport(code)
    if known is not None:
        return known
    return Airport(
        iata_code=code,
        name=str(data.get("name") or code),
        city_name=str(data.get("city_name") or (data.get("city") or {}).get("name") or ""),
        country_code=str(data.get("iata_country_code") or ""),
        latitude=float(data.get("latitude") or 0.0),
        longitude=float(data.get("longitude") or 0.0),
        time_zone=str(data.get("time_zone") or "UTC"),
    )


def _local(value: str, airport: Airport) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        return moment
    try:
        zone = ZoneInfo(airport.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.replace(tzinfo=zone)


def carrier_from(data: Json | None) -> Carrier:
    data = data or {}
    return Carrier(iata_code=str(data.get("iata_code") or ""), name=str(data.get("name") or ""))


def _segment(data: Json, places: PlaceDirectory, ids: OurIds) -> Segment:
    origin = airport_from(data["origin"], places)
    destination = airport_from(data["destination"], places)
    first: Json = (data.get("passengers") or [{}])[0]
    aircraft = data.get("aircraft") or {}
    cabin = str(first.get("cabin_class") or "economy")
    return Segment(
        id=ids.of("seg", str(data["id"])),
        origin=origin,
        destination=destination,
        departing_at=_local(str(data["departing_at"]), origin),
        arriving_at=_local(str(data["arriving_at"]), destination),
        marketing_carrier=carrier_from(data.get("marketing_carrier")),
        operating_carrier=carrier_from(
            data.get("operating_carrier") or data.get("marketing_carrier")
        ),
        marketing_carrier_flight_number=str(data.get("marketing_carrier_flight_number") or ""),
        aircraft=Aircraft(str(aircraft.get("iata_code") or ""), str(aircraft.get("name") or "")),
        cabin_class=CabinClass(cabin)
        if cabin in CabinClass.__members__.values()
        else CabinClass.ECONOMY,
        booking_class=str(first.get("booking_class") or ""),
        fare_basis_code=str(first.get("fare_basis_code") or ""),
        baggages=tuple(
            Baggage(str(bag.get("type")), int(bag.get("quantity") or 0))
            for bag in first.get("baggages") or []
        ),
    )


def slices_from(data: list[Json], places: PlaceDirectory, ids: OurIds) -> tuple[Slice, ...]:
    return tuple(
        Slice(
            id=ids.of("sli", str(item["id"])),
            segments=tuple(_segment(segment, places, ids) for segment in item["segments"]),
            fare_brand_name=str(item.get("fare_brand_name") or ""),
        )
        for item in data
    )


def conditions_from(data: Json | None, conversion: Conversion) -> Conditions:
    data = data or {}

    def rule(name: str) -> ConditionRule:
        condition = data.get(name)
        if not condition:
            return ConditionRule(allowed=False)  # unknown: promise nothing
        amount = condition.get("penalty_amount")
        penalty = None if amount is None else conversion.sell(amount)
        return ConditionRule(bool(condition.get("allowed")), penalty)

    return Conditions(rule("refund_before_departure"), rule("change_before_departure"))


def passengers_from(data: list[Json], ours: tuple[OfferPassenger, ...]) -> dict[str, str]:
    """Our passenger id → Duffel's, by position (Duffel keeps the order we searched in)."""
    if len(data) != len(ours):
        raise ValueError("Duffel's offer is for other passengers than the search")
    return {mine.id: str(theirs["id"]) for mine, theirs in zip(ours, data, strict=True)}


def _services(
    data: list[Json],
    slices: tuple[Slice, ...],
    passengers: dict[str, str],
    conversion: Conversion,
    ids: OurIds,
) -> tuple[tuple[OfferService, ...], dict[str, str]]:
    """Bags Duffel sells with the offer; and our service id → Duffel's amount."""
    ours_by_duffel_passenger = {duffel: mine for mine, duffel in passengers.items()}
    slice_of_segment = {
        ids.known[segment.id]: item.id for item in slices for segment in item.segments
    }
    services: list[OfferService] = []
    amounts: dict[str, str] = {}
    for item in data:
        if item.get("type") != "baggage" or not item.get("passenger_ids"):
            continue
        passenger = ours_by_duffel_passenger.get(str(item["passenger_ids"][0]))
        slice_id = next(
            (slice_of_segment[s] for s in item.get("segment_ids") or [] if s in slice_of_segment),
            None,
        )
        if passenger is None or slice_id is None:
            continue
        metadata = item.get("metadata") or {}
        weight = metadata.get("maximum_weight_kg")
        kind = str(metadata.get("type") or "checked").replace("_", " ")
        service_id = ids.of("ase", str(item["id"]))
        amounts[service_id] = str(item["total_amount"])
        services.append(
            OfferService(
                id=service_id,
                type="baggage",
                passenger_id=passenger,
                slice_id=slice_id,
                unit_price=conversion.sell(item["total_amount"], item.get("total_currency")),
                maximum_quantity=int(item.get("maximum_quantity") or 1),
                description=f"One {kind} bag" + (f" up to {weight} kg" if weight else ""),
                maximum_weight_kg=int(weight) if weight else None,
            )
        )
    return tuple(services), amounts


def _passenger_prices(
    data: Json, passengers: tuple[OfferPassenger, ...], conversion: Conversion
) -> tuple[PassengerPrice, ...]:
    """A breakdown when every passenger is of one type and the fare splits evenly."""
    kinds = {p.type for p in passengers}
    count = len(passengers)
    if len(kinds) != 1 or count == 0:
        return ()
    base, tax = Decimal(str(data["base_amount"])), Decimal(str(data.get("tax_amount") or "0"))
    if (base / count).quantize(Decimal("0.01")) * count != base:
        return ()
    if (tax / count).quantize(Decimal("0.01")) * count != tax:
        return ()
    kind: PassengerType = next(iter(kinds))
    return (
        PassengerPrice(kind, count, conversion.sell(base / count), conversion.sell(tax / count)),
    )


def offer_from(
    data: Json,
    *,
    offer_id: str,
    offer_request_id: str,
    passengers: tuple[OfferPassenger, ...],
    conversion: Conversion,
    places: PlaceDirectory,
    now: datetime,
) -> Offer:
    """A Duffel offer as ours, with our ``offer_id`` and ids salted by ``offer_request_id``."""
    ids = OurIds(offer_request_id)
    passenger_ids = passengers_from(data.get("passengers") or [], passengers)
    slices = slices_from(data["slices"], places, ids)
    services, service_amounts = _services(
        data.get("available_services") or [], slices, passenger_ids, conversion, ids
    )
    prices = _passenger_prices(data, passengers, conversion)
    if prices:
        base, tax = fare_totals(prices)
    else:
        base, tax = conversion.sell(data["base_amount"]), conversion.sell(data.get("tax_amount"))
    requirements = data.get("payment_requirements") or {}
    instant = bool(requirements.get("requires_instant_payment", True))
    pay_by = None if instant else pay_by_of(requirements)
    expires_at = parse_instant(data.get("expires_at")) or now + timedelta(minutes=20)
    owner = data.get("owner") or {}
    return Offer(
        id=offer_id,
        offer_request_id=offer_request_id,
        owner=carrier_from(owner),
        slices=slices,
        passengers=passengers,
        base=base,
        tax=tax,
        conditions=conditions_from(data.get("conditions"), conversion),
        fare_brand_name=next((s.fare_brand_name for s in slices if s.fare_brand_name), ""),
        created_at=now,
        expires_at=expires_at,
        requires_instant_payment=instant,
        hold_lifetime=None if pay_by is None else max(pay_by - now, timedelta(0)),
        passenger_identity_documents_required=bool(
            data.get("passenger_identity_documents_required")
        ),
        provider_reference={
            "offer_id": str(data["id"]),
            "amount": str(data["total_amount"]),
            "currency": str(data["total_currency"]),
            "rate": str(conversion.rate),
            "passengers": passenger_ids,
            "ids": {k: v for k, v in ids.known.items() if not k.startswith("ase_")},
            "services": {
                service_id: {"id": ids.known[service_id], "amount": amount}
                for service_id, amount in service_amounts.items()
            },
        },
        available_services=services,
        payment_required_by=pay_by,
        provider="duffel",
        airline_fare=Money(Decimal(str(data["total_amount"])), str(data["total_currency"])),
        passenger_prices=prices,
    )


@dataclass(frozen=True, slots=True)
class SeatChoice:
    """A seat a passenger may take, with what Duffel charges for it."""

    service_id: str  # ours
    duffel_service_id: str
    duffel_amount: str
    passenger_id: str  # ours
    segment_id: str  # ours
    designator: str
    total: Money  # in the selling currency


def seat_maps_from(
    data: list[Json], offer: Offer, conversion: Conversion
) -> tuple[list[SeatMap], dict[str, SeatChoice]]:
    """Duffel's seat maps (one per segment) with our ids, and every seat on sale by our id."""
    ids = OurIds(offer.offer_request_id)
    ours_by_duffel = {duffel: ours for ours, duffel in offer.provider_reference["ids"].items()}
    passengers = {duffel: ours for ours, duffel in offer.provider_reference["passengers"].items()}
    maps: list[SeatMap] = []
    choices: dict[str, SeatChoice] = {}
    for item in data:
        segment_id = ours_by_duffel.get(str(item.get("segment_id")))
        slice_id = ours_by_duffel.get(str(item.get("slice_id")))
        if segment_id is None or slice_id is None:
            continue
        cabins = []
        for cabin in item.get("cabins") or []:
            rows = []
            for row in cabin.get("rows") or []:
                sections = []
                for section in row.get("sections") or []:
                    elements = []
                    for element in section.get("elements") or []:
                        mapped = _element(element, segment_id, passengers, conversion, ids)
                        elements.append(mapped[0])
                        choices.update({c.service_id: c for c in mapped[1]})
                    sections.append(tuple(elements))
                rows.append(SeatRow(tuple(sections)))
            wings = cabin.get("wings") or {}
            cabins.append(
                SeatCabin(
                    cabin_class=str(cabin.get("cabin_class") or "economy"),
                    deck=int(cabin.get("deck") or 0),
                    aisles=int(cabin.get("aisles") or 1),
                    rows=tuple(rows),
                    wings_first_row=wings.get("first_row_index"),
                    wings_last_row=wings.get("last_row_index"),
                )
            )
        maps.append(SeatMap(ids.of("sea", str(item["id"])), segment_id, slice_id, tuple(cabins)))
    return maps, choices


def _element(
    data: Json,
    segment_id: str,
    passengers: dict[str, str],
    conversion: Conversion,
    ids: OurIds,
) -> tuple[SeatElement, list[SeatChoice]]:
    kind = str(data.get("type") or "empty")
    if kind not in SEAT_ELEMENT_TYPES:
        kind = "seat" if data.get("designator") else "empty"  # restricted_seat_general…
    designator = data.get("designator")
    choices: list[SeatChoice] = []
    services: list[SeatService] = []
    for offered in data.get("available_services") or [] if kind == "seat" else []:
        passenger = passengers.get(str(offered.get("passenger_id")))
        if passenger is None or designator is None:
            continue
        total = conversion.sell(offered["total_amount"], offered.get("total_currency"))
        service_id = ids.of("ase", str(offered["id"]))
        services.append(SeatService(service_id, passenger, total))
        choices.append(
            SeatChoice(
                service_id,
                str(offered["id"]),
                str(offered["total_amount"]),
                passenger,
                segment_id,
                str(designator),
                total,
            )
        )
    element = SeatElement(
        type=kind,
        designator=designator,
        name=data.get("name"),
        disclosures=tuple(data.get("disclosures") or ()),
        available_services=tuple(services),
    )
    return element, choices
