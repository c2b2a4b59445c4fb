"""The flight_api dialect's request and response bodies (seed 002's field names)."""

from __future__ import annotations

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
