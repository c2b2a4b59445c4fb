"""The shared JSON Schema pieces of the dialects' request models (ADR 0032)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError

from farebridge.api.schema_rules import NOT_A_BOOL, calendar_date


@pytest.mark.parametrize("order", ["ymd", "dmy"])
def test_calendar_date_matches_exactly_the_real_dates(order: str) -> None:
    pattern = re.compile(calendar_date(order))  # type: ignore[arg-type]
    shape = "{y:04d}-{m:02d}-{d:02d}" if order == "ymd" else "{d:02d}-{m:02d}-{y:04d}"
    years = [*range(1000, 10000, 37), 1600, 1700, 1900, 2000, 2023, 2024, 2100, 2400, 9999]
    for year in years:
        for month in range(1, 13):
            for day in range(1, 32):
                try:
                    real = date(year, month, day) is not None
                except ValueError:
                    real = False
                text = shape.format(y=year, m=month, d=day)
                assert (pattern.fullmatch(text) is not None) == real, text
    assert pattern.fullmatch(shape.format(y=999, m=1, d=1)) is None
    first, last = date(1000, 1, 1), date(9999, 12, 31)
    assert all(
        pattern.fullmatch(shape.format(y=d.year, m=d.month, d=d.day))
        for d in (first + timedelta(days=n) for n in range(0, (last - first).days, 997))
    )


def test_a_number_refuses_true_and_false_and_keeps_its_constraints() -> None:
    class Lax(BaseModel):
        age: Annotated[int, Field(ge=0, le=130)]

    class Body(BaseModel):
        age: Annotated[int, Field(ge=0, le=130), NOT_A_BOOL]

    assert Lax.model_validate({"age": True}).age == 1  # what pydantic does alone
    with pytest.raises(ValidationError):
        Body.model_validate({"age": True})
    assert Body.model_validate({"age": 6.0}).age == 6
    assert Body.model_json_schema()["properties"]["age"] == {
        "maximum": 130,
        "minimum": 0,
        "title": "Age",
        "type": "integer",
    }
