"""Farebridge objects in Allmyles' shapes: one function per resource.

Prices are floats in the offer's selling currency. The card surcharge is the
offer's fee for the card PayU payments are charged to (:data:`PAYU_CARD`); baggage
and carry-on tiers are the offer's tiers (ADR 0016), numbered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from farebridge.domain.card_surcharges import CardType
from farebridge.domain.comfort import comfort_score
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.itinerary import Segment, Slice
from farebridge.domain.money import Money
from farebridge.domain.offer import Offer, OfferService
from farebridge.domain.order import Order, Passenger
from farebridge.domain.passenger_requirements import (
    BILLING_LINE_1,
    DOCUMENT_TYPE,
    passenger_requirements,
)
from farebridge.domain.payment import PaymentType
from farebridge.domain.places import PlaceDirectory
from farebridge.domain.search import PassengerType

Convert = Callable[[Money], list[Money]]

LCC_PROVIDER = "TravelFusionProvider"
TRADITIONAL_PROVIDER = "AmadeusProvider"
TYPE_CODES = {
    PassengerType.ADULT: "ADT",
    PassengerType.CHILD: "CHD",
    PassengerType.INFANT_WITHOUT_SEAT: "INF",
}
PASSENGER_TYPES = {code: kind for kind, code in TYPE_CODES.items()}
CABIN_CODES = {"economy": "Y", "premium_economy": "W", "business": "C", "first": "F"}
CABIN_NAMES = {"premium_economy": "premium economy"}
FREE_TIER = "0"
PAYU_CARD = CardType.VISA  # the sandbox card PayU payments are charged to (tok_visa)
SMALL_CABIN_BAG = "1"


def amount(money: Money) -> float:
    return float(money.amount)


def price(money: Money | None) -> dict[str, Any]:
    """``{"amount", "currency"}``; the currency is null when there is nothing to pay."""
    if money is None or money.amount == 0:
        return {"currency": None, "amount": 0.0}
    return {"currency": money.currency, "amount": amount(money)}


def prices(converted: list[Money]) -> list[dict[str, Any]]:
    return [{"currency": m.currency, "amount": amount(m)} for m in converted]


def local_time(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def elapsed_time(duration: timedelta) -> str:
    """``HHMM``, e.g. ``0230`` for two and a half hours."""
    minutes = int(duration.total_seconds() // 60)
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def provider_type(offer: Offer) -> str:
    """A fare paid at once is a low-cost (TravelFusion) result; a holdable one is a GDS one."""
    return LCC_PROVIDER if offer.requires_instant_payment else TRADITIONAL_PROVIDER


# --- search results -----------------------------------------------------------------
def _stop(segment: Segment, arriving: bool, places: PlaceDirectory) -> dict[str, Any]:
    airport = segment.destination if arriving else segment.origin
    city = places.city_of(airport.iata_code)
    return {
        "airport": {"terminal": None, "code": airport.iata_code, "name": airport.name},
        "city": {
            "code": city.iata_code if city else airport.iata_code,
            "name": city.name if city else airport.city_name,
        },
        "dateTime": local_time(segment.arriving_at if arriving else segment.departing_at),
    }


def segment(item: Segment, places: PlaceDirectory, seats: int) -> dict[str, Any]:
    cabin = item.cabin_class.value
    return {
        "departure": _stop(item, False, places),
        "arrival": _stop(item, True, places),
        "operatingAirline": item.operating_carrier.iata_code,
        "marketingAirline": item.marketing_carrier.iata_code,
        "operatingAirlineName": item.operating_carrier.name,
        "marketingAirlineName": item.marketing_carrier.name,
        "flightNumber": item.marketing_carrier_flight_number,
        "aircraft": item.aircraft.name,
        "cabin": CABIN_NAMES.get(cabin, cabin),
        "class": item.booking_class,
        "availableSeats": seats,
        "availableBookingClasses": [
            {"cabinCode": CABIN_CODES[cabin], "code": item.booking_class, "quantity": seats}
        ],
    }


def leg(item: Slice, places: PlaceDirectory, seats: int) -> dict[str, Any]:
    return {
        "elapsedTime": elapsed_time(item.duration),
        "flightSegments": [segment(s, places, seats) for s in item.segments],
    }


def combination(offer: Offer, booking_id: str, places: PlaceDirectory) -> dict[str, Any]:
    # the seats we know are free: the ones this offer was priced for
    seats = max(1, sum(1 for p in offer.passengers if p.type.occupies_seat))
    shown: dict[str, Any] = {
        "providerType": provider_type(offer),
        "bookingId": booking_id,
        "firstLeg": leg(offer.slices[0], places, seats),
        "serviceFeeAmount": 0.0,
        "comfortScore": comfort_score(offer),
    }
    if len(offer.slices) > 1:
        shown["returnLeg"] = leg(offer.slices[1], places, seats)
    return shown


def ticket_designators(offer: Offer) -> list[dict[str, str]]:
    """The fare's mini-rules, from its conditions (refunds and changes)."""
    refund = offer.conditions.refund_before_departure.allowed
    change = offer.conditions.change_before_departure.allowed
    return [
        {
            "code": "70|PEN",
            "extension": "TICKETS ARE REFUNDABLE|" if refund else "TICKETS ARE NON-REFUNDABLE|",
        },
        {
            "code": "71|CHG",
            "extension": "CHANGES PERMITTED|" if change else "CHANGES NOT PERMITTED|",
        },
    ]


