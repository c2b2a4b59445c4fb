"""Pieces every dialect's request models use to say in JSON Schema what they accept
(ADR 0032), so that a rule is written once:

- :data:`NOT_A_BOOL`: an integer or number field refuses ``true`` and ``false``
  (pydantic would read them as 1 and 0; JSON Schema does not). Put it after the
  field's ``Field`` of constraints, which then stay in the schema.
- :func:`given`: a JSON schema saying fields are present and not null (and others
  left out or null), for a model's ``anyOf`` / ``oneOf``.
- :func:`metadata_schema`: Duffel's metadata caps (``domain.hygiene``) in JSON Schema.
- :func:`calendar_date`: a regular expression (Python and ECMA 262) of the real
  calendar dates, years 1000-9999, 29 February in leap years only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BeforeValidator

from farebridge.domain.hygiene import (
    METADATA_MAX_KEY_LENGTH,
    METADATA_MAX_KEYS,
    METADATA_MAX_VALUE_LENGTH,
)


def _not_a_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")
    return value


NOT_A_BOOL = BeforeValidator(_not_a_bool)


def given(*fields: str, absent: tuple[str, ...] = ()) -> dict[str, Any]:
    """JSON schema: ``fields`` are present and not null; ``absent`` ones are left out
    or null."""
    properties: dict[str, Any] = {field: {"not": {"type": "null"}} for field in fields}
    properties |= {field: {"type": "null"} for field in absent}
    return {"required": list(fields), "properties": properties}


def metadata_schema(*, removable: bool = False) -> dict[str, Any]:
    """A metadata object's caps (domain.hygiene.check_metadata); ``removable``: a value
    may be null (an update removing the key)."""
    value: dict[str, Any] = {"type": "string", "maxLength": METADATA_MAX_VALUE_LENGTH}
    return {
        "maxProperties": METADATA_MAX_KEYS,
        "propertyNames": {"type": "string", "maxLength": METADATA_MAX_KEY_LENGTH},
        "additionalProperties": {"anyOf": [value, {"type": "null"}]} if removable else value,
    }


_YEAR = r"[1-9][0-9]{3}"
_LEAP_YEAR = r"([1-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26])00)"
# (months, their days) of every year; 29 February is the leap years' own.
_MONTH_DAYS = (
    (r"(0[13578]|1[02])", r"(0[1-9]|[12][0-9]|3[01])"),
    (r"(0[469]|11)", r"(0[1-9]|[12][0-9]|30)"),
    (r"02", r"(0[1-9]|1[0-9]|2[0-8])"),
)


def calendar_date(order: Literal["ymd", "dmy"] = "ymd") -> str:
    """``yyyy-mm-dd`` (``ymd``) or ``dd-mm-yyyy`` (``dmy``), unanchored."""
    if order == "ymd":
        days = "|".join(f"{month}-{day}" for month, day in _MONTH_DAYS)
        return rf"({_YEAR}-({days})|{_LEAP_YEAR}-02-29)"
    days = "|".join(f"{day}-{month}" for month, day in _MONTH_DAYS)
    return rf"(({days})-{_YEAR}|29-02-{_LEAP_YEAR})"
