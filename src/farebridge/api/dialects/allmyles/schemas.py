# ruff: noqa: N815  (the wire names are Allmyles' camelCase)
"""Allmyles' request bodies and response shapes (seeds 001 and 003).

Requests accept both generations of the documentation where they differ
(``bookingId`` / ``bookBasket``, ``passengers`` / ``persons``, ``payuId`` /
``paymentId``, phone numbers as numbers or strings, a contact's ``name`` or its
first and last names). Unknown fields are refused, except in ``userData``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from farebridge.api.schema_rules import NOT_A_BOOL, calendar_date

Code = str


def _either(
    first: str, second: str, first_is: dict[str, Any], second_is: dict[str, Any]
) -> dict[str, Any]:
    """JSON schema: ``first`` as ``first_is``; or, ``first`` left out or null, ``second``
    as ``second_is`` (the routes read ``first`` when it is given, else ``second``)."""
    return {
        "anyOf": [
            {"required": [first], "properties": {first: first_is}},
            {
                "required": [second],
                "properties": {first: {"type": "null"}, second: second_is},
            },
        ]
    }


_TEXT = {"type": "string", "minLength": 1}
# The routes' rules: one bookingId to book (bookBasket, or bookingId), some passengers
# (persons, or passengers), a payment's id (payuId, or paymentId).
_BASKET = _either(
    "bookBasket",
    "bookingId",
    {"anyOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1, "maxItems": 1}]},
    _TEXT,
)
_PEOPLE = _either(
    "persons", "passengers", {"type": "array", "minItems": 1}, {"type": "array", "minItems": 1}
)
_PAYMENT = _either("payuId", "paymentId", _TEXT, _TEXT)
# An ISO date with a time, as datetime.fromisoformat reads it: a calendar date (years
# 1000-9999), then a time of day, then maybe Z or a UTC offset.
DATE_TIME = (
    rf"^{calendar_date()}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)


PhonePart = Annotated[int, NOT_A_BOOL] | str


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- search -------------------------------------------------------------------------
class Person(Body):
    passengerType: Literal["ADT", "CHD", "INF"]
    quantity: Annotated[int, Field(ge=1, le=9), NOT_A_BOOL]


class Filters(Body):
    cabin: Literal["economy", "premium economy", "business", "first"] | None = None


class Options(Body):
    sort: Literal["total_fare", "-total_fare", "comfort_score", "-comfort_score"] | None = None
    filter: Filters | None = None


class SearchBody(Body):
    fromLocation: str = Field(min_length=3, max_length=3)
    toLocation: str = Field(min_length=3, max_length=3)
    departureDate: str = Field(
        max_length=40,
        description="ISO date and time, e.g. 2014-05-15T00:00:00",
        json_schema_extra={"pattern": DATE_TIME},
    )
    returnDate: str | None = Field(
        default=None,
        max_length=40,
        description="Empty or left out for a one-way search",
        json_schema_extra={"pattern": rf"^$|{DATE_TIME}"},
    )
    persons: list[Person] = Field(
        min_length=1,
        max_length=3,
        description="At least one adult (ADT) travels",
        json_schema_extra={"contains": {"properties": {"passengerType": {"const": "ADT"}}}},
    )
    fromAirport: str | None = Field(default=None, min_length=3, max_length=3)
    toAirport: str | None = Field(default=None, min_length=3, max_length=3)
    providerType: (
        Literal[
            "OnlyLowCost",
            "OnlyTraditional",
            "AmadeusProvider",
            "TravelFusionProvider",
            "All",
        ]
        | None
    ) = None
    preferredAirlines: list[str] = Field(default_factory=list, max_length=20)
    extraDays: Annotated[int, Field(ge=0, le=3), NOT_A_BOOL] | None = None
    options: Options | None = None
    userData: dict[str, Any] | None = None
    resultTypes: str | None = Field(default=None, max_length=20)


# --- book ---------------------------------------------------------------------------
class Address(Body):
    addressLine1: str = Field(min_length=1, max_length=100)
    addressLine2: str | None = Field(default=None, max_length=100)
    addressLine3: str | None = Field(default=None, max_length=100)
    cityName: str = Field(min_length=1, max_length=60)
    zipCode: str | None = Field(default=None, max_length=20)
    countryCode: str = Field(min_length=2, max_length=2)


class Phone(Body):
    countryCode: PhonePart
    areaCode: PhonePart
    phoneNumber: PhonePart


class Contact(Body):
    address: Address | None = None
    email: str | None = Field(default=None, max_length=120)
    name: str | None = Field(default=None, max_length=100)
    firstName: str | None = Field(default=None, max_length=60)
    middleName: str | None = Field(default=None, max_length=60)
    lastName: str | None = Field(default=None, max_length=60)
    phone: Phone | None = None


class Document(Body):
    id: str = Field(min_length=1, max_length=30)
    dateOfExpiry: str = Field(max_length=10)
    issueCountry: str = Field(min_length=2, max_length=2)
    type: str = Field(max_length=20, description="Passport (the only type checked), or another")


class Passenger(Body):
    birthDate: str = Field(max_length=10)
    document: Document | None = None
    email: str | None = Field(default=None, max_length=120)
    namePrefix: str = Field(max_length=4)
    firstName: str = Field(min_length=1, max_length=60)
    middleName: str | None = Field(default=None, max_length=60)
    lastName: str = Field(min_length=1, max_length=60)
    gender: Literal["MALE", "FEMALE"]
    passengerTypeCode: Literal["ADT", "CHD", "INF"]
    baggage: Annotated[int, NOT_A_BOOL] | str | None = None
    carryOnBaggage: Annotated[int, NOT_A_BOOL] | str | None = None


class BookBody(Body):
    model_config = ConfigDict(json_schema_extra={"allOf": [_BASKET, _PEOPLE]})

    bookingId: str | None = Field(default=None, max_length=40)
    bookBasket: str | list[str] | None = None
    billingInfo: Contact | None = None
    contactInfo: Contact
    passengers: list[Passenger] | None = Field(default=None, max_length=9)
    persons: list[Passenger] | None = Field(default=None, max_length=9)
    userData: dict[str, Any] | None = None
    tenantReferenceId: str | None = Field(default=None, max_length=80)


class PaymentBody(Body):
    model_config = ConfigDict(json_schema_extra=_PAYMENT)

    payuId: str | None = Field(default=None, min_length=1, max_length=80)
    paymentId: str | None = Field(default=None, min_length=1, max_length=80)
    basket: list[str] | None = None


# --- responses (typed loosely: the shapes are Allmyles', see the presenter) ---------
class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class FlightResult(Loose):
    breakdown: list[dict[str, Any]]
    currency: str
    total_fare: float
    combinations: list[dict[str, Any]]


class SearchResponse(Loose):
    flightResultSet: list[FlightResult]


class Price(Loose):
    amount: float
    currency: str | None


class FlightDetails(Loose):
    rulesLink: str | None
    baggageTiers: list[dict[str, Any]]
    carryOnBaggageTiers: list[dict[str, Any]]
    fields: dict[str, Any]
    price: Price
    result: FlightResult
    options: dict[str, bool]
    surcharge: Price
    price_in_preferred_currencies: list[Price]
    surcharge_in_preferred_currencies: list[Price]


class DetailsResponse(Loose):
    flightDetails: FlightDetails


class ContactOut(Loose):
    address: dict[str, Any] | None
    email: str | None
    name: str | None
    phone: dict[str, Any] | None


class BookResponse(Loose):
    bookingReferenceId: str
    contactInfo: ContactOut
    flightData: FlightResult
    lastTicketingDate: str | None
    pnr: str


class Ticket(Loose):
    passenger: str
    passenger_type: str
    ticket: str


class TicketResponse(Loose):
    """Traditional flights: ``tickets``; LCC flights: ``ticket`` and ``pnr``."""

    tickets: list[Ticket] | None = None
    ticket: str | None = None
    pnr: str | None = None
    contactInfo: ContactOut
    flightData: FlightResult


class PnrPassenger(Loose):
    birth_date: str | None
    email: str | None
    name: str
    traditional_ticket: str | None
    type: str


class Pnr(Loose):
    id: str
    passengers: list[PnrPassenger]
    lcc_ticket: str | None
    deleted: bool


class StatusResponse(Loose):
    status: Literal["inactive", "pending", "successful", "failed", "unknown"]
    pnr: Pnr | None


class BookingResponse(Loose):
    pnr: Pnr


class Rule(Loose):
    code: str
    title: str
    text: str


class RulesResultSet(Loose):
    rules: list[Rule] | None = None
    link: str | None = None


class RulesResponse(Loose):
    rulesResultSet: RulesResultSet
