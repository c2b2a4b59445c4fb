"""The flight_api dialect's request and response bodies (seed 002's field names)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from farebridge.api.schema_rules import NOT_A_BOOL, calendar_date, given
from farebridge.domain.baggage_allowance import CHECKED_FREE_KG, EXCESS_MAX_KG, HAND_MAX_KG
from farebridge.domain.profiles import MOBILE_MAX, NAME_MAX, USERNAME_MAX
from farebridge.domain.search import ADULT_AGE, MAX_PASSENGERS
from farebridge.services.accounts import MIN_PASSWORD_LENGTH

# routes.flights.parse_day's dates: dd-mm-yyyy, a calendar date (years 1000-9999).
DAY = rf"^ *{calendar_date('dmy')} *$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterBody(Body):
    first_name: str = Field(max_length=NAME_MAX)
    last_name: str = Field(max_length=NAME_MAX)
    mobile_no: str = Field(max_length=MOBILE_MAX, examples=["+91-8909675432"])
    email: str = Field(max_length=150)
    username: str = Field(
        max_length=USERNAME_MAX,
        description="Not blank",
        json_schema_extra={"minLength": 1},  # more than spaces: api/openapi.py
    )
    password: str = Field(
        max_length=150,
        description=f"At least {MIN_PASSWORD_LENGTH} characters",
        json_schema_extra={"minLength": MIN_PASSWORD_LENGTH},
    )
    confirmation: str = Field(max_length=150)


class RegisteredUser(BaseModel):
    id: int
    first_name: str
    last_name: str
    mobile_no: str
    email: str
    username: str


class LoginBody(Body):
    username: str = Field(max_length=150, description="The username, or the account's email")
    password: str = Field(max_length=128)


class LoggedIn(BaseModel):
    message: str
    csrfToken: str = Field(description="Send it as X-CSRFToken on POST and PUT")  # noqa: N815
    sessionId: str = Field(description="Also the sessionid cookie")  # noqa: N815


class Message(BaseModel):
    message: str


class FlightOut(BaseModel):
    """A flight of the timetable; ``id`` is its stable number (book it by this id)."""

    id: int
    flight_no: str
    airline: str
    origin_airport: str
    origin_city: str
    origin_code: str
    destination_airport: str
    destination_city: str
    destination_code: str
    depart_time: str = Field(examples=["16:00:00"], description="Local, at the origin")
    arrival_time: str = Field(examples=["18:20:00"], description="Local, at the destination")
    duration: str = Field(examples=["02:20:00"])


class FlightPage(BaseModel):
    count: int
    next: str | None
    previous: str | None
    result: list[FlightOut]


class FlightLists(BaseModel):
    departing_flights: list[FlightOut]
    returning_flights: list[FlightOut]


SeatClass = Literal["ECONOMY", "PREMIUM_ECONOMY", "BUISNESS", "BUSINESS", "FIRST_CLASS"]
BaggageMode = Literal["PRE-BOOKING", "PRE_BOOKING", "AT-AIRPORT", "AT_AIRPORT"]


class PassengerBody(Body):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    # The seed's enum; the airlines record MALE or FEMALE only (OTHERS: 400).
    gender: Literal["MALE", "FEMALE", "OTHERS"] = Field(
        json_schema_extra={"enum": ["MALE", "FEMALE"]}
    )
    age: Annotated[int, Field(ge=0, le=120), NOT_A_BOOL]
    type: str = Field(max_length=20, description="Adult, Child or Infant (from age anyway)")
    seat_type: Literal["WINDOW", "AISLE", "MIDDLE"]
    # Kilograms. The document states the seed's allowances (domain.baggage_allowance),
    # which the domain checks with the seed's messages; beyond what a hold takes per
    # person the model refuses at once. The excess summed over a booking's passengers
    # (at most 30 kg) is a rule between items JSON Schema cannot state.
    hand_baggage: Annotated[
        float,
        Field(ge=0, le=100, json_schema_extra={"maximum": float(HAND_MAX_KG)}),
        NOT_A_BOOL,
    ] = 0.0
    check_in_baggage: Annotated[
        float,
        Field(ge=0, le=200, json_schema_extra={"maximum": float(CHECKED_FREE_KG + EXCESS_MAX_KG)}),
        NOT_A_BOOL,
    ] = 0.0


class BookBody(Body):
    # A round trip names its return flight and day (400 naming the missing one).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"properties": {"trip_type": {"const": "ONE_WAY"}}},
                given("return_flight", "return_flight_dep_date"),
            ]
        },
    )

    seat_class: SeatClass
    trip_type: Literal["ONE_WAY", "ROUND_TRIP"]
    flight_dep_date: str = Field(examples=["12-11-2023"], json_schema_extra={"pattern": DAY})
    return_flight: int | None = None
    return_flight_dep_date: str | None = Field(default=None, json_schema_extra={"pattern": DAY})
    extra_baggage_booking_mode: BaggageMode
    coupon_code: str | None = Field(default=None, max_length=40)
    passengers: list[PassengerBody] = Field(
        description=f"1 to {MAX_PASSENGERS} passengers; at least one adult (age {ADULT_AGE}+)",
        json_schema_extra={
            "minItems": 1,
            "maxItems": MAX_PASSENGERS,  # the dialect's 20, then the domain's limit
            "contains": {"properties": {"age": {"minimum": ADULT_AGE}}},
        },
    )


class PassengerOut(BaseModel):
    first_name: str
    last_name: str
    gender: str
    age: int
    age_category: str
    hand_baggage: float
    check_in_baggage: float
    seat: str | None = Field(description="Not assigned yet (null)")
    seat_type: str


class FareBreakdownOut(BaseModel):
    """farebridge's: what total_fare is made of, in total_fare_currency."""

    base_fare: float
    taxes_and_fees: float
    seats: float = Field(description="Seats the passengers chose (assigned seats are free)")
    excess_baggage: float = Field(description="Excess booked ahead (PRE-BOOKING)")
    other_extras: float
    coupon_discount: float
    total_fare: float


