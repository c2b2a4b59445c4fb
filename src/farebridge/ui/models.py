"""The JSON shapes the UI reads from the API (``/api/openapi.json`` documents them).

TypedDicts, not classes: the client hands the decoded ``data`` over as is, and
the pages read the fields they show. Amounts stay decimal strings.
"""

from __future__ import annotations

from typing import TypedDict


class Airport(TypedDict):
    type: str
    iata_code: str
    name: str
    city_name: str
    iata_country_code: str
    time_zone: str


class Place(TypedDict, total=False):
    """An airport, or a city with several airports (``airports``)."""

    type: str
    iata_code: str
    name: str
    city_name: str
    iata_country_code: str
    airports: list[Airport]


class User(TypedDict):
    id: str
    email: str
    full_name: str
    role: str
    preferred_currency: str | None


class ExchangeRate(TypedDict):
    currency: str
    usd_per_unit: str
    updated_at: str


class Currencies(TypedDict):
    """The currencies a search may be priced in, and the server's default."""

    default_currency: str
    rates: list[ExchangeRate]


class Carrier(TypedDict):
    iata_code: str
    name: str


class Baggage(TypedDict):
    type: str
    quantity: int


class Aircraft(TypedDict):
    iata_code: str
    name: str


class Segment(TypedDict):
    id: str
    origin: Airport
    destination: Airport
    departing_at: str
    arriving_at: str
    duration: str
    marketing_carrier: Carrier
    operating_carrier: Carrier
    marketing_carrier_flight_number: str
    aircraft: Aircraft
    cabin_class: str
    booking_class: str
    fare_basis_code: str
    baggages: list[Baggage]


class Slice(TypedDict):
    id: str
    origin: Airport
    destination: Airport
    departing_at: str
    duration: str
    connections: int
    fare_brand_name: str
    segments: list[Segment]


class ConditionRule(TypedDict):
    allowed: bool
    penalty_amount: str | None
    penalty_currency: str | None


class Conditions(TypedDict):
    refund_before_departure: ConditionRule
    change_before_departure: ConditionRule


class PaymentRequirements(TypedDict):
    requires_instant_payment: bool
    payment_required_by: str | None
    hold_lifetime_hours: int | None


class OfferPassenger(TypedDict):
    id: str
    type: str
    age: int | None


class Service(TypedDict):
    """A bag the offer sells: per passenger and slice, priced per unit (a tier: ``tier``)."""

    id: str
    type: str
    tier: str | None
    passenger_ids: list[str]
    slice_ids: list[str]
    maximum_quantity: int
    description: str
    total_amount: str
    total_currency: str


class PassengerPrice(TypedDict):
    """What each of ``count`` passengers of one type pays, in the search's currency."""

    passenger_type: str
    count: int
    base_amount: str
    tax_amount: str
    total_amount: str
    currency: str


class FareBrand(TypedDict):
    """A fare brand on sale for the same flights: book it with ``offer_id``."""

    offer_id: str
    fare_brand_name: str
    total_amount: str
    total_currency: str
    conditions: Conditions
    baggages: list[Baggage]


class CardSurcharge(TypedDict):
    """The fee for paying by one card type, and the amount due with it."""

    card_type: str
    amount: str
    currency: str
    amount_due: str


class Notice(TypedDict):
    """Something to know before choosing the itinerary (the API words it)."""

    code: str
    message: str
    slice_index: int | None


class Offer(TypedDict):
    """Every amount is in the search's currency; ``airline_total_*`` is the airline's own
    fare, shown for reference."""

    id: str
    offer_request_id: str
    itinerary_id: str
    owner: Carrier
    total_amount: str
    total_currency: str
    base_amount: str
    base_currency: str
    tax_amount: str
    tax_currency: str
    passenger_prices: list[PassengerPrice]
    airline_total_amount: str | None
    airline_total_currency: str | None
    total_duration: str
    fare_brand_name: str
    fare_brands: list[FareBrand]  # every brand of these flights, cheapest first
    payment_requirements: PaymentRequirements
    passenger_identity_documents_required: bool
    passengers: list[OfferPassenger]
    conditions: Conditions
    slices: list[Slice]
    notices: list[Notice]
    available_services: list[Service]
    card_surcharges: list[CardSurcharge]
    expires_at: str


class SearchError(TypedDict):
    code: str
    message: str


class AirlineName(TypedDict):
    iata_code: str
    name: str


class OfferRequest(TypedDict):
    id: str
    currency: str  # every offer of the search is priced in it
    status: str
    offers_count: int
    truncated: bool
    error: SearchError | None
    passengers: list[OfferPassenger]
    airlines: list[AirlineName]  # owners of the offers found, for the airline filter
    flexible_days: int


class CalendarDay(TypedDict):
    """The cheapest offer on one combination of departure dates (one date per slice)."""

    departure_dates: list[str]
    cheapest_total_amount: str | None
    total_currency: str | None
    offer_id: str | None
    offers_count: int


class PageMeta(TypedDict):
    after: str | None
    before: str | None
    limit: int


class FareRule(TypedDict):
    code: str
    title: str
    text: str


class TicketDesignator(TypedDict):
    code: str
    extension: str


class Price(TypedDict):
    """``POST /offers/{id}/actions/price``: the amount due with the chosen extras."""

    offer_id: str
    base_amount: str
    tax_amount: str
    services_amount: str
    total_amount: str
    total_currency: str
    card_surcharges: list[CardSurcharge]


class FareRules(TypedDict):
    offer_id: str
    fare_basis_codes: list[str]
    rules: list[FareRule]
    link: str | None
    ticket_designators: list[TicketDesignator]


