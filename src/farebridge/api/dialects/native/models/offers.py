"""Itineraries, offers, offer requests (searches), prices and fare rules."""

from __future__ import annotations

from datetime import date

from pydantic import Field, SerializeAsAny

from farebridge.api.dialects.native.models.common import (
    Amount,
    Carrier,
    Currency,
    Duration,
    Instant,
    LocalTime,
    PageMeta,
    WireModel,
)
from farebridge.api.dialects.native.models.places import Airport, Place, PlaceCode
from farebridge.domain.card_surcharges import CardType
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.offer import OfferRequestStatus
from farebridge.domain.search import PassengerType


class Aircraft(WireModel):
    iata_code: str
    name: str


class Baggage(WireModel):
    type: str
    quantity: int


class Segment(WireModel):
    id: str
    origin: Airport
    destination: Airport
    departing_at: LocalTime
    arriving_at: LocalTime
    duration: Duration
    marketing_carrier: Carrier
    operating_carrier: Carrier
    marketing_carrier_flight_number: str
    flight_id: str = Field(
        description="The dated flight: marketing carrier, number and local departure date "
        "(BA117-2027-01-15); the flightId of /v1/flight/booking"
    )
    cancelled: bool = Field(
        default=False,
        description="The airline cancelled this flight: the order's airline_initiated_changes "
        "say what to do (accept is refused; change or cancel with a full refund)",
    )
    aircraft: Aircraft
    cabin_class: CabinClass
    booking_class: str
    fare_basis_code: str
    baggages: list[Baggage]


class Slice(WireModel):
    id: str
    origin: Airport
    destination: Airport
    departing_at: LocalTime
    duration: Duration
    connections: int
    fare_brand_name: str
    segments: list[Segment]


class ConditionRule(WireModel):
    allowed: bool
    penalty_amount: Amount | None
    penalty_currency: Currency | None


class Conditions(WireModel):
    refund_before_departure: ConditionRule
    change_before_departure: ConditionRule


class PaymentRequirements(WireModel):
    requires_instant_payment: bool
    payment_required_by: Instant | None
    price_guarantee_expires_at: Instant | None
    hold_lifetime_hours: int | None


class OfferPassenger(WireModel):
    id: str
    type: PassengerType
    age: int | None


class ConvertedAmount(WireModel):
    """An amount in one of the server's preferred currencies, for reference: never charged."""

    amount: Amount
    currency: Currency


class CardSurcharge(WireModel):
    """The fee for paying the whole offer with one card type (zero: no fee)."""

    card_type: CardType = Field(
        description="VI Visa, CA MasterCard, AX American Express, VD Visa debit"
    )
    amount: Amount
    currency: Currency
    amount_due: Amount = Field(
        description="What paying with this card type takes: the total shown beside it "
        "(with extras, on a price action) plus amount"
    )
    amount_in_preferred_currencies: list[ConvertedAmount]


class FieldRequirement(WireModel):
    """One passenger-form field: ``required`` for booking; ``per_person`` once per
    passenger (else once per booking: the first passenger, the contact or the billing)."""

    field: str
    required: bool
    per_person: bool


class AvailableService(WireModel):
    """An extra bag, a baggage tier or a carry-on tier: order it with
    ``services: [{"id", "quantity"}]`` (a tier: quantity 1, one of each type per
    passenger and slice)."""

    id: str
    type: str = Field(description="baggage | carry_on")
    passenger_ids: list[str]
    slice_ids: list[str]
    maximum_quantity: int
    description: str
    total_amount: Amount
    total_currency: Currency
    total_in_preferred_currencies: list[ConvertedAmount]
    tier: str | None = Field(description="A tier's code; null for the extra bag")
    maximum_weight_kg: int | None = Field(description="The extra bag: its weight limit")
    maximum_weights_kg: list[int] = Field(
        description="A baggage tier: the weight limit of each of its bags (one per bag)"
    )
    total_weight_kg: int | None = Field(
        description="A baggage tier limited in total weight: all its bags together"
    )
    bag_count: int | None = Field(description="With total_weight_kg: how many bags")


class PassengerPrice(WireModel):
    """What each passenger of one type pays; ``count`` of them travel."""

    passenger_type: PassengerType
    count: int
    base_amount: Amount = Field(description="Per passenger, in the search's currency")
    tax_amount: Amount = Field(description="Per passenger, in the search's currency")
    total_amount: Amount = Field(description="base_amount + tax_amount")
    currency: Currency


class FareBrand(WireModel):
    """A fare brand on sale for the same itinerary: book it with ``offer_id``."""

    offer_id: str
    fare_brand_name: str
    total_amount: Amount
    total_currency: Currency
    conditions: Conditions
    baggages: list[Baggage] = Field(description="Included in the fare")