def breakdown(offer: Offer) -> list[dict[str, Any]]:
    designators = ticket_designators(offer)
    if not offer.passenger_prices:
        kinds = sorted({p.type for p in offer.passengers}, key=list(TYPE_CODES).index)
        return [
            {
                "passengerFare": {
                    "fare": amount(offer.total),
                    "tax": amount(offer.tax),
                    "type": TYPE_CODES[kinds[0]] if len(kinds) == 1 else "ADT",
                    "quantity": len(offer.passengers),
                    "ticketDesignators": designators,
                }
            }
        ]
    return [
        {
            "passengerFare": {
                "fare": amount(p.total * p.count),
                "tax": amount(p.tax * p.count),
                "type": TYPE_CODES[p.passenger_type],
                "quantity": p.count,
                "ticketDesignators": designators,
            }
        }
        for p in offer.passenger_prices
    ]


def flight_result(
    group: Sequence[tuple[str, Offer]], places: PlaceDirectory, convert: Convert
) -> dict[str, Any]:
    """Combinations of one total price (their first offer gives the breakdown)."""
    first = group[0][1]
    return {
        "breakdown": breakdown(first),
        "currency": first.total.currency,
        "total_fare": amount(first.total),
        "ticketing_fee": 0.0,
        "total_fare_in_preferred_currencies": [
            {"currency": m.currency, "total_fare": amount(m)} for m in convert(first.total)
        ],
        "combinations": [combination(offer, booking_id, places) for booking_id, offer in group],
    }


def _group_key(offer: Offer) -> tuple[Any, ...]:
    return (
        offer.total.currency,
        offer.total.minor,
        tuple(
            (p.passenger_type, p.count, p.base.minor, p.tax.minor) for p in offer.passenger_prices
        ),
        offer.requires_instant_payment,
    )


def group_offers(offers: Sequence[Offer], sort: str | None) -> list[list[Offer]]:
    """Offers of one total price (and one breakdown) together, in the asked order:
    ``total_fare`` (default) or ``comfort_score``, ``-`` for descending."""
    by_key: dict[tuple[Any, ...], list[Offer]] = {}
    for offer in sorted(offers, key=lambda o: (o.total.minor, o.id)):
        by_key.setdefault(_group_key(offer), []).append(offer)
    groups = list(by_key.values())
    descending = (sort or "").startswith("-")
    by_comfort = (sort or "total_fare").lstrip("-") == "comfort_score"

    def key_of(offer: Offer) -> int:
        return comfort_score(offer) if by_comfort else offer.total.minor

    for group in groups:
        group.sort(key=key_of, reverse=descending)
    groups.sort(key=lambda g: key_of(g[0]), reverse=descending)
    return groups


