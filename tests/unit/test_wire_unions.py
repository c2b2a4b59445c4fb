"""A union of models in a response is serialised by its value's own class (ADR 0041).

Pydantic serialises a union of models to JSON in two passes (to Python objects, then
those to JSON); ``SerializeAsAny`` makes it one, with the same document and the same
bytes. A search's response with 31 offers took 2.5 times as long through the union.
The walk below fails on a union left unmarked; the byte tests guard that the marking
changes nothing on the wire (a value is sent as its own class, as the union sent it).
"""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, SerializeAsAny

import farebridge.api
from farebridge.api.dialects.native.models import offers as wire
from farebridge.api.dialects.native.models.places import PlaceCode
from farebridge.api.dialects.native.models.seatmaps import Facility, Section
from farebridge.domain.offer import OfferRequestStatus

# The API process's module configures logging when imported: imported here, it would
# give the rest of the test process a new structlog configuration, which the loggers
# cached before it do not see (structlog's ``capture_logs`` then misses their lines).
ENTRY_POINTS = frozenset({"farebridge.api.main"})


def _models() -> Iterator[type[BaseModel]]:
    for info in pkgutil.walk_packages(farebridge.api.__path__, "farebridge.api."):
        if info.name in ENTRY_POINTS:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == info.name
            ):
                yield value


def _is_model(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, BaseModel)


def _bare_unions_of_models(hint: object, wrapped: bool = False) -> Iterator[object]:
    """The unions of two or more models in ``hint`` not marked ``SerializeAsAny``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        marked = any(isinstance(m, SerializeAsAny) for m in hint.__metadata__)  # type: ignore[attr-defined]
        yield from _bare_unions_of_models(args[0], wrapped or marked)
        return
    union = origin in (typing.Union, types.UnionType)
    if union and not wrapped and sum(_is_model(a) for a in args) >= 2:
        yield hint
    for arg in args:
        yield from _bare_unions_of_models(arg)


def test_every_union_of_models_in_the_api_is_serialised_in_one_pass() -> None:
    found = []
    checked = 0
    for model in _models():
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            checked += 1
            found += [
                f"{model.__module__}.{model.__name__}.{name}: {union}"
                for union in _bare_unions_of_models(hints[name])
            ]
    assert checked > 500  # the walk saw the dialects' models
    assert found == [], "mark these SerializeAsAny[...] (ADR 0041)"


def test_the_bytes_are_those_of_the_value_own_class() -> None:
    request = wire.OfferRequest.model_construct(
        airlines=[],
        id="orq_1",
        live_mode=False,
        currency="EUR",
        status=OfferRequestStatus.COMPLETE,
        offers_count=0,
        truncated=False,
        error=None,
        cabin_class=None,
        max_connections=1,
        flexible_days=0,
        passengers=[],
        slices=[
            wire.SearchedSlice.model_construct(
                origin=PlaceCode.model_construct(iata_code="JFK"),
                destination=PlaceCode.model_construct(iata_code="LHR"),
                departure_date=date(2027, 1, 1),
                departure_dates=[],
            )
        ],
        created_at="2026-12-06T10:00:00Z",
        completed_at=None,
    )
    with_offers = wire.OfferRequestWithOffers.model_construct(**dict(request), offers=[])
    for data in (request, with_offers):
        body = wire.CreatedOfferRequestResponse.model_construct(data=data).model_dump_json()
        assert body == '{"data":' + data.model_dump_json() + "}"
    section = Section.model_construct(
        elements=[Facility.model_construct(type="galley")]
    ).model_dump_json()
    assert section == '{"elements":[{"type":"galley"}]}'


def test_the_short_construct_builds_what_pydantic_builds() -> None:
    pydantic_construct = BaseModel.model_construct.__func__  # type: ignore[attr-defined]
    values = {"type": "galley"}
    short, own = Facility.model_construct(**values), pydantic_construct(Facility, **values)
    assert type(short) is Facility
    for attribute in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__"):
        assert getattr(short, attribute) == getattr(own, attribute)
    assert short.__pydantic_private__ is own.__pydantic_private__ is None
    assert short == own
    assert short.model_dump_json() == own.model_dump_json()
    assert hash(short) == hash(own)  # frozen, and shared by presenters


def test_a_construct_out_of_order_or_with_defaults_left_out_is_pydantic_own() -> None:
    shuffled = wire.Carrier.model_construct(name="British Airways", iata_code="BA")
    assert list(shuffled.__dict__) == ["iata_code", "name"]  # the model's order
    assert shuffled.model_dump_json() == '{"iata_code":"BA","name":"British Airways"}'
    fields = {name: None for name in wire.Segment.model_fields if name != "cancelled"}
    segment = wire.Segment.model_construct(**fields)
    assert segment.cancelled is False  # its default
    assert segment.model_fields_set == set(fields)
