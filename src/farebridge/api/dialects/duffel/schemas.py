"""Request bodies as Duffel's clients send them: always ``{"data": {...}}``.

Unknown keys are ignored, as Duffel does (clients send ``private_fares``,
``loyalty_programme_accounts``, ``fare_type``…); the keys farebridge acts on are
validated, and an error names the field by its JSON pointer under ``/data``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from farebridge.api.openapi import SELLING_CURRENCY
from farebridge.api.schema_rules import NOT_A_BOOL, given, metadata_schema
from farebridge.domain.hygiene import METADATA_MAX_KEYS, METADATA_MAX_VALUE_LENGTH
from farebridge.domain.webhooks import EVENT_TYPES

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Amount = Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,2})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]
# The document lists the currencies with an exchange rate (api/openapi.py).
SellingCurrency = Annotated[Currency, Field(json_schema_extra={SELLING_CURRENCY: True})]
Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
# What services.webhooks accepts: an absolute http(s) URL with a host and no credentials.
WEBHOOK_URL = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"
WebhookUrl = Annotated[
    str,
    StringConstraints(min_length=8, max_length=2000),
    Field(json_schema_extra={"pattern": WEBHOOK_URL}),
]


# services.webhooks refuses an unknown event type and an empty list (422, its own codes).
WebhookEvents = Annotated[
    list[Annotated[str, StringConstraints(max_length=60)]],
    Field(
        max_length=20,
        json_schema_extra={"minItems": 1, "items": {"enum": sorted(EVENT_TYPES)}},
    ),
]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TimeWindow(Lenient):
    from_: Clock = Field(alias="from")
    to: Clock


class SearchSlice(Lenient):
    origin: Code
    destination: Code
    departure_date: date
    departure_time: TimeWindow | None = None
    arrival_time: TimeWindow | None = None


class SearchPassenger(Lenient):
    # A passenger needs a type or an age (services refuse one with neither).
    model_config = ConfigDict(json_schema_extra={"anyOf": [given("type"), given("age")]})

    type: Literal["adult", "child", "infant_without_seat"] | None = None
    age: Annotated[int, Field(ge=0, le=130), NOT_A_BOOL] | None = None


class OfferRequestData(Lenient):
    slices: Annotated[list[SearchSlice], Field(min_length=1, max_length=4)]
    passengers: Annotated[list[SearchPassenger], Field(min_length=1, max_length=9)]
    cabin_class: Literal["economy", "premium_economy", "business", "first"] = "economy"
    max_connections: Annotated[int, Field(ge=0, le=2), NOT_A_BOOL] = 1
    currency: SellingCurrency | None = None  # farebridge's own: the selling currency


class OfferRequestBody(Lenient):
    data: OfferRequestData


class IdentityDocument(Lenient):
    type: Literal["passport", "tax_id", "known_traveler_number", "passenger_redress_number"]
    unique_identifier: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    issuing_country_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    expires_on: date


class OrderPassenger(Lenient):
    id: Id
    title: Literal["mr", "ms", "mrs", "miss", "dr"]
    gender: Literal["m", "f"]
    given_name: Name
    family_name: Name
    born_on: date
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    identity_documents: Annotated[list[IdentityDocument], Field(max_length=4)] = []
    infant_passenger_id: Id | None = None

    @field_validator("title", "gender", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class ServiceChoice(Lenient):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    quantity: Annotated[int, Field(ge=1, le=10), NOT_A_BOOL]


class PaymentFields(Lenient):
    # A card payment names its token (three_d_secure_session_id); the others need none.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"type": {"enum": ["balance", "arc_bsp_cash"]}}},
                {
                    "required": ["three_d_secure_session_id"],
                    "properties": {"three_d_secure_session_id": {"type": "string", "minLength": 1}},
                },
            ]
        }
    )

    type: Literal["balance", "arc_bsp_cash", "card"]
    amount: Amount
    currency: Currency
    three_d_secure_session_id: Annotated[str, StringConstraints(max_length=100)] | None = None


Metadata = Annotated[
    dict[str, Annotated[str, StringConstraints(max_length=METADATA_MAX_VALUE_LENGTH)]],
    Field(max_length=METADATA_MAX_KEYS, json_schema_extra=metadata_schema()),
]


class OrderData(Lenient):
    type: Literal["instant", "hold", "pay_later"] = "instant"
    selected_offers: Annotated[list[Id], Field(min_length=1, max_length=1)]
    passengers: Annotated[list[OrderPassenger], Field(min_length=1, max_length=9)]
    services: Annotated[list[ServiceChoice], Field(max_length=40)] = []
    payments: Annotated[list[PaymentFields], Field(max_length=1)] = []
    metadata: Metadata = {}


class OrderBody(Lenient):
    data: OrderData


class OrderUpdateOptions(Lenient):
    metadata: Metadata


class OrderUpdateData(Lenient):
    """``{"metadata": …}`` as Duffel documents it, or ``{"options": {"metadata": …}}`` as
    the JavaScript client (4.x) sends it."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [given("metadata"), given("options")]})

    metadata: Metadata | None = None
    options: OrderUpdateOptions | None = None

    @model_validator(mode="after")
    def _one_metadata(self) -> OrderUpdateData:
        if self.metadata is None and self.options is None:
            raise ValueError("metadata is required")
        return self

    @property
    def new_metadata(self) -> dict[str, str]:
        if self.metadata is not None:
            return dict(self.metadata)
        assert self.options is not None
        return dict(self.options.metadata)


class OrderUpdateBody(Lenient):
    data: OrderUpdateData


class PaymentData(Lenient):
    order_id: Id
    payment: PaymentFields


class PaymentBody(Lenient):
    data: PaymentData


class CancellationData(Lenient):
    order_id: Id


class CancellationBody(Lenient):
    data: CancellationData


class WebhookData(Lenient):
    url: WebhookUrl
    events: WebhookEvents


class WebhookBody(Lenient):
    data: WebhookData


class WebhookUpdateData(Lenient):
    active: bool | None = None
    url: WebhookUrl | None = None
    events: WebhookEvents | None = None


class WebhookUpdateBody(Lenient):
    data: WebhookUpdateData


class ChangeAdd(Lenient):
    origin: Code
    destination: Code
    departure_date: date
    cabin_class: Literal["economy", "premium_economy", "business", "first"] = "economy"


class ChangeRemove(Lenient):
    slice_id: Id


class ChangeSlices(Lenient):
    add: Annotated[list[ChangeAdd], Field(max_length=4)] = []
    remove: Annotated[list[ChangeRemove], Field(max_length=4)] = []


class ChangeRequestData(Lenient):
    order_id: Id
    slices: ChangeSlices


class ChangeRequestBody(Lenient):
    data: ChangeRequestData


class ChangeData(Lenient):
    selected_order_change_offer: Id


class ChangeBody(Lenient):
    data: ChangeData


class ConfirmChangeData(Lenient):
    payment: PaymentFields | None = None


class ConfirmChangeBody(Lenient):
    data: ConfirmChangeData = ConfirmChangeData()