# --- details ------------------------------------------------------------------------
def surcharge(offer: Offer) -> Money:
    """The airline's fee for paying the booking with the PayU card (ADR 0016)."""
    return offer.card_surcharge(PAYU_CARD)


def _tiers(offer: Offer, passenger_id: str, kind: str) -> list[list[OfferService]]:
    """The passenger's tiers of one kind (``baggage`` | ``carry_on``) sold on every slice,
    cheapest first: each a list of its services, one per slice. Allmyles' tier ids are
    their positions (checked bags from ``1``, ``0`` being none; cabin bags from ``1``)."""
    found: dict[str, list[OfferService]] = {}
    for service in offer.available_services:
        if service.tier and service.type == kind and service.passenger_id == passenger_id:
            found.setdefault(service.tier, []).append(service)
    whole = [items for items in found.values() if len(items) == len(offer.slices)]
    return sorted(whole, key=lambda items: (_cost(items).amount, items[0].tier or ""))


def _cost(items: list[OfferService]) -> Money:
    return sum((s.unit_price for s in items[1:]), items[0].unit_price)


def _tier_passenger(offer: Offer) -> str | None:
    """The passenger whose tiers the details show (the first with any; all seated
    passengers of a fare are offered the same tiers)."""
    for passenger in offer.passengers:
        if _tiers(offer, passenger.id, "baggage") or _tiers(offer, passenger.id, "carry_on"):
            return passenger.id
    return None


def baggage_tiers(offer: Offer, convert: Convert) -> list[dict[str, Any]]:
    """Tier ``0``: no checked bag beyond what the fare includes, free. Then the offer's
    checked-bag tiers (ADR 0016), each for the whole trip, per passenger."""
    free = Money.zero(offer.total.currency)
    tiers: list[dict[str, Any]] = [
        {
            "tier": FREE_TIER,
            "price": price(None),
            "max_weights": [],
            "total": {"weight": None, "number_of_bags": None},
            "price_in_preferred_currencies": prices(convert(free)),
        }
    ]
    passenger_id = _tier_passenger(offer)
    if passenger_id is None:
        return tiers
    for number, items in enumerate(_tiers(offer, passenger_id, "baggage"), start=1):
        first, cost = items[0], _cost(items)
        tiers.append(
            {
                "tier": str(number),
                "price": price(cost),
                "max_weights": [float(weight) for weight in first.maximum_weights_kg],
                "total": {
                    "weight": float(first.total_weight_kg) if first.total_weight_kg else None,
                    "number_of_bags": first.bag_count if first.total_weight_kg else None,
                },
                "price_in_preferred_currencies": prices(convert(cost)),
            }
        )
    return tiers


def _chosen(offer: Offer, passenger_id: str, kind: str, tier: str) -> list[OfferService]:
    tiers = _tiers(offer, passenger_id, kind)
    if not tier.isdigit() or not 1 <= int(tier) <= len(tiers):
        raise ValueError(f"tier {tier!r} is not offered for this passenger")
    return tiers[int(tier) - 1]


def bag_services(offer: Offer, passenger_id: str, tier: str) -> list[tuple[str, int]]:
    """The extras a checked-baggage tier means for one passenger; ValueError for no such
    tier."""
    if tier in ("", FREE_TIER):
        return []
    return [(s.id, 1) for s in _chosen(offer, passenger_id, "baggage", tier)]


def carry_on_services(offer: Offer, passenger_id: str, tier: str) -> list[tuple[str, int]]:
    """The extras a carry-on tier means for one passenger (none for one the fare
    includes); ValueError for no such tier."""
    if tier == "" or (tier == SMALL_CABIN_BAG and not _tiers(offer, passenger_id, "carry_on")):
        return []
    chosen = _chosen(offer, passenger_id, "carry_on", tier)
    return [(s.id, 1) for s in chosen if s.unit_price.amount > 0]