class BookingOut(BaseModel):
    """One booking (one way, or one ticket of a round trip on two airlines)."""

    booking_ref: str
    flight: int
    payment_status: str = Field(examples=["NOT_ATTEMPTED", "SUCCEDED"])
    trip_type: str = Field(examples=["ONE WAY", "ROUND_TRIP"])
    booking_status: str = Field(examples=["PENDING", "CONFIRMED", "CANCELED"])
    booked_at: str
    flight_dep_date: str
    flight_arriv_date: str
    seat_class: str
    coupon_used: bool
    extra_baggage_booking_mode: str
    extra_check_in_baggage: float = Field(
        description="kg of checked baggage over 15 kg a passenger, summed over the booking"
    )
    extra_baggage_price: float = Field(
        description="Its price on this booking's flights, in total_fare_currency: included "
        "in total_fare when PRE-BOOKING; paid at check-in (not in total_fare) when AT-AIRPORT"
    )
    coupon_code: str = ""
    coupon_discount: float = 0.0
    total_fare: float
    total_fare_currency: str = Field(description="farebridge's: the currency of total_fare")
    fare_breakdown: FareBreakdownOut
    separate_ticket: str | None = Field(
        description='"YES" for either ticket of a round trip on two airlines, else null'
    )
    other_booking_ref: str | None = Field(description="The other ticket of such a round trip")
    flight_depart_time: str
    flight_arrival_time: str
    passengers: list[PassengerOut]


class RoundTripOut(BookingOut):
    """A round trip on one airline: one booking, one ticket, with the return's fields."""

    return_flight: int
    return_flight_dep_date: str
    return_flight_arrival_date: str
    return_booking_status: str
    return_total_fare: float = Field(
        description="0: both ways are on one ticket, whose price is total_fare"
    )
    return_passengers: list[PassengerOut]


class SeparateTicketsOut(BaseModel):
    """A round trip on two airlines: two linked bookings."""

    booking: BookingOut
    return_booking: BookingOut


class PaymentBody(Body):
    payment_method: str | None = Field(
        default=None,
        max_length=40,
        description="farebridge's: a sandbox card token (default tok_visa; "
        "tok_insufficient_funds declines). Never a card number.",
    )


class StripeSdk(BaseModel):
    source: str
    stripe_js: str = Field(description="Open it (GET) to complete the payment")
    type: str = "three_d_secure_redirect"


class NextActionUrl(BaseModel):
    type: str = "use_stripe_sdk"
    use_stripe_sdk: StripeSdk


class PaymentOut(BaseModel):
    payemnt_intent_id: str = Field(description="The seed's spelling")
    payment_intent_id: str
    ticket_pdf_url: str
    ticket_pdf_urls: list[str] = Field(description="farebridge's: one per ticket")
    next_action: str
    url: NextActionUrl


class PaymentConfirmedOut(BaseModel):
    message: str
    payment_intent_id: str
    status: str = Field(examples=["succeeded"])
    booking_status: str = Field(examples=["CONFIRMED"])
    ticket_pdf_urls: list[str]


class UpdateBookingBody(Body):
    booking_status: Literal["CANCELED"]
    cancellation_type: Literal["DEPARTING", "RETURNING", "BOTH"] | None = None


class CancelledOut(BaseModel):
    message: str
    receipt_pdf_url: str = Field(description="farebridge's: the refund receipt PDF")
    receipt_pdf_urls: list[str] = Field(description="farebridge's: one per cancelled ticket")
