"""JSON codecs for the domain objects stored whole in a JSON column."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from farebridge.domain.itinerary import Baggage
from farebridge.domain.offer import Conditions, Offer
from farebridge.domain.order import Passenger
from farebridge.domain.search import SearchCriteria
from farebridge.store.database import JsonText

criteria_codec: TypeAdapter[SearchCriteria] = TypeAdapter(SearchCriteria)
offer_codec: TypeAdapter[Offer] = TypeAdapter(Offer)
passengers_codec: TypeAdapter[tuple[Passenger, ...]] = TypeAdapter(tuple[Passenger, ...])
conditions_codec: TypeAdapter[Conditions] = TypeAdapter(Conditions)
baggages_codec: TypeAdapter[tuple[Baggage, ...]] = TypeAdapter(tuple[Baggage, ...])


def dump(adapter: TypeAdapter[Any], value: Any) -> Any:
    return adapter.dump_python(value, mode="json")


def dump_text(adapter: TypeAdapter[Any], value: Any) -> JsonText:
    """``value`` serialised for a JSON column in one pass: Pydantic writes the text, which
    the column stores as it is (the same JSON as :func:`dump` and the column's serializer
    give, at about two thirds of the cost for an offer)."""
    return JsonText(adapter.dump_json(value).decode())