def carry_on_tiers(offer: Offer, convert: Convert) -> list[dict[str, Any]]:
    """The offer's cabin-bag tiers (ADR 0016); an offer without any (Duffel's) shows the
    small cabin bag every fare includes."""
    free = Money.zero(offer.total.currency)
    passenger_id = _tier_passenger(offer)
    found = _tiers(offer, passenger_id, "carry_on") if passenger_id else []
    if not found:
        return [
            {
                "tier": SMALL_CABIN_BAG,
                "price": price(None),
                "description": "Small cabin bag",
                "price_in_preferred_currencies": prices(convert(free)),
            }
        ]
    return [
        {
            "tier": str(number),
            "price": price(_cost(items)),
            "description": items[0].description,
            "price_in_preferred_currencies": prices(convert(_cost(items))),
        }
        for number, items in enumerate(found, start=1)
    ]


def _field(
    name: str, label: str, *, required: bool, options: list[str] | None = None, **more: Any
) -> dict[str, Any]:
    attributes = [{"key": "name", "value": name}, {"key": "data-label", "value": label}]
    if required:
        attributes.insert(0, {"key": "required", "value": "required"})
    attributes += [{"key": key, "value": value} for key, value in more.items()]
    field: dict[str, Any] = {"tag": "select" if options else "input", "attributes": attributes}
    if options:
        field["options"] = options
    return field


def _needs(offer: Offer) -> tuple[bool, bool]:
    """Whether booking ``offer`` needs passports, and a billing address: the engine's
    passenger-form requirements (ADR 0016) for how this dialect pays — a fare paid at
    once by the customer's card (PayU), a hold by the agency's balance."""
    paid_by = PaymentType.CARD if offer.requires_instant_payment else PaymentType.BALANCE
    needed = {item.field: item.required for item in passenger_requirements(offer, paid_by)}
    return needed[DOCUMENT_TYPE], needed[BILLING_LINE_1]


def form_fields(offer: Offer) -> dict[str, Any]:
    """What the book request needs, as form fields: names and birth dates always;
    documents and a billing address as the engine requires them (:func:`_needs`)."""
    documents, billing_address = _needs(offer)
    passengers: list[dict[str, Any]] = []
    text: dict[str, Any] = {"type": "text", "maxLength": "30"}
    for index, _ in enumerate(offer.passengers):
        at = f"persons/{index}/"
        passengers += [
            _field(at + "namePrefix", "Name Prefix", required=True, options=["Mr", "Ms", "Mrs"]),
            _field(at + "firstName", "First Name", required=True, **text),
            _field(at + "middleName", "Middle Name", required=False, **text),
            _field(at + "lastName", "Last Name", required=True, **text),
            _field(at + "gender", "Gender", required=True, options=["MALE", "FEMALE"]),
            _field(
                at + "birthDate",
                "Birth Date",
                required=True,
                type="text",
                pattern=r"^\d{4}-\d{2}-\d{2}$",
            ),
            _field(at + "document/type", "Document Type", required=documents, options=["Passport"]),
            _field(at + "document/id", "Document Number", required=documents, **text),
            _field(
                at + "document/issueCountry",
                "Issuing Country",
                required=documents,
                type="text",
                maxLength="2",
                pattern="^[A-Z]{2}$",
            ),
            _field(
                at + "document/dateOfExpiry",
                "Document Expiry",
                required=documents,
                type="text",
                pattern=r"^\d{4}-\d{2}-\d{2}$",
            ),
        ]
    contact = _contact_fields("contactInfo", address=False)
    billing = _contact_fields("billingInfo", address=billing_address)
    fields: dict[str, Any] = legacy_fields(offer)
    # the documentation's two spellings of the lists: its parameters and its example
    fields.update(
        passengers=passengers,
        contactInfo=contact,
        billingInfo=billing,
        contact_info=contact,
        billing_info=billing,
    )
    return fields


def legacy_fields(offer: Offer) -> dict[str, dict[str, bool]]:
    """The first generation's form fields (seed 001): ``{fieldName: {required,
    per_person}}``. Their names never clash with the lists of the second."""
    documents, billing = _needs(offer)
    rows = {
        ("namePrefix", "firstName", "lastName", "gender", "birthDate"): (True, True),
        ("passengerTypeCode",): (True, True),
        ("documentType", "documentId", "documentIssuingCountry"): (documents, True),
        ("documentExpiryDate",): (documents, True),
        ("baggage",): (False, True),
        ("email", "phoneCountryCode", "phoneAreaCode", "phoneNumber"): (True, False),
        ("addressLine1", "cityName", "countryCode", "zipCode"): (False, False),
        ("addressLine2", "addressLine3", "billingAddressLine2", "billingAddressLine3"): (
            False,
            False,
        ),
        ("billingAddressLine1", "billingCityName", "billingCountryCode"): (billing, False),
        ("billingZipCode",): (billing, False),
    }
    return {
        name: {"required": required, "per_person": per_person}
        for names, (required, per_person) in rows.items()
        for name in names
    }


