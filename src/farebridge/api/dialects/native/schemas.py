"""Request bodies. Unknown fields are rejected; server-owned fields are not accepted.

A body may be sent bare or wrapped as ``{"data": {...}}`` (Duffel style).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from farebridge.api.openapi import SELLING_CURRENCY
from farebridge.api.schema_rules import NOT_A_BOOL, given, metadata_schema
from farebridge.domain.itinerary import CabinClass
from farebridge.domain.names import (
    PASSPORT_NAME_PATTERN,
    PASSPORT_NAME_RULE,
    is_passport_name,
    passport_name,
)
from farebridge.domain.search import ADULT_AGE, PassengerType
from farebridge.domain.seat_assignment import SeatPreference

IataCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]
AirlineCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{2}$", to_upper=True)]
Amount = Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,3})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


def _passport_name(value: str) -> str:
    if not is_passport_name(value):
        raise ValueError(f"{PASSPORT_NAME_RULE} (e.g. Jean-Luc, O'Brien, Zoë)")
    return passport_name(value)


# The schema states the rule as a pattern; the validator decides, with a readable message.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_passport_name),
    Field(json_schema_extra={"pattern": PASSPORT_NAME_PATTERN}),
]


def _local(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local time has no UTC offset: e.g. 06:00")
    return value


LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
# A time of day at an airport: no UTC offset (JSON Schema's "time" format needs one).
LocalTime = Annotated[
    time,
    AfterValidator(_local),
    WithJsonSchema({"type": "string", "pattern": LOCAL_TIME, "examples": ["06:00"]}),
]
# Fields JSON Schema's "email" format does not rule out but email-validator refuses:
# an address at a special-use domain (RFC 6761) cannot receive mail.
SPECIAL_USE_DOMAINS = r"^(?!.*[@.](arpa|invalid|local|localhost|onion|test)$).*$"
Email = Annotated[EmailStr, Field(json_schema_extra={"pattern": SPECIAL_USE_DOMAINS})]
Metadata = Annotated[
    dict[str, str],
    Field(
        description="Your own key-value pairs: at most 50 keys of up to 40 characters, "
        "values of up to 500",
        json_schema_extra=metadata_schema(),
    ),
]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _unwrap_data(cls, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"data"} and isinstance(value["data"], dict):
            return value["data"]
        return value


# --- accounts ---------------------------------------------------------------
SellingCurrency = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{3}$",
        description="An ISO 4217 code with an exchange rate (GET /api/currencies)",
        examples=["EUR"],
        json_schema_extra={SELLING_CURRENCY: True},
    ),
]


class RegisterBody(RequestModel):
    email: Email
    password: Annotated[str, Field(min_length=8, max_length=200)]
    full_name: Annotated[str, Field(max_length=200)] = ""
    preferred_currency: SellingCurrency | None = Field(
        default=None, description="Searches are priced in it unless they name a currency"
    )


class AccountUpdateBody(RequestModel):
    preferred_currency: SellingCurrency | None = Field(
        description="Searches are priced in it unless they name a currency; null: the "
        "server's default"
    )


class ApiKeyBody(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=100, description="e.g. booking-server")]


class LoginBody(RequestModel):
    email: Annotated[
        str, Field(min_length=1, max_length=320, description="The account's email address")
    ]
    password: Annotated[str, Field(min_length=1, max_length=200)]


# --- search -------------------------------------------------------------------
class TimeWindowBody(RequestModel):
    from_: Annotated[LocalTime, Field(alias="from")] = time(0, 0)
    to: LocalTime = time(23, 59)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SliceBody(RequestModel):
    origin: IataCode = Field(description="Airport or city IATA code, e.g. JFK or LON")
    destination: IataCode
    departure_date: date
    departure_time: TimeWindowBody | None = None
    arrival_time: TimeWindowBody | None = None


class OfferPassengerBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"anyOf": [given("type"), given("age")]})

    type: PassengerType | None = None
    age: Annotated[int, Field(ge=0, le=130), NOT_A_BOOL] | None = None

    @model_validator(mode="after")
    def _type_or_age(self) -> OfferPassengerBody:
        if self.type is None and self.age is None:
            raise ValueError("give a passenger type or an age")
        return self


# A passenger of type adult, or of no type and an adult's age.
_ADULT = {
    "anyOf": [
        {"required": ["type"], "properties": {"type": {"const": PassengerType.ADULT.value}}},
        {
            "required": ["age"],
            "properties": {"type": {"type": "null"}, "age": {"minimum": ADULT_AGE}},
        },
    ]
}


class OfferRequestBody(RequestModel):
    slices: Annotated[list[SliceBody], Field(min_length=1, max_length=6)]
    passengers: Annotated[
        list[OfferPassengerBody],
        Field(
            min_length=1,
            max_length=9,
            description="At least one adult; no more infants without a seat than adults",
            json_schema_extra={"contains": _ADULT},
        ),
    ]
    cabin_class: CabinClass = CabinClass.ECONOMY
    max_connections: Annotated[int, Field(ge=0, le=2), NOT_A_BOOL] = 1
    preferred_airlines: Annotated[list[AirlineCode], Field(max_length=10)] = []
    currency: SellingCurrency | None = Field(
        default=None,
        description="Price every offer in this currency; default: the account's "
        "preferred_currency, else the server's default (FAREBRIDGE_DEFAULT_CURRENCY)",
    )
    flexible_days: Annotated[
        int,
        Field(
            ge=0,
            le=3,
            description="Also search each slice's date ± this many days (one-way and return "
            "searches; 0: exact dates). Past dates and dates beyond the horizon are skipped.",
        ),
        NOT_A_BOOL,
    ] = 0


# --- orders and payments -------------------------------------------------------
class IdentityDocumentBody(RequestModel):
    type: Literal["passport"] = "passport"
    unique_identifier: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{5,20}$")]
    issuing_country_code: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True)
    ] = Field(description="ISO 3166-1 alpha-2, e.g. GB")
    expires_on: date


SeatPreferenceField = Annotated[
    SeatPreference | None,
    Field(
        description="Seat this passenger automatically on a free seat of this kind where "
        "one is left, else on any free seat near their group; paid seats are never bought "
        "automatically (then the airline seats them at check-in). When any passenger of "
        "an order states one, all are seated together. A seat chosen in services is kept.",
    ),
]


class PassengerBody(RequestModel):
    id: str | None = Field(default=None, description="The offer passenger id (optional)")
    type: PassengerType = PassengerType.ADULT
    title: Literal["mr", "ms", "mrs", "miss", "dr"]
    given_name: Name
    family_name: Name
    born_on: date
    gender: Literal["m", "f"]
    email: Email | None = None
    phone_number: Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{6,14}$")] | None = None
    identity_documents: Annotated[
        list[IdentityDocumentBody],
        Field(max_length=2, description="A passport; required when the offer says so"),
    ] = []
    seat_preference: SeatPreferenceField = None


class PaymentMethodFields(RequestModel):
    # A card payment names its token; the balance (the default) needs none.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"properties": {"type": {"const": "balance"}}}, given("card_token")]
        }
    )

    type: Literal["balance", "card"] = "balance"
    card_token: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")] | None
    ) = Field(
        default=None,
        description="A payment token such as tok_visa (it starts with a letter); never a "
        "card number",
    )

    @model_validator(mode="after")
    def _token_for_cards(self) -> PaymentMethodFields:
        if self.type == "card" and not self.card_token:
            raise ValueError("card payments need a card_token")
        return self


class OrderPaymentBody(PaymentMethodFields):
    amount: Amount
    currency: Currency


class ServiceBody(RequestModel):
    id: str = Field(
        description="A bag from the offer's available_services, or a seat's "
        "available_services[].id from the seat maps"
    )
    quantity: Annotated[int, Field(ge=1, le=9), NOT_A_BOOL] = 1


CouponCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="A coupon code (case-insensitive); an unknown, expired or used-up "
        "code is 400 naming coupon_code, never ignored",
        examples=["SPRING10"],
    ),
]


class PricePassengerBody(RequestModel):
    id: str = Field(description="An offer passenger id")
    seat_preference: SeatPreferenceField = None


class PriceBody(RequestModel):
    services: Annotated[list[ServiceBody], Field(max_length=60)] = []
    coupon_code: CouponCode | None = None
    passengers: Annotated[
        list[PricePassengerBody],
        Field(
            max_length=9,
            description="Seat preferences: the seats an order would be assigned now are "
            "added to services (free; a seat can still be taken before you book)",
        ),
    ] = []


class OrderBody(RequestModel):
    type: Literal["hold", "instant"] = "instant"
    selected_offers: Annotated[list[str], Field(min_length=1, max_length=1)]
    passengers: Annotated[list[PassengerBody], Field(min_length=1, max_length=9)]
    services: Annotated[list[ServiceBody], Field(max_length=60)] = []
    payments: Annotated[list[OrderPaymentBody], Field(max_length=1)] | None = None
    metadata: Metadata = {}
    confirm_duplicate: StrictBool = Field(
        default=False,
        description="Book even if a live order of yours has the same passengers on the same "
        "flights; without it such an order is 409 duplicate_booking naming that order.",
    )
    customer_id: str | None = Field(
        default=None,
        max_length=40,
        description="Agents and admins: book for this customer (of the agent's agency), "
        "who then owns the order; the audit log names you",
    )
    coupon_code: CouponCode | None = None


class OrderUpdateBody(RequestModel):
    metadata: Annotated[
        dict[str, str | None],
        Field(
            description="Keys to set; null removes a key. At most 50 keys of up to 40 "
            "characters, values of up to 500",
            json_schema_extra=metadata_schema(removable=True),
        ),
    ]


class PaymentBody(PaymentMethodFields):
    order_id: str
    amount: Amount
    currency: Currency


class CancelBody(RequestModel):
    reason: Literal["requested_by_customer", "schedule_change", "duplicate", "other"] = (
        "requested_by_customer"
    )


class ConfirmCancelBody(RequestModel):
    cancellation_id: str


# --- order changes (ADR 0012) ---------------------------------------------------
class ChangeRemoveSliceBody(RequestModel):
    slice_id: str = Field(description="A slice of the order to take away")


class ChangeAddSliceBody(RequestModel):
    origin: IataCode = Field(description="Airport or city IATA code, e.g. JFK or LON")
    destination: IataCode
    departure_date: date
    cabin_class: CabinClass = CabinClass.ECONOMY


class ChangeSlicesBody(RequestModel):
    remove: Annotated[list[ChangeRemoveSliceBody], Field(min_length=1, max_length=6)]
    add: Annotated[list[ChangeAddSliceBody], Field(min_length=1, max_length=6)]


class OrderChangeRequestBody(RequestModel):
    order_id: str
    slices: ChangeSlicesBody
    schedule_change_id: str | None = Field(
        default=None,
        description="A pending airline change of the order (sch_…): the change is "
        "involuntary and free; only the slices the airline changed may be removed",
    )


class OrderChangeBody(RequestModel):
    selected_order_change_offer: str = Field(description="An order change offer id (oco_…)")


class ChangePaymentBody(PaymentMethodFields):
    amount: Amount
    currency: Currency


class ConfirmChangeBody(RequestModel):
    payment: ChangePaymentBody | None = Field(
        default=None,
        description="Exactly the change's change_total_amount; leave out when nothing is due",
    )


# --- roles and find a booking (ADR 0021) --------------------------------------
class LookupBody(RequestModel):
    booking_reference: Annotated[str, StringConstraints(min_length=1, max_length=12)]
    family_name: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(
        description="Any passenger's family name; case, accents, spaces and hyphens ignored"
    )


class AdminUserUpdateBody(RequestModel):
    role: Literal["customer", "agent", "admin"] | None = None
    agency: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="The agency's name (made on first use); null takes the user out of "
        "their agency; absent keeps it",
    )


# --- coupons (ADR 0024) ---------------------------------------------------------
class AdminCouponBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "oneOf": [
                        given("amount", "currency", absent=("percent",)),
                        given("percent", absent=("amount", "currency")),
                    ]
                },
                {
                    "anyOf": [
                        given("minimum_spend_amount", "minimum_spend_currency"),
                        given(absent=("minimum_spend_amount", "minimum_spend_currency")),
                    ]
                },
            ]
        }
    )

    code: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$", to_upper=True)
    ] = Field(
        description="3 to 40 letters, digits, - or _; case-insensitive", examples=["SPRING10"]
    )
    amount: Amount | None = Field(default=None, description="A fixed discount (with currency)")
    currency: Currency | None = None
    percent: Annotated[int, Field(ge=1, le=100), NOT_A_BOOL] | None = Field(
        default=None, description="A whole percentage of the fare (instead of amount)"
    )
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    max_uses: Annotated[int, Field(ge=1), NOT_A_BOOL] | None = Field(
        default=None, description="Redemptions in total; absent: unlimited"
    )
    minimum_spend_amount: Amount | None = None
    minimum_spend_currency: Currency | None = None

    @model_validator(mode="after")
    def _amount_or_percent(self) -> AdminCouponBody:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give either amount (with currency) or percent")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("amount and currency go together")
        if (self.minimum_spend_amount is None) != (self.minimum_spend_currency is None):
            raise ValueError("minimum_spend_amount and minimum_spend_currency go together")
        return self
