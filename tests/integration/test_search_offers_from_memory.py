"""A search that runs in the request (``return_offers=true``) presents the offers it just
stored from memory (``search.wait_for_offers``): they must be exactly the ones the
database gives back — same ids, prices, order, page and fare brands (SQLite, and
PostgreSQL when configured)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from farebridge.api.dialects.native.presenters.offers import present_offer
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer, OfferRequest, OfferRequestStatus
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.services import search
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.store.codec import dump, offer_codec
from farebridge.store.database import json_dumps, json_loads
from farebridge.store.searches import OfferRepository
from farebridge.store.tables import offers as offers_table

OUTBOUND = date.today() + timedelta(days=30)
BACK = OUTBOUND + timedelta(days=7)


def _criteria(
    places: tuple[tuple[str, str], ...],
    days: tuple[date, ...],
    passengers: tuple[PassengerType, ...] = (PassengerType.ADULT,),
    *,
    flexible_days: int = 0,
    max_connections: int = 1,
) -> SearchCriteria:
    return SearchCriteria(
        tuple(SliceRequest(*place, day) for place, day in zip(places, days, strict=True)),
        tuple(OfferPassenger(new_id("pas"), kind) for kind in passengers),
        max_connections=max_connections,
        flexible_days=flexible_days,
    )


SEARCHES = {
    "one adult, one way": _criteria((("JFK", "LHR"),), (OUTBOUND,)),
    "family, return": _criteria(
        (("LON", "NYC"), ("NYC", "LON")),
        (OUTBOUND, BACK),
        (PassengerType.ADULT, PassengerType.ADULT, PassengerType.CHILD),
    ),
    "flexible dates": _criteria((("CDG", "JFK"),), (OUTBOUND,), flexible_days=2),
}


def _stored_page(services: Dependencies, request_id: str, limit: int) -> list[Offer]:
    """The first page as ``GET /offers`` reads it back from the database."""
    page = search.list_offers(
        services,
        user=None,
        request_id=request_id,
        filters=OfferFilter(),
        page=PageRequest(limit=limit),
    )
    return page.items


def _presented(offers: list[Offer]) -> list[dict[str, Any]]:
    return [present_offer(offer).model_dump(mode="json") for offer in offers]


def _new_request(services: Dependencies, criteria: SearchCriteria) -> OfferRequest:
    return search.create_offer_request(services, user=None, criteria=criteria)


@pytest.mark.parametrize("limit", [50, 7])
@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_offers_presented_from_memory_are_the_stored_ones(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch, name: str, limit: int
) -> None:
    request = _new_request(services, SEARCHES[name])
    with monkeypatch.context() as patch:
        # From memory: reading the page back would fail.
        patch.setattr(OfferRepository, "list", _never_read)
        patch.setattr(OfferRepository, "fare_brands", _never_read)
        finished, offers = search.wait_for_offers(
            services, user=None, request_id=request.id, limit=limit
        )
    assert finished.status is OfferRequestStatus.COMPLETE
    assert finished == search.get_offer_request(services, user=None, request_id=request.id)
    stored = _stored_page(services, request.id, limit)
    assert len(stored) == min(limit, finished.offers_count) > 0
    assert offers == stored
    assert [o.id for o in offers] == [o.id for o in stored]
    assert [b.offer_id for o in offers for b in o.fare_brands] == [
        b.offer_id for o in stored for b in o.fare_brands
    ]
    assert _presented(offers) == _presented(stored)


def test_a_search_run_elsewhere_is_read_back(services: Dependencies) -> None:
    request = _new_request(services, SEARCHES["one adult, one way"])
    assert run_job_now(services, JobKind.SEARCH, request.id)  # as a worker would
    finished, offers = search.wait_for_offers(services, user=None, request_id=request.id, limit=50)
    assert finished.status is OfferRequestStatus.COMPLETE
    assert offers == _stored_page(services, request.id, 50)


def test_a_failed_search_has_no_offers(services: Dependencies) -> None:
    request = search.create_offer_request(
        services,
        user=None,
        criteria=SEARCHES["one adult, one way"],
        scenarios=frozenset({"search_timeout"}),
    )
    finished, offers = search.wait_for_offers(services, user=None, request_id=request.id, limit=50)
    assert finished.status is OfferRequestStatus.FAILED
    assert offers == []


def _never_read(*args: object, **kwargs: object) -> None:
    raise AssertionError("the offers of a search run here are not read back")


def test_offers_are_stored_as_json_objects_written_in_one_pass(
    services: Dependencies, engine: Engine
) -> None:
    """An offer's payload is written as Pydantic serialised it (``dump_text``): the column
    holds the JSON object the two-pass serialisation held (not a JSON string), which the
    database's own JSON operators read."""
    request = _new_request(services, SEARCHES["family, return"])
    _, offers = search.wait_for_offers(services, user=None, request_id=request.id, limit=5)
    with engine.connect() as db:
        rows = db.execute(
            select(
                offers_table.c.id,
                offers_table.c.payload,
                offers_table.c.payload["fare_brand_name"].as_string(),
            ).where(offers_table.c.id.in_([offer.id for offer in offers]))
        ).all()
    assert len(rows) == len(offers) > 0
    by_id = {offer.id: offer for offer in offers}
    for offer_id, payload, brand in rows:
        offer = replace(by_id[offer_id], fare_brands=())
        assert isinstance(payload, dict)
        assert payload == json_loads(json_dumps(dump(offer_codec, offer)))
        assert brand == offer.fare_brand_name
