# ruff: noqa: N815  (the wire names are Allmyles' camelCase)
"""Allmyles' request bodies and response shapes (seeds 001 and 003).

Requests accept both generations of the documentation where they differ
(``bookingId`` / ``bookBasket``, ``passengers`` / ``persons``, ``payuId`` /
``paymentId``, phone numbers as numbers or strings, a contact's ``name`` or its
first and last names). Unknown fields are refused, except in ``userData``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Code = str
PhonePart = int | str


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- search -------------------------------------------------------------------------
class Person(Body):
    passengerType: Literal["ADT", "CHD", "INF"]
    quantity: int = Field(ge=1, le=9)


class Filters(Body):
    cabin: Literal["economy", "premium economy", "business", "first"] | None = None


class Options(Body):
    sort: Literal["total_fare", "-total_fare", "comfort_score", "-comfort_score"] | None = None
    filter: Filters | None = None


class SearchBody(Body):
    fromLocation: str = Field(min_length=3, max_length=3)
    toLocation: str = Field(min_length=3, max_length=3)
    departureDate: str = Field(
        max_length=40, description="ISO date and time, e.g. 2014-05-15T00:00:00"
    )
    returnDate: str | None = Field(default=None, max_length=40)
    persons: list[Person] = Field(min_length=1, max_length=3)
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
    extraDays: int | None = Field(default=None, ge=0, le=3)
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
    baggage: int | str | None = None
    carryOnBaggage: int | str | None = None


class BookBody(Body):
    bookingId: str | None = Field(default=None, max_length=40)
    bookBasket: str | list[str] | None = None
    billingInfo: Contact | None = None
    contactInfo: Contact
    passengers: list[Passenger] | None = Field(default=None, max_length=9)
    persons: list[Passenger] | None = Field(default=None, max_length=9)
    userData: dict[str, Any] | None = None
    tenantReferenceId: str | None = Field(default=None, max_length=80)


class PaymentBody(Body):
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
