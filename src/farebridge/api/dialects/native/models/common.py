"""Building blocks shared by the native response models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    """Every key is always sent (``null`` when empty); no key the model does not name.

    Frozen, so that a presenter may share one instance (an airport, a carrier)
    between every place of a response that shows it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


Amount = Annotated[
    str,
    Field(
        pattern=r"^-?\d+(\.\d+)?$",
        description="A decimal amount as a string, in the currency's precision",
        examples=["249.90"],
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["GBP"])]
Instant = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
        description="An instant in UTC, ISO 8601 with Z",
        examples=["2026-05-01T09:30:00Z"],
        json_schema_extra={"format": "date-time"},
    ),
]
LocalTime = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$",
        description="Airport-local wall time, ISO 8601 without an offset",
        examples=["2026-05-01T09:30:00"],
    ),
]
Duration = Annotated[
    str, Field(pattern=r"^P", description="An ISO 8601 duration", examples=["PT7H5M"])
]


class PageMeta(WireModel):
    after: str | None = Field(description="Pass as ?after= for the next page; null on the last")
    before: str | None = Field(description="Pass as ?before= for the previous page")
    limit: int


class Carrier(WireModel):
    iata_code: str
    name: str