def _contact_fields(prefix: str, *, address: bool) -> list[dict[str, Any]]:
    at = f"{prefix}/"
    text: dict[str, Any] = {"type": "text", "maxLength": "30"}
    return [
        _field(at + "name", "Name", required=True, **text),
        _field(at + "email", "Email", required=True, type="email", maxLength="120"),
        _field(at + "address/addressLine1", "Address", required=address, **text),
        _field(at + "address/addressLine2", "Address (2)", required=False, **text),
        _field(at + "address/addressLine3", "Address (3)", required=False, **text),
        _field(at + "address/cityName", "City", required=address, **text),
        _field(at + "address/zipCode", "Zip Code", required=address, **text),
        _field(
            at + "address/countryCode",
            "Country",
            required=address,
            type="text",
            maxLength="2",
            pattern="^[A-Z]{2}$",
        ),
        _field(at + "phone/countryCode", "Phone Country Code", required=True, type="text"),
        _field(at + "phone/areaCode", "Phone Area Code", required=True, type="text"),
        _field(
            at + "phone/phoneNumber",
            "Phone Number",
            required=True,
            type="text",
            pattern=r"^\d{7,}$",
        ),
    ]


def details(
    offer: Offer, result: dict[str, Any], rules: FareRules | None, convert: Convert
) -> dict[str, Any]:
    fee = surcharge(offer)
    total = offer.total + fee
    return {
        "flightDetails": {
            "rulesLink": rules.link if rules else None,
            "baggageTiers": baggage_tiers(offer, convert),
            "carryOnBaggageTiers": carry_on_tiers(offer, convert),
            "fields": form_fields(offer),
            "price": {"currency": total.currency, "amount": amount(total)},
            "result": result,
            "options": {"seatSelectionAvailable": False, "travelfusionPrepayAvailable": False},
            "surcharge": {
                "currency": fee.currency,
                "amount": amount(fee),
                "card_type": PAYU_CARD.value,
            },
            "price_in_preferred_currencies": prices(convert(total)),
            "surcharge_in_preferred_currencies": prices(convert(fee)),
        }
    }


def rules(found: FareRules, offer: Offer) -> dict[str, Any]:
    if offer.requires_instant_payment or not found.sections:
        return {"rulesResultSet": {"link": found.link}}
    return {
        "rulesResultSet": {
            "rules": [{"code": s.code, "title": s.title, "text": s.text} for s in found.sections]
        }
    }


# --- book, tickets, PNR -------------------------------------------------------------
def contact(given: dict[str, Any]) -> dict[str, Any]:
    """The contact details as Allmyles echoes them (``line1``, ``city``, ``number``)."""
    address = given.get("address") or None
    phone = given.get("phone") or None
    return {
        "address": None
        if address is None
        else {
            "city": address.get("cityName"),
            "countryCode": address.get("countryCode"),
            "line1": address.get("addressLine1"),
            "line2": address.get("addressLine2"),
            "line3": address.get("addressLine3"),
        },
        "email": given.get("email"),
        "name": contact_name(given),
        "phone": None
        if phone is None
        else {
            "areaCode": phone.get("areaCode"),
            "countryCode": phone.get("countryCode"),
            "number": phone.get("phoneNumber"),
        },
    }


def contact_name(given: dict[str, Any]) -> str | None:
    if given.get("name"):
        return str(given["name"])
    parts = [given.get(k) for k in ("firstName", "middleName", "lastName")]
    return " ".join(str(p) for p in parts if p) or None


def workflow_reference(order_id: str | None, key: str) -> str:
    """``bookingReferenceId``: the workflow's id here, for debugging."""
    return f"req-{order_id or key[:32]}"


