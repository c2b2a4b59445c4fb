"""A search that runs in the request (``return_offers=true``) presents the offers it just
stored from memory (``search.search_here``, ``search.wait_for_offers``): they must be
exactly the ones the database gives back — same ids, prices, order, page and fare brands
(SQLite, and PostgreSQL when configured). ``search_here`` stores the search and its job
already claimed in one transaction, and the outcome, the offers and the job's end in
another; a process that dies in between leaves the job to the worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from farebridge.api.dialects.native.presenters.offers import present_offer
from farebridge.bootstrap import build
from farebridge.domain.clock import ManualClock
from farebridge.domain.ids import new_id
from farebridge.domain.offer import Offer, OfferRequest, OfferRequestStatus
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.services import search
from farebridge.services.jobs import JobKind, add_claimed_in, run_job_now, run_next_job
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.settings import Settings
from farebridge.store.codec import dump, offer_codec
from farebridge.store.database import is_read_only, json_dumps, json_loads
from farebridge.store.searches import OfferRepository
from farebridge.store.tables import jobs
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


def _stored_page(services: Dependencies, request_id: str, limit: int | None) -> list[Offer]:
    """The first page as ``GET /offers`` reads it back from the database (None: every
    page, as the Duffel dialect answers a search)."""
    if limit is None:
        return search.list_all_offers(services, user=None, request_id=request_id)
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


@pytest.mark.parametrize("here", [True, False], ids=["search_here", "wait_for_offers"])
@pytest.mark.parametrize("limit", [50, 7, None])
@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_offers_presented_from_memory_are_the_stored_ones(
    services: Dependencies,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    limit: int | None,
    here: bool,
) -> None:
    with monkeypatch.context() as patch:
        # From memory: reading the page back would fail.
        patch.setattr(OfferRepository, "list", _never_read)
        patch.setattr(OfferRepository, "fare_brands", _never_read)
        if here:
            finished, offers = search.search_here(
                services, user=None, criteria=SEARCHES[name], limit=limit
            )
        else:
            request = _new_request(services, SEARCHES[name])
            finished, offers = search.wait_for_offers(
                services, user=None, request_id=request.id, limit=limit
            )
    assert finished.status is OfferRequestStatus.COMPLETE
    assert finished == search.get_offer_request(services, user=None, request_id=finished.id)
    stored = _stored_page(services, finished.id, limit)
    assert len(stored) == min(limit or finished.offers_count, finished.offers_count) > 0
    assert offers == stored
    assert [o.id for o in offers] == [o.id for o in stored]
    assert [b.offer_id for o in offers for b in o.fare_brands] == [
        b.offer_id for o in stored for b in o.fare_brands
    ]
    assert _presented(offers) == _presented(stored)


def _transactions(engine: Engine) -> list[str]:
    """The transactions begun on ``engine`` from now on: "read" or "write" each."""
    begun: list[str] = []

    def began(connection: Any) -> None:
        begun.append("read" if is_read_only(connection) else "write")

    event.listen(engine, "begin", began)
    return begun


def test_a_search_here_takes_two_writes_and_leaves_its_job_done(
    services: Dependencies, engine: Engine
) -> None:
    begun = _transactions(engine)
    request, offers = search.search_here(
        services, user=None, criteria=SEARCHES["one adult, one way"], limit=50
    )
    # The sandbox reads its seat inventory outside the units of work: the reads.
    assert [kind for kind in begun if kind == "write"] == ["write", "write"], begun
    assert request.status is OfferRequestStatus.COMPLETE and offers
    with engine.connect() as db:
        job = db.execute(select(jobs).where(jobs.c.dedupe_key == request.id)).one()
    assert (job.kind, job.status, job.attempts) == (JobKind.SEARCH.value, "done", 1)
    assert job.finished_at is not None


def test_a_failed_search_here_has_no_offers_and_its_job_is_done(
    services: Dependencies, engine: Engine
) -> None:
    request, offers = search.search_here(
        services,
        user=None,
        criteria=SEARCHES["one adult, one way"],
        scenarios=frozenset({"search_timeout"}),
        limit=50,
    )
    assert request.status is OfferRequestStatus.FAILED and request.error_code
    assert offers == []
    with engine.connect() as db:
        status = db.execute(select(jobs.c.status).where(jobs.c.dedupe_key == request.id))
        assert status.scalar_one() == "done"


def test_a_search_whose_process_died_after_storing_it_is_run_by_the_worker(
    engine: Engine,
) -> None:
    """The search and its job stored claimed, then nothing (the process died): no worker
    takes the job while its lease runs; once it has run out, the worker runs it."""
    clock = ManualClock(datetime.now(UTC))
    services = build(Settings(database_url="sqlite://"), engine=engine, clock=clock)
    request = search._new_request(services, None, SEARCHES["one adult, one way"], frozenset(), None)
    with services.uow() as uow:
        uow.offer_requests.add(request)
        add_claimed_in(
            uow, services, JobKind.SEARCH, {"offer_request_id": request.id}, dedupe_key=request.id
        )
        uow.commit()
    assert not run_next_job(services), "claimed: no worker takes it"
    assert not run_job_now(services, JobKind.SEARCH, request.id)
    clock.advance(services.policies.job_lease + timedelta(seconds=1))
    assert run_next_job(services)
    finished = search.get_offer_request(services, user=None, request_id=request.id)
    assert finished.status is OfferRequestStatus.COMPLETE and finished.offers_count > 0
    with engine.connect() as db:
        job = db.execute(select(jobs).where(jobs.c.dedupe_key == request.id)).one()
    assert (job.status, job.attempts) == ("done", 2)


def test_a_search_here_that_fails_unexpectedly_is_left_to_the_worker(
    services: Dependencies, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that raises what is not a domain error (a bug, a database blip) is recorded
    on the job, which the worker retries; the request waits for that run, then reads
    the offers back."""
    services = replace(services, policies=replace(services.policies, search_wait_seconds=0.2))
    real = search._search_dates
    monkeypatch.setattr(search, "_search_dates", _broken)
    request, offers = search.search_here(
        services, user=None, criteria=SEARCHES["one adult, one way"], limit=50
    )
    assert request.status is OfferRequestStatus.PENDING and offers == []
    with engine.connect() as db:
        job = db.execute(select(jobs).where(jobs.c.dedupe_key == request.id)).one()
    assert (job.status, job.attempts) == ("queued", 1)
    assert "broken" in job.last_error
    monkeypatch.setattr(search, "_search_dates", real)
    with engine.begin() as db:
        db.execute(jobs.update().values(run_after=datetime.now(UTC) - timedelta(seconds=1)))
    assert run_next_job(services)
    finished, offers = search.wait_for_offers(services, user=None, request_id=request.id, limit=50)
    assert finished.status is OfferRequestStatus.COMPLETE
    assert offers == _stored_page(services, request.id, 50)


def _broken(*args: object) -> None:
    raise RuntimeError("broken")


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
