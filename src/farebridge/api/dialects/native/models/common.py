"""Building blocks shared by the native response models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    """Every key is always sent (``null`` when empty); no key the model does not name."""

    model_config = ConfigDict(extra="forbid")


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
        description="An instant in UTC, ISO 8601 with Z",
        examples=["2026-05-01T09:30:00Z"],
        json_schema_extra={"format": "date-time"},
    ),
]
LocalTime = Annotated[
    str,
    Field(
        description="Airport-local wall time, ISO 8601 without an offset",
        examples=["2026-05-01T09:30:00"],
    ),
]
Duration = Annotated[str, Field(description="An ISO 8601 duration", examples=["PT7H5M"])]


class PageMeta(WireModel):
    after: str | None = Field(description="Pass as ?after= for the next page; null on the last")
    before: str | None = Field(description="Pass as ?before= for the previous page")
    limit: int


class Carrier(WireModel):
    iata_code: str
    name: str
