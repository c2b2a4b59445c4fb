"""The flight_api dialect's request and response bodies (seed 002's field names)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from farebridge.domain.profiles import MOBILE_MAX, NAME_MAX, USERNAME_MAX


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterBody(Body):
    first_name: str = Field(max_length=NAME_MAX)
    last_name: str = Field(max_length=NAME_MAX)
    mobile_no: str = Field(max_length=MOBILE_MAX, examples=["+91-8909675432"])
    email: str = Field(max_length=150)
    username: str = Field(max_length=USERNAME_MAX)
    password: str = Field(max_length=150)
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
    gender: Literal["MALE", "FEMALE", "OTHERS"]
    age: int = Field(ge=0, le=120)
    type: str = Field(max_length=20, description="Adult, Child or Infant (from age anyway)")
    seat_type: Literal["WINDOW", "AISLE", "MIDDLE"]
    hand_baggage: float = Field(default=0.0, ge=0)
    check_in_baggage: float = Field(default=0.0, ge=0)


class BookBody(Body):
    seat_class: SeatClass
    trip_type: Literal["ONE_WAY", "ROUND_TRIP"]
    flight_dep_date: str = Field(examples=["12-11-2023"])
    return_flight: int | None = None
    return_flight_dep_date: str | None = None
    extra_baggage_booking_mode: BaggageMode
    coupon_code: str | None = Field(default=None, max_length=20)
    passengers: list[PassengerBody]


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


class BookingOut(BaseModel):
    booking_ref: str
    flight: int
    payment_status: str
    trip_type: str
    booking_status: str
    booked_at: str
    flight_dep_date: str
    flight_arriv_date: str
    seat_class: str
    coupon_used: bool
    extra_baggage_booking_mode: str
    extra_check_in_baggage: float
    extra_baggage_price: float
    total_fare: float
    total_fare_currency: str = Field(description="farebridge's: the currency of total_fare")
    separate_ticket: str | None
    other_booking_ref: str | None
    flight_depart_time: str
    flight_arrival_time: str
    passengers: list[PassengerOut]


class UpdateBookingBody(Body):
    booking_status: Literal["CANCELED"]
    cancellation_type: Literal["DEPARTING", "RETURNING", "BOTH"] | None = None


class CancelledOut(BaseModel):
    message: str
    receipt_pdf_url: str = Field(description="farebridge's: the refund receipt (in /api)")