class Offer(WireModel):
    """Every amount is in the search's selling currency (``total_amount = base_amount +
    tax_amount``); ``airline_total_*`` is the airline's own fare, for reference only."""

    id: str
    live_mode: bool
    offer_request_id: str
    itinerary_id: str = Field(
        description="The same for the offers (fare brands) of a search that fly the same "
        "flights at the same times"
    )
    owner: Carrier
    total_amount: Amount = Field(
        description="What the passengers pay, in the search's currency: base + tax"
    )
    total_currency: Currency = Field(description="The search's selling currency")
    base_amount: Amount = Field(description="The fare for everyone, in the search's currency")
    base_currency: Currency
    tax_amount: Amount = Field(description="Taxes for everyone, in the search's currency")
    tax_currency: Currency
    passenger_prices: list[PassengerPrice] = Field(
        description="Per passenger type: count times each amount, summed, is the offer's amount"
    )
    airline_total_amount: Amount | None = Field(
        description="The airline's own fare (base + tax as filed) in its currency, converted "
        "into total_amount at the server's exchange rates; null when the provider does not "
        "say. Never charged: payments are in total_currency"
    )
    airline_total_currency: Currency | None
    total_duration: Duration
    fare_brand_name: str
    fare_brands: list[FareBrand] = Field(
        description="Every brand on sale for this itinerary, cheapest first, this one included"
    )
    payment_requirements: PaymentRequirements
    passenger_identity_documents_required: bool
    passengers: list[OfferPassenger]
    conditions: Conditions
    slices: list[Slice]
    notices: list[Notice] = Field(
        description="What a traveller should know before choosing these flights"
    )
    available_services: list[AvailableService]
    card_surcharges: list[CardSurcharge] = Field(
        description="Added to the amount due when paying by that card type; a card type "
        "not listed pays none, and neither does a balance payment"
    )
    total_in_preferred_currencies: list[ConvertedAmount] = Field(
        description="total_amount in the server's preferred currencies "
        "(FAREBRIDGE_PREFERRED_CURRENCIES), for reference"
    )
    passenger_requirements: list[FieldRequirement] = Field(
        description="The passenger-form fields booking this offer needs (billing fields: "
        "for a card payment)"
    )
    created_at: Instant
    expires_at: Instant


class Notice(WireModel):
    """Something to know before choosing the itinerary."""

    code: str = Field(
        description="airport_change (a connection leaves from another airport), "
        "overnight_layover (a wait through 01:00-05:00 local time), return_airport_differs "
        "(a round trip's return leaves from or lands at another airport than the outbound), "
        "mixed_airlines (flights sold by several airlines), operated_by_other_airline (a "
        "code-share flight)"
    )
    message: str = Field(description="The same in words, for a traveller")
    slice_index: int | None = Field(description="The slice it is about; null: the whole trip")


class SearchError(WireModel):
    code: str
    message: str | None


class SearchedSlice(WireModel):
    origin: SerializeAsAny[Place | PlaceCode]  # see CreatedOfferRequestResponse
    destination: SerializeAsAny[Place | PlaceCode]
    departure_date: date
    departure_dates: list[date] = Field(
        description="The dates searched for this slice: departure_date ± flexible_days, "
        "without past dates and dates beyond the bookable horizon"
    )


class OfferRequest(WireModel):
    airlines: list[Carrier]
    id: str
    live_mode: bool
    currency: Currency = Field(
        description="The selling currency: every offer of the search is priced in it"
    )
    status: OfferRequestStatus
    offers_count: int
    truncated: bool
    error: SearchError | None
    cabin_class: CabinClass
    max_connections: int
    flexible_days: int
    passengers: list[OfferPassenger]
    slices: list[SearchedSlice]
    created_at: Instant
    completed_at: Instant | None


class OfferRequestWithOffers(OfferRequest):
    """Sent when the search was created with ``return_offers=true``: its first 50 offers."""

    offers: list[Offer]


class CalendarDay(WireModel):
    """The cheapest offer of a search on one combination of departure dates."""

    departure_dates: list[date] = Field(description="One per slice")
    cheapest_total_amount: Amount | None = Field(description="null: no offer on these dates")
    total_currency: Currency | None
    offer_id: str | None
    offers_count: int


class RuleSection(WireModel):
    code: str
    title: str
    text: str


class TicketDesignator(WireModel):
    code: str
    extension: str


class PenaltyStep(WireModel):
    """While more than ``more_than`` is left before departure (down to the next step):
    ``penalty_amount`` per passenger plus ``penalty_percentage`` of the fare."""

    more_than: Duration
    penalty_amount: Amount | None
    penalty_currency: Currency | None
    penalty_percentage: Amount | None


class CancellationTerms(WireModel):
    """Cancelling by time (ADR 0020): no online cancellation within ``cutoff`` of the
    first departure; the refund penalty by the time left, when the fare has steps."""

    cutoff: Duration
    refund_penalty_schedule: list[PenaltyStep]


class FareRules(WireModel):
    offer_id: str
    fare_basis_codes: list[str]
    rules: list[RuleSection]
    link: str | None
    ticket_designators: list[TicketDesignator]
    cancellation: CancellationTerms


class OfferResponse(WireModel):
    data: Offer


class OfferListResponse(WireModel):
    data: list[Offer]
    meta: PageMeta


class OfferRequestResponse(WireModel):
    data: OfferRequest


class CreatedOfferRequestResponse(WireModel):
    # SerializeAsAny: the value is serialised by its own class, as a plain field would
    # be. Pydantic serialises a union of models to JSON in two passes (to Python objects,
    # then those to JSON): for a search's 31 offers that was 2.5 times the work
    # (ADR 0041). The document and the bytes are the same.
    data: SerializeAsAny[OfferRequestWithOffers | OfferRequest]


class FareRulesResponse(WireModel):
    data: FareRules


class CalendarResponse(WireModel):
    data: list[CalendarDay]
