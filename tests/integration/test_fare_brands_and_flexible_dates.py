"""Fare brands grouped by itinerary, and flexible dates with their calendar, through the
services and the store (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete

from farebridge.domain.errors import UpstreamTimeout
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.offer import CalendarDay, Offer, OfferRequest, OfferRequestStatus
from farebridge.domain.search import OfferPassenger, PassengerType, SearchCriteria, SliceRequest
from farebridge.providers.base import SearchResult
from farebridge.services import search
from farebridge.services.ports import Dependencies, OfferFilter, PageRequest
from farebridge.store.tables import offers

OUTBOUND = date.today() + timedelta(days=30)


def _search(
    services: Dependencies,
    *,
    days: tuple[date, ...] = (OUTBOUND,),
    flexible_days: int = 0,
    max_connections: int = 1,
) -> OfferRequest:
    places = [("LON", "NYC"), ("NYC", "LON")]
    criteria = SearchCriteria(
        tuple(SliceRequest(*places[i], day) for i, day in enumerate(days)),
        (OfferPassenger(new_id("pas"), PassengerType.ADULT),),
        max_connections=max_connections,
        flexible_days=flexible_days,
    )
    request = search.create_offer_request(services, user=None, criteria=criteria)
    return search.get_offer_request(services, user=None, request_id=request.id, wait=True)


def _all(services: Dependencies, request_id: str, filters: OfferFilter) -> list[Offer]:
    """Every offer the filters let through, page by page (7 a page)."""
    found: list[Offer] = []
    cursor: str | None = None
    while True:
        page = search.list_offers(
            services,
            user=None,
            request_id=request_id,
            filters=filters,
            page=PageRequest(after=cursor, limit=7),
        )
        found += page.items
        if page.after is None:
            return found
        cursor = page.after


def _cents(offer: Offer) -> int:
    return offer.total.minor


def test_every_offer_lists_the_brands_of_its_itinerary_cheapest_first(
    services: Dependencies,
) -> None:
    request = _search(services)
    offers = _all(services, request.id, OfferFilter())
    by_itinerary: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_itinerary[offer.itinerary_id].append(offer)
    assert any(len(group) == 3 for group in by_itinerary.values())
    for offer in offers:
        siblings = sorted(by_itinerary[offer.itinerary_id], key=lambda o: (_cents(o), o.id))
        assert [b.offer_id for b in offer.fare_brands] == [o.id for o in siblings]
        assert [b.total for b in offer.fare_brands] == [o.total for o in siblings]
        assert [(b.fare_brand_name, b.conditions, b.baggages) for b in offer.fare_brands] == [
            (o.fare_brand_name, o.conditions, o.slices[0].segments[0].baggages) for o in siblings
        ]
    one = search.get_offer(services, user=None, offer_id=offers[0].id)
    assert one.fare_brands == offers[0].fare_brands


@pytest.mark.parametrize("sort", ["total_amount", "total_duration"])
def test_one_row_per_itinerary_sorted_and_paged(services: Dependencies, sort: str) -> None:
    request = _search(services)
    every = _all(services, request.id, OfferFilter(sort=sort))
    rows = _all(services, request.id, OfferFilter(sort=sort, one_per_itinerary=True))
    itineraries = {offer.itinerary_id for offer in every}
    assert len(rows) == len(itineraries) < len(every)
    assert {row.itinerary_id for row in rows} == itineraries
    for row in rows:
        assert row.id == row.fare_brands[0].offer_id, "the cheapest brand stands for it"
    key = _cents if sort == "total_amount" else (lambda o: o.total_duration)
    assert [key(row) for row in rows] == sorted(key(row) for row in rows)


def test_filters_apply_before_the_cheapest_brand_is_chosen(services: Dependencies) -> None:
    request = _search(services)
    rows = _all(services, request.id, OfferFilter(one_per_itinerary=True))
    dearest = max(rows, key=_cents)
    cap = dearest.total.amount
    capped = _all(services, request.id, OfferFilter(one_per_itinerary=True, max_price=cap))
    assert {row.id for row in capped} == {row.id for row in rows}
    below = Money.from_minor(_cents(dearest) - 1, dearest.total.currency).amount
    fewer = _all(services, request.id, OfferFilter(one_per_itinerary=True, max_price=below))
    assert dearest.itinerary_id not in {row.itinerary_id for row in fewer}


def test_a_page_back_is_the_page_before(services: Dependencies) -> None:
    request = _search(services)
    grouped = OfferFilter(one_per_itinerary=True)
    first = search.list_offers(
        services, user=None, request_id=request.id, filters=grouped, page=PageRequest(limit=5)
    )
    second = search.list_offers(
        services,
        user=None,
        request_id=request.id,
        filters=grouped,
        page=PageRequest(after=first.after, limit=5),
    )
    back = search.list_offers(
        services,
        user=None,
        request_id=request.id,
        filters=grouped,
        page=PageRequest(before=second.before, limit=5),
    )
    assert [o.id for o in back.items] == [o.id for o in first.items]
    assert not {o.itinerary_id for o in first.items} & {o.itinerary_id for o in second.items}


def test_flexible_dates_search_each_day_into_one_request(services: Dependencies) -> None:
    back = OUTBOUND + timedelta(days=7)
    request = _search(services, days=(OUTBOUND, back), flexible_days=1)
    assert request.status.value == "complete"
    expected = [
        (OUTBOUND + timedelta(days=out), back + timedelta(days=ret))
        for out in (-1, 0, 1)
        for ret in (-1, 0, 1)
    ]
    assert list(request.searched_dates) == expected
    offers = _all(services, request.id, OfferFilter())
    assert {o.departure_dates for o in offers} == set(expected)
    exact = _all(services, request.id, OfferFilter(departure_dates=(OUTBOUND, back)))
    other = _all(services, request.id, OfferFilter(departure_dates=expected[0]))
    assert exact and all(o.departure_dates == (OUTBOUND, back) for o in exact)
    kept = search.CHEAPEST_ITINERARIES_PER_DATES
    assert len({o.itinerary_id for o in other}) <= kept < len({o.itinerary_id for o in exact})


def test_the_calendar_is_the_cheapest_offer_of_each_date_combination(
    services: Dependencies,
) -> None:
    request = _search(services, flexible_days=2, max_connections=0)
    calendar = search.offer_calendar(services, user=None, request_id=request.id)
    assert [day.departure_dates for day in calendar] == list(request.searched_dates)
    assert len(calendar) == 5
    for day in calendar:
        offers = _all(services, request.id, OfferFilter(departure_dates=day.departure_dates))
        assert day.offers_count == len(offers) > 0
        cheapest = min(offers, key=lambda o: (_cents(o), o.id))
        assert (day.offer_id, day.cheapest) == (cheapest.id, cheapest.total)


def test_a_day_without_offers_is_in_the_calendar_with_none(
    services: Dependencies, engine: Engine
) -> None:
    request = _search(services, flexible_days=1, max_connections=0)
    with engine.begin() as connection:  # as if nothing flew on the requested day
        connection.execute(delete(offers).where(offers.c.departure_dates == OUTBOUND.isoformat()))
    calendar = search.offer_calendar(services, user=None, request_id=request.id)
    assert [day.departure_dates for day in calendar] == [
        (OUTBOUND - timedelta(days=1),),
        (OUTBOUND,),
        (OUTBOUND + timedelta(days=1),),
    ]
    assert calendar[1] == CalendarDay((OUTBOUND,), offers_count=0, cheapest=None, offer_id=None)
    assert calendar[0].offers_count > 0 and calendar[2].cheapest is not None


def test_a_date_whose_search_fails_is_skipped_unless_every_date_fails(
    services: Dependencies, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = services.providers.get("sandbox")
    search_for_real = provider.search

    def slow_on_the_day(request_id: str, criteria: SearchCriteria, **options: Any) -> SearchResult:
        if criteria.requested_dates == (OUTBOUND,):
            raise UpstreamTimeout("The airline did not answer for that day.")
        return search_for_real(request_id, criteria, **options)

    monkeypatch.setattr(provider, "search", slow_on_the_day)
    request = _search(services, flexible_days=1, max_connections=0)
    assert request.status is OfferRequestStatus.COMPLETE
    calendar = search.offer_calendar(services, user=None, request_id=request.id)
    assert [day.offers_count > 0 for day in calendar] == [True, False, True]

    def never_answers(request_id: str, criteria: SearchCriteria, **options: Any) -> SearchResult:
        raise UpstreamTimeout("The airline did not answer.")

    monkeypatch.setattr(provider, "search", never_answers)
    failed = _search(services, flexible_days=1, max_connections=0)
    assert (failed.status, failed.error_code) == (OfferRequestStatus.FAILED, "provider_timeout")