class SeatService(TypedDict):
    id: str
    passenger_id: str
    total_amount: str
    total_currency: str


class SeatElement(TypedDict, total=False):
    """``type`` is seat, exit_row, lavatory, galley, …; seats add the rest."""

    type: str
    designator: str
    name: str
    disclosures: list[str]
    available_services: list[SeatService]


class SeatSection(TypedDict):
    elements: list[SeatElement]


class SeatRow(TypedDict):
    sections: list[SeatSection]


class Wings(TypedDict):
    first_row_index: int
    last_row_index: int


class Cabin(TypedDict):
    cabin_class: str
    deck: int
    aisles: int
    wings: Wings | None
    rows: list[SeatRow]


class SeatMap(TypedDict):
    id: str
    segment_id: str
    slice_id: str
    cabins: list[Cabin]


class IdentityDocument(TypedDict):
    type: str
    unique_identifier: str
    issuing_country_code: str
    expires_on: str


class Passenger(TypedDict):
    id: str
    type: str
    title: str
    given_name: str
    family_name: str
    born_on: str
    gender: str
    email: str | None
    phone_number: str | None
    identity_documents: list[IdentityDocument]


class OrderService(TypedDict):
    id: str
    type: str
    segment_id: str | None
    passenger_id: str
    designator: str | None
    slice_id: str | None
    quantity: int
    total_amount: str
    total_currency: str


class PaymentStatus(TypedDict):
    awaiting_payment: bool
    payment_required_by: str | None
    paid_at: str | None


class Document(TypedDict):
    type: str
    unique_identifier: str
    passenger_id: str
    issued_at: str | None


class Order(TypedDict):
    id: str
    type: str
    status: str
    booking_reference: str
    offer_id: str
    owner: Carrier
    total_amount: str
    total_currency: str
    base_amount: str
    tax_amount: str
    services_amount: str
    services: list[OrderService]
    card_surcharges: list[CardSurcharge]
    surcharge_amount: str | None
    fare_brand_name: str
    payment_status: PaymentStatus
    ticketing_status: str
    documents: list[Document]
    passengers: list[Passenger]
    slices: list[Slice]
    conditions: Conditions
    metadata: dict[str, str]
    created_at: str
    cancelled_at: str | None
    airline_initiated_changes: list[ScheduleChange]
    available_actions: list[str]  # cancel, change, documents: what the API offers


class Payment(TypedDict):
    id: str
    order_id: str
    status: str
    amount: str
    currency: str


class Cancellation(TypedDict):
    id: str
    order_id: str
    refund_amount: str
    refund_currency: str
    penalty_amount: str
    penalty_currency: str
    refund_to: str
    expires_at: str
    confirmed_at: str | None


class CancelledOrder(TypedDict):
    order: Order
    cancellation: Cancellation


class OrderDocumentFile(TypedDict):
    """A PDF of an order (``GET …/documents``): the newest of its kind."""

    id: str
    kind: str  # e_ticket | cancellation_receipt
    version: int
    filename: str
    content_type: str
    size: int
    created_at: str
    url: str


class OrderEvent(TypedDict):
    type: str
    from_status: str | None
    to_status: str
    data: dict[str, object]
    occurred_at: str


class ChangedSegment(TypedDict):
    segment_id: str
    flight: str
    origin: str
    destination: str
    departing_at: str
    arriving_at: str
    cancelled: bool


class ScheduleChange(TypedDict):
    """A flight the airline retimed or cancelled, and what the traveller may answer."""

    id: str
    order_id: str
    kind: str  # retimed | cancelled
    status: str  # pending | accepted | rebooked | cancelled
    slice_ids: list[str]
    before: list[ChangedSegment]
    after: list[ChangedSegment]
    connection_broken: bool
    message: str
    available_actions: list[str]  # accept, change, cancel
    detected_at: str
    resolved_at: str | None


class ChangedSlices(TypedDict):
    remove: list[Slice]
    add: list[Slice]


class ChangeRequest(TypedDict):
    id: str
    order_id: str
    order_change_offers: list[str]
    schedule_change_id: str | None


class PricedChange(TypedDict):
    """What a change costs: ``change_total_amount`` is due (negative: refunded)."""

    id: str
    order_id: str
    slices: ChangedSlices
    penalty_total_amount: str
    penalty_total_currency: str
    change_total_amount: str
    change_total_currency: str
    new_total_amount: str
    new_total_currency: str
    refund_to: str | None
    expires_at: str


class ChangeOffer(PricedChange):
    """A priced change on offer."""

    order_change_request_id: str


class OrderChange(PricedChange):
    """A chosen change offer: pending until confirmed (and paid)."""

    order_change_offer_id: str
    status: str
    confirmed_at: str | None


class FoundBooking(TypedDict):
    order: Order
    manage_token: str
    manage_token_expires_at: str


class AgencyName(TypedDict):
    id: str
    name: str


class AgencyCustomer(TypedDict):
    id: str
    email: str
    full_name: str
    agency: AgencyName | None


class DraftSeat(TypedDict):
    segment_id: str
    passenger_id: str
    service_id: str
    designator: str


class DraftBag(TypedDict):
    service_id: str
    quantity: int


class BookingDraft(TypedDict):
    """A booking in progress kept by the API for the signed-in traveller (ADR 0035)."""

    id: str
    step: str
    search: str
    offer_request_id: str | None
    offer_id: str | None
    passengers: list[dict[str, str | None]]
    seats: list[DraftSeat]
    bags: list[DraftBag]
    order_id: str | None
    created_at: str
    updated_at: str
    expires_at: str


class SignInCode(TypedDict):
    code: str
    expires_at: str
    site_url: str  # the API sends browsers back only to this address
