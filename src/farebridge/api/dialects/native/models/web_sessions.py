"""The web site's sign-in codes and booking drafts (ADR 0035): bodies and responses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from farebridge.api.dialects.native.models.common import Instant, WireModel
from farebridge.api.dialects.native.schemas import RequestModel
from farebridge.api.schema_rules import NOT_A_BOOL

Text = Annotated[str, Field(max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_=-]+$")]
Step = Literal["search", "results", "offer", "passengers", "extras", "pay", "confirmation"]


class SignInCode(WireModel):
    code: str = Field(description="Send the browser to GET /api/auth/web-session?code=…")
    expires_at: Instant
    site_url: str = Field(
        description="The web site's address (FAREBRIDGE_SITE_URL): next must be on it"
    )


class SignInCodeResponse(WireModel):
    data: SignInCode


class DraftPassenger(RequestModel):
    """One passenger form as typed so far: every field optional, nothing checked yet."""

    title: Text | None = None
    gender: Text | None = None
    born_on: Text | None = None
    given_name: Text | None = None
    family_name: Text | None = None
    email: Text | None = None
    phone_number: Text | None = None
    passport_number: Text | None = Field(default=None, description="Sealed at rest")
    passport_country: Text | None = None
    passport_expires_on: Text | None = None


class DraftSeat(RequestModel):
    segment_id: Id
    passenger_id: Id
    service_id: Id
    designator: Annotated[str, Field(min_length=1, max_length=5)]


class DraftBag(RequestModel):
    service_id: Id
    quantity: Annotated[int, Field(ge=0, le=9), NOT_A_BOOL]


class BookingDraftBody(RequestModel):
    """Where the traveller is and what they entered; never a card (a card number in any
    field is refused). At most 16 KB of JSON."""

    step: Step
    search: Annotated[
        str, Field(max_length=2000, description="The search as the site's URL query")
    ] = ""
    offer_request_id: Id | None = None
    offer_id: Id | None = None
    passengers: Annotated[list[DraftPassenger], Field(max_length=9)] = []
    seats: Annotated[list[DraftSeat], Field(max_length=60)] = []
    bags: Annotated[list[DraftBag], Field(max_length=60)] = []
    order_id: Id | None = None


class DraftPassengerOut(WireModel):
    title: str | None
    gender: str | None
    born_on: str | None
    given_name: str | None
    family_name: str | None
    email: str | None
    phone_number: str | None
    passport_number: str | None
    passport_country: str | None
    passport_expires_on: str | None


class DraftSeatOut(WireModel):
    segment_id: str
    passenger_id: str
    service_id: str
    designator: str


class DraftBagOut(WireModel):
    service_id: str
    quantity: int


class BookingDraft(WireModel):
    id: str
    step: Step
    search: str
    offer_request_id: str | None
    offer_id: str | None
    passengers: list[DraftPassengerOut]
    seats: list[DraftSeatOut]
    bags: list[DraftBagOut]
    order_id: str | None
    created_at: Instant
    updated_at: Instant
    expires_at: Instant


class BookingDraftResponse(WireModel):
    data: BookingDraft