def book(
    order: Order, given_contact: dict[str, Any], flight_data: dict[str, Any], key: str
) -> dict[str, Any]:
    return {
        "bookingReferenceId": workflow_reference(order.id, key),
        "contactInfo": contact(given_contact),
        "flightData": flight_data,
        "lastTicketingDate": (
            order.payment_required_by.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if order.payment_required_by
            else None
        ),
        "pnr": order.booking_reference,
    }


def passenger_name(passenger: Passenger) -> str:
    return f"{passenger.title.capitalize()} {passenger.given_name} {passenger.family_name}"


def pnr_name(passenger: Passenger) -> str:
    return f"{passenger.family_name} {passenger.given_name}/{passenger.title}".upper()


def _tickets_by_passenger(order: Order) -> dict[str, str]:
    return {
        d.passenger_id: d.unique_identifier
        for d in order.documents
        if d.type == "electronic_ticket"
    }


def traditional_tickets(
    order: Order,
    offer: Offer,
    given_contact: dict[str, Any],
    flight_data: dict[str, Any],
    convert: Convert,
) -> dict[str, Any]:
    numbers = _tickets_by_passenger(order)
    unit = {p.passenger_type: p for p in offer.passenger_prices}
    checked = max(
        (b.quantity for b in offer.slices[0].segments[0].baggages if b.type == "checked"),
        default=0,
    )
    tickets = []
    for passenger in order.passengers:
        shown: dict[str, Any] = {
            "passenger": passenger_name(passenger),
            "passenger_type": TYPE_CODES[passenger.type],
            "ticket": numbers.get(passenger.id, ""),
            "baggage": {"quantity": checked, "unit": "PC"},
        }
        fare = unit.get(passenger.type)
        if fare is not None:
            shown["price"] = {
                "currency": fare.total.currency,
                "total_fare": amount(fare.total),
                "tax": amount(fare.tax),
            }
            shown["price_in_preferred_currencies"] = [
                {
                    "currency": total.currency,
                    "total_fare": amount(total),
                    "tax": amount(tax),
                }
                for total, tax in zip(convert(fare.total), convert(fare.tax), strict=False)
            ]
        tickets.append(shown)
    return {"tickets": tickets, "flightData": flight_data, "contactInfo": contact(given_contact)}


def lcc_ticket(
    order: Order,
    offer: Offer,
    given_contact: dict[str, Any],
    flight_data: dict[str, Any],
    key: str,
    tiers: tuple[str, str],
    convert: Convert,
) -> dict[str, Any]:
    """The LCC answer: the booking (made now) with its ticket, and the tiers chosen."""
    numbers = list(_tickets_by_passenger(order).values())
    baggage, carry_on = tiers
    chosen_bags = [t for t in baggage_tiers(offer, convert) if t["tier"] == baggage]
    chosen_carry_on = [t for t in carry_on_tiers(offer, convert) if t["tier"] == carry_on]
    return {
        "bookingReferenceId": workflow_reference(order.id, key),
        "contactInfo": contact(given_contact),
        "flightData": flight_data,
        "lastTicketingDate": None,
        "pnr": order.booking_reference,
        "ticket": numbers[0] if numbers else order.booking_reference,
        "baggageTiers": chosen_bags[0] if chosen_bags else None,
        "carryOnBaggageTiers": chosen_carry_on[0] if chosen_carry_on else None,
    }


def pnr(order: Order) -> dict[str, Any]:
    """The PNR object of Get Booking and of Ticketing Status."""
    numbers = _tickets_by_passenger(order)
    lcc = order.type.value == "instant"
    return {
        "id": order.booking_reference,
        "deleted": order.status.value in ("cancelled", "expired"),
        "passengers": [
            {
                "birth_date": p.born_on.isoformat(),
                "email": p.email,
                "name": pnr_name(p),
                "traditional_ticket": None if lcc else numbers.get(p.id),
                "type": TYPE_CODES[p.type],
            }
            for p in order.passengers
        ],
        "lcc_ticket": (next(iter(numbers.values()), None) if lcc else None),
    }
