"""Search: offer requests filled in the background, offers listed and re-checked.

A search with ``flexible_days`` runs once per combination of departure dates
(at most 7 x 7, ``domain.search``) into the same offer request: the requested
dates keep every offer the providers return, every other combination only its
``CHEAPEST_ITINERARIES_PER_DATES`` cheapest itineraries (with all their fare
brands), which bounds the work and the rows of one request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import structlog

from farebridge.domain.account import User
from farebridge.domain.errors import (
    FarebridgeError,
    NotFound,
    OfferExpired,
    OfferNotFound,
    UpstreamTimeout,
    UpstreamUnavailable,
    ValidationFailed,
)
from farebridge.domain.fare_rules import FareRules
from farebridge.domain.ids import new_id
from farebridge.domain.money import Money
from farebridge.domain.offer import (
    CalendarDay,
    FareBrandOption,
    Offer,
    OfferRequest,
    OfferRequestStatus,
)
from farebridge.domain.order import OrderService, services_total
from farebridge.domain.search import (
    OfferPassenger,
    SearchCriteria,
    TimeWindow,
    best_minute_worth,
    check_time_window,
    departure_date_options,
    validate_criteria,
)
from farebridge.domain.seat_assignment import SeatPreference
from farebridge.domain.seatmap import SeatMap
from farebridge.providers.base import NO_SCENARIOS, Provider, SearchResult
from farebridge.services import metrics
from farebridge.services.access import may_access_owner
from farebridge.services.coupons import apply_coupon
from farebridge.services.currencies import selling_currency
from farebridge.services.jobs import (
    JobKind,
    add_claimed_in,
    enqueue_in,
    run_claimed,
    run_job_now,
)
from farebridge.services.ports import (
    Dependencies,
    JobHandler,
    OfferFilter,
    Page,
    PageRequest,
    UnitOfWork,
)
from farebridge.services.seat_assignment import with_assigned_seats

log = structlog.get_logger(__name__)
CHEAPEST_ITINERARIES_PER_DATES = 10


def create_offer_request(
    deps: Dependencies,
    *,
    user: User | None,
    criteria: SearchCriteria,
    scenarios: frozenset[str] = NO_SCENARIOS,
    currency: str | None = None,
) -> OfferRequest:
    """Validate, store and queue a search; returns at once with status pending.

    Every offer will be priced in one selling currency: ``currency``, else the
    account's preferred currency, else the operator's default (it is stored in
    the criteria). The search goes to every enabled provider; ``scenarios``
    (test faults) are stored with it, so the worker that runs it sees them."""
    request = _new_request(deps, user, criteria, scenarios, currency)
    with deps.uow() as uow:
        uow.offer_requests.add(request)
        enqueue_in(
            uow, deps, JobKind.SEARCH, {"offer_request_id": request.id}, dedupe_key=request.id
        )
        uow.commit()
    return request


def search_here(
    deps: Dependencies,
    *,
    user: User | None,
    criteria: SearchCriteria,
    scenarios: frozenset[str] = NO_SCENARIOS,
    currency: str | None = None,
    limit: int | None,
) -> tuple[OfferRequest, list[Offer]]:
    """``create_offer_request`` then ``wait_for_offers(limit=limit)``: the search run in
    this request, finished, and its first ``limit`` offers (cheapest first; None: all),
    in two write transactions instead of four and no read of the search of its own.

    The search's job is stored already claimed by this process
    (``jobs.add_claimed_in``), in the transaction that stores the search, so no worker
    takes it meanwhile; the offers, the search's outcome and the job's end are stored in
    one transaction, which also reads the search back and its offers' order. If this
    process dies in between, the worker runs the job once its lease has run out, as
    any claimed job. If the run fails unexpectedly (recorded on the job, which the
    worker retries), this waits for that run as ``wait_for_offers`` does."""
    request = _new_request(deps, user, criteria, scenarios, currency)
    payload = {"offer_request_id": request.id}
    with deps.uow() as uow:
        uow.offer_requests.add(request)
        job = add_claimed_in(uow, deps, JobKind.SEARCH, payload, dedupe_key=request.id)
        uow.commit()
    ran: list[_Stored] = []

    def run_here(deps: Dependencies, payload: dict[str, Any]) -> None:
        ran.append(_search_and_store(deps, request, job_id=job.id))

    run_claimed(deps, job, run_here, finish=False)
    if ran and ran[0].request is not None:
        stored, finished = ran[0], ran[0].request
        if finished.status is OfferRequestStatus.FAILED:
            return finished, []
        if stored.offers is not None and stored.ranked is not None:
            first = _first_offers(stored.offers, stored.ranked, limit)
            if first is not None:
                return finished, first
    return wait_for_offers(deps, user=user, request_id=request.id, limit=limit)


def _new_request(
    deps: Dependencies,
    user: User | None,
    criteria: SearchCriteria,
    scenarios: frozenset[str],
    currency: str | None,
) -> OfferRequest:
    """A new pending search of ``criteria``, validated, in its selling currency."""
    now = deps.clock.now()
    today = now.date()
    last_bookable_on = today + timedelta(days=deps.policies.bookable_days)
    validate_criteria(criteria, today=today, last_bookable_on=last_bookable_on)
    for index, slice_request in enumerate(criteria.slices):
        for name in ("origin", "destination"):
            code = getattr(slice_request, name)
            if not deps.places.is_known(code):
                raise ValidationFailed(
                    f"Unknown airport or city code {code!r}.",
                    field=f"slices[{index}].{name}",
                    code="unknown_place",
                )
    return OfferRequest(
        id=new_id("orq"),
        owner_id=user.id if user else None,
        criteria=replace(criteria, currency=selling_currency(deps, user, currency)),
        status=OfferRequestStatus.PENDING,
        created_at=now,
        providers=deps.providers.names,
        scenarios=scenarios,
        date_options=departure_date_options(
            criteria, today=today, last_bookable_on=last_bookable_on
        ),
    )


def run_offer_request(deps: Dependencies, payload: dict[str, Any]) -> None:
    """Job: ask every provider of the request on every date combination, merge and
    store the offers.

    Idempotent: a finished request is left as it is. The search fails only if
    every provider failed on every date; otherwise the offers found are kept."""
    _run_offer_request(deps, payload)


def _run_offer_request(deps: Dependencies, payload: dict[str, Any]) -> list[Offer] | None:
    """``run_offer_request``; the offers it stored, or None if it stored none (the
    request was finished already, by this run's failure or by another run)."""
    with deps.uow(read_only=True) as uow:
        request = uow.offer_requests.get(payload["offer_request_id"])
    if request is None or request.status is not OfferRequestStatus.PENDING:
        return None
    return _search_and_store(deps, request).offers


@dataclass(frozen=True, slots=True)
class _Stored:
    """What a run of a search stored. ``offers``: this run's, if it finished the search
    with them (else None: it failed, or another run got there first). With a job (a
    search run in the request), also the search as stored after the run (``request``)
    and the ids of every offer of the search, cheapest first (``ranked``, if ``offers``)."""

    offers: list[Offer] | None
    request: OfferRequest | None = None
    ranked: Sequence[str] | None = None


def _search_and_store(
    deps: Dependencies, request: OfferRequest, job_id: int | None = None
) -> _Stored:
    """Search ``request`` (pending) on every date and store the outcome in one
    transaction: failed, or complete with its offers; with ``job_id``, that job is marked
    done in it too, and the search and its offers' order are read back in it."""
    request_id = request.id
    try:
        result = _search_dates(deps, request)
    except FarebridgeError as exc:
        with deps.uow() as uow:
            uow.offer_requests.finish(
                request_id,
                status=OfferRequestStatus.FAILED,
                now=deps.clock.now(),
                error_code=exc.code,
                error_message=exc.message,
            )
            after = None if job_id is None else _finish_job(uow, deps, request_id, job_id)
            uow.commit()
        return _Stored(None, after)
    with deps.uow() as uow:
        finished = uow.offer_requests.finish(
            request_id,
            status=OfferRequestStatus.COMPLETE,
            now=deps.clock.now(),
            offers_count=len(result.offers),
            truncated=result.truncated,
        )
        if finished:  # else another run got there first: keep its offers
            uow.offers.add_many(result.offers)
        after = None if job_id is None else _finish_job(uow, deps, request_id, job_id)
        ranked = uow.offers.ranked_ids(request_id) if finished and after else None
        uow.commit()
    return _Stored(result.offers if finished else None, after, ranked)


def _finish_job(uow: UnitOfWork, deps: Dependencies, request_id: str, job_id: int) -> OfferRequest:
    """The search's job marked done; the search as now stored (in the same transaction)."""
    uow.jobs.finish(job_id, now=deps.clock.now())
    stored = uow.offer_requests.get(request_id)
    assert stored is not None  # searches are never deleted while a run holds their job
    return stored


def _search_dates(deps: Dependencies, request: OfferRequest) -> SearchResult:
    """Every date combination of the request: all offers on the requested dates, the
    cheapest itineraries on the others. Fails only if every combination failed."""
    answers: list[SearchResult] = []
    failures: list[FarebridgeError] = []
    for dates in request.searched_dates:
        try:
            found = _search_all(deps, request, request.criteria.on_dates(dates))
        except FarebridgeError as exc:
            log.warning("search.dates_failed", dates=[d.isoformat() for d in dates], code=exc.code)
            failures.append(exc)
            continue
        exact = dates == request.criteria.requested_dates
        answers.append(found if exact else _cheapest_itineraries(found))
    if not answers:
        raise failures[0]
    return SearchResult(
        offers=[offer for answer in answers for offer in answer.offers],
        truncated=any(answer.truncated for answer in answers),
    )


def _cheapest_itineraries(result: SearchResult) -> SearchResult:
    """The ``CHEAPEST_ITINERARIES_PER_DATES`` itineraries with the cheapest brands, each
    with all its brands (every offer of a search is in its one selling currency)."""
    cheapest: dict[str, int] = {}
    for offer in result.offers:
        amount = offer.total.minor
        cheapest[offer.itinerary_id] = min(amount, cheapest.get(offer.itinerary_id, amount))
    kept = set(
        sorted(cheapest, key=lambda key: (cheapest[key], key))[:CHEAPEST_ITINERARIES_PER_DATES]
    )
    return SearchResult(
        offers=[offer for offer in result.offers if offer.itinerary_id in kept],
        truncated=result.truncated or len(cheapest) > len(kept),
    )


def _search_all(
    deps: Dependencies, request: OfferRequest, criteria: SearchCriteria
) -> SearchResult:
    providers = [deps.providers.get(name) for name in request.providers]
    if len(providers) == 1:
        return _search_one(deps, providers[0], request, criteria)
    with ThreadPoolExecutor(max_workers=len(providers)) as pool:
        outcomes = list(pool.map(lambda p: _outcome(deps, p, request, criteria), providers))
    answers = [o for o in outcomes if isinstance(o, SearchResult)]
    if not answers:
        raise next(o for o in outcomes if isinstance(o, FarebridgeError))
    return SearchResult(
        offers=[offer for answer in answers for offer in answer.offers],
        truncated=any(answer.truncated for answer in answers),
    )


def _search_one(
    deps: Dependencies, provider: Provider, request: OfferRequest, criteria: SearchCriteria
) -> SearchResult:
    now = deps.clock.now()
    result = provider.search(request.id, criteria, now=now, scenarios=request.scenarios)
    currency = criteria.currency
    sellable = [offer for offer in result.offers if offer.is_priced_in(currency)]
    if len(sellable) < len(result.offers):
        log.warning(
            "search.offers_in_wrong_currency",
            provider=provider.name,
            currency=currency,
            dropped=len(result.offers) - len(sellable),
        )
    lead = deps.policies.min_departure_lead
    leaving = [offer for offer in sellable if offer.departs_too_soon(now=now, lead=lead)]
    if leaving:  # a provider's own lead time may be shorter than ours
        log.info("search.offers_departing_too_soon", provider=provider.name, dropped=len(leaving))
        sellable = [offer for offer in sellable if offer not in leaving]
    offers = [
        o if o.provider == provider.name else replace(o, provider=provider.name) for o in sellable
    ]
    return SearchResult(offers=offers, truncated=result.truncated)


def _outcome(
    deps: Dependencies, provider: Provider, request: OfferRequest, criteria: SearchCriteria
) -> SearchResult | FarebridgeError:
    try:
        return _search_one(deps, provider, request, criteria)
    except FarebridgeError as exc:
        log.warning("search.provider_failed", provider=provider.name, code=exc.code)
        if isinstance(exc, UpstreamUnavailable | UpstreamTimeout):
            metrics.count_provider_error(provider.name, "search", exc.code)
        return exc


def get_offer_request(
    deps: Dependencies, *, user: User | None, request_id: str, wait: bool = False
) -> OfferRequest:
    request = _owned_request(deps, user, request_id)
    if not wait:
        return request
    return _wait(deps, user, request)


def _wait(
    deps: Dependencies, user: User | None, request: OfferRequest, handle: JobHandler | None = None
) -> OfferRequest:
    """Run ``request``'s search here if pending (with ``handle``, else its handler) unless
    another process holds it, then wait until it is finished or the wait runs out."""
    request_id = request.id
    if request.status is not OfferRequestStatus.PENDING:
        return request
    if run_job_now(deps, JobKind.SEARCH, request_id, handle=handle):
        # Ran here: read its outcome at once (the request above is from before the run).
        request = _owned_request(deps, user, request_id)
    deadline = time.monotonic() + deps.policies.search_wait_seconds
    while request.status is OfferRequestStatus.PENDING and time.monotonic() < deadline:
        time.sleep(0.05)
        request = _owned_request(deps, user, request_id)
    return request


def wait_for_offers(
    deps: Dependencies, *, user: User | None, request_id: str, limit: int | None
) -> tuple[OfferRequest, list[Offer]]:
    """A new search waited for (``get_offer_request(wait=True)``) and the first ``limit``
    of its offers (None: all) as ``list_offers`` gives them with no filter (cheapest
    first).

    When the search runs here, those are the offers it just priced and stored, taken
    from memory in the order the database sorts them (one query of their ids) instead
    of read back and decoded: the same offers, ids and prices, in the same order, with
    the same fare brands. Otherwise (another process ran it) they are read back."""
    stored: list[list[Offer]] = []

    def run_here(deps: Dependencies, payload: dict[str, Any]) -> None:
        offers = _run_offer_request(deps, payload)
        if offers is not None:
            stored.append(offers)

    request = _wait(deps, user, _owned_request(deps, user, request_id), run_here)
    if stored and request.status is OfferRequestStatus.COMPLETE:
        with deps.uow(read_only=True) as uow:
            ranked = uow.offers.ranked_ids(request_id)
        first = _first_offers(stored[0], ranked, limit)
        if first is not None:
            return request, first
    if request.status is not OfferRequestStatus.COMPLETE or limit == 0:
        return request, []
    if limit is None:
        return request, list_all_offers(deps, user=user, request_id=request_id)
    page = list_offers(
        deps, user=user, request_id=request_id, filters=OfferFilter(), page=PageRequest(limit=limit)
    )
    return request, page.items


def _first_offers(
    stored: list[Offer], ranked: Sequence[str], limit: int | None
) -> list[Offer] | None:
    """The first ``limit`` (None: all) of ``stored`` in the database's order (``ranked``:
    every offer id of the search, cheapest first), each with its itinerary's brands in
    that order (``OfferRepository.fare_brands``); None unless ``ranked`` are those
    offers."""
    by_id = {offer.id: offer for offer in stored}
    if len(ranked) != len(by_id) or by_id.keys() != set(ranked):
        return None
    itinerary = {offer.id: offer.itinerary_id for offer in stored}  # a hash each: once
    brands: dict[str, list[FareBrandOption]] = {}
    for offer_id in ranked:
        brands.setdefault(itinerary[offer_id], []).append(FareBrandOption.of(by_id[offer_id]))
    return [
        replace(by_id[offer_id], fare_brands=tuple(brands[itinerary[offer_id]]))
        for offer_id in ranked[:limit]
    ]


ALL_OFFERS_PAGE = 200


def list_all_offers(deps: Dependencies, *, user: User | None, request_id: str) -> list[Offer]:
    """Every offer of a search, cheapest first, read page by page."""
    offers: list[Offer] = []
    after: str | None = None
    while True:
        page = list_offers(
            deps,
            user=user,
            request_id=request_id,
            filters=OfferFilter(),
            page=PageRequest(after=after, limit=ALL_OFFERS_PAGE),
        )
        offers.extend(page.items)
        if page.after is None:
            return offers
        after = page.after


def list_offer_requests(deps: Dependencies, *, user: User, page: PageRequest) -> Page[OfferRequest]:
    """The caller's searches, newest first."""
    with deps.uow(read_only=True) as uow:
        return uow.offer_requests.list_for_owner(user.id, page)


def _owned_request(deps: Dependencies, user: User | None, request_id: str) -> OfferRequest:
    with deps.uow(read_only=True) as uow:
        request = uow.offer_requests.get(request_id)
        if request is None or not _may_see(uow, user, request.owner_id):
            raise NotFound(f"No offer request {request_id}.", code="offer_request_not_found")
    return request


def _may_see(uow: UnitOfWork, user: User | None, owner_id: str | None) -> bool:
    """The access policy (ADR 0021); a search of nobody's is open to whoever has its id."""
    if owner_id is None:
        return True
    return user is not None and may_access_owner(uow, user, owner_id)


def list_offers(
    deps: Dependencies,
    *,
    user: User | None,
    request_id: str,
    filters: OfferFilter,
    page: PageRequest,
) -> Page[Offer]:
    """Offers sorted and filtered in the search's currency (``max_price`` is in it)."""
    if filters.departure_from is not None and filters.departure_to is not None:
        check_time_window(
            TimeWindow(filters.departure_from, filters.departure_to),
            start_field="departure_time_from",
        )
    request = _owned_request(deps, user, request_id)
    filters = _in_currency(filters, request.criteria.currency)
    if filters.sort == "best":
        worth = best_minute_worth(deps.rates.current(), request.criteria.currency)
        filters = replace(filters, best_minute_worth=worth)
    with deps.uow(read_only=True) as uow:
        found = uow.offers.list(request_id, filters, page)
        return replace(found, items=_with_fare_brands(uow, found.items))


def _with_fare_brands(uow: UnitOfWork, offers: list[Offer]) -> list[Offer]:
    """Offers of one search, each with the brands on sale for its itinerary, as stored
    now (so a re-checked price shows in its siblings' brands too)."""
    if not offers:
        return offers
    itineraries = {offer.itinerary_id for offer in offers}
    brands = uow.offers.fare_brands(offers[0].offer_request_id, itineraries)
    return [replace(o, fare_brands=brands.get(o.itinerary_id, ())) for o in offers]


def offer_calendar(deps: Dependencies, *, user: User | None, request_id: str) -> list[CalendarDay]:
    """The cheapest offer per combination of departure dates searched, in date order."""
    request = _owned_request(deps, user, request_id)
    searched = request.searched_dates
    with deps.uow(read_only=True) as uow:
        found = {day.departure_dates: day for day in uow.offers.calendar(request_id, searched)}
    return [found.get(dates, CalendarDay(dates)) for dates in searched]


def _in_currency(filters: OfferFilter, currency: str) -> OfferFilter:
    asked = filters.max_price_currency
    if asked is not None and asked != currency:
        raise ValidationFailed(
            f"This search is priced in {currency}: give max_price in {currency}, not {asked}.",
            field="max_price_currency",
            code="currency_mismatch",
        )
    return replace(filters, max_price_currency=currency)


def offer_airlines(
    deps: Dependencies, *, user: User | None, request_id: str
) -> list[tuple[str, str]]:
    """The airlines that own offers of a search, for an airline filter."""
    _owned_request(deps, user, request_id)
    with deps.uow(read_only=True) as uow:
        return uow.offers.airlines(request_id)


def load_offer(uow: UnitOfWork, deps: Dependencies, user: User | None, offer_id: str) -> Offer:
    """An offer the caller may see and that has not expired (404 otherwise)."""
    offer = uow.offers.get(offer_id)
    if offer is None:
        raise OfferNotFound(f"No offer {offer_id}.", field="offer_id")
    request = uow.offer_requests.get(offer.offer_request_id)
    if request is None or not _may_see(uow, user, request.owner_id):
        raise OfferNotFound(f"No offer {offer_id}.", field="offer_id")
    if offer.is_expired(deps.clock.now()):
        raise OfferExpired(f"Offer {offer_id} has expired; search again.", field="offer_id")
    return offer


def get_offer(
    deps: Dependencies,
    *,
    user: User | None,
    offer_id: str,
    scenarios: frozenset[str] = NO_SCENARIOS,
) -> Offer:
    """The offer re-checked with its provider (price and availability), with its
    itinerary's brands as stored: read with the offer, and again if the re-check
    changed it (so its new price shows among them)."""
    with deps.uow(read_only=True) as uow:
        offer = load_offer(uow, deps, user, offer_id)
        [branded] = _with_fare_brands(uow, [offer])
    provider = deps.providers.for_offer(offer)
    checked = provider.recheck_offer(offer, now=deps.clock.now(), scenarios=scenarios)
    if checked == offer:
        return branded
    checked = replace(
        checked, id=offer.id, offer_request_id=offer.offer_request_id, provider=offer.provider
    )
    with deps.uow() as uow:
        uow.offers.replace(checked)
        uow.commit()
    with deps.uow(read_only=True) as uow:
        [branded] = _with_fare_brands(uow, [checked])
    return branded


def get_fare_rules(deps: Dependencies, *, user: User | None, offer_id: str) -> FareRules:
    with deps.uow(read_only=True) as uow:
        offer = load_offer(uow, deps, user, offer_id)
    rules = deps.providers.for_offer(offer).fare_rules(offer, now=deps.clock.now())
    cutoff = offer.conditions.cancellation_cutoff
    return replace(
        rules,
        refund_schedule=offer.conditions.refund_before_departure.schedule,
        cancellation_cutoff=cutoff if cutoff is not None else deps.policies.cancellation_cutoff,
    )


@dataclass(frozen=True, slots=True)
class PricedOffer:
    offer: Offer
    services: tuple[OrderService, ...]
    coupon_code: str | None = None
    discount: Money | None = None  # the coupon's, in the offer's currency

    @property
    def gross_total(self) -> Money:
        """Fare and extras, before the coupon's discount."""
        return self.offer.total + services_total(self.services, self.offer.total.currency)

    @property
    def total(self) -> Money:
        """The amount due (before any card fee): fare and extras less the discount."""
        gross = self.gross_total
        return gross - self.discount if self.discount is not None else gross


def price_offer(
    deps: Dependencies,
    *,
    user: User | None,
    offer_id: str,
    services: list[tuple[str, int]],
    coupon_code: str | None = None,
    seat_preferences: Sequence[tuple[str, SeatPreference | None]] = (),
) -> PricedOffer:
    """What an order of this offer with these extras (and this coupon) costs: the amount
    an instant order's payment must carry. With ``seat_preferences`` (offer passenger
    id, preference) the seats an order would be assigned now (ADR 0025) are among the
    services. Nothing is reserved, no coupon use taken; an unknown or spent coupon is
    ``InvalidCoupon`` (400 naming ``coupon_code``)."""
    with deps.uow(read_only=True) as uow:
        offer = load_offer(uow, deps, user, offer_id)
    known = {p.id for p in offer.passengers}
    for index, (passenger_id, _) in enumerate(seat_preferences):
        if passenger_id not in known:
            raise ValidationFailed(
                f"{passenger_id} is not a passenger of this offer.",
                field=f"passengers[{index}].id",
                code="unknown_passenger",
            )
    provider = deps.providers.for_offer(offer)
    assigned = with_assigned_seats(deps, provider, offer, dict(seat_preferences), services)
    priced = PricedOffer(offer, assigned)
    if coupon_code is None:
        return priced
    with deps.uow(read_only=True) as uow:
        coupon = apply_coupon(uow, deps, coupon_code, fare=offer.total, spend=priced.gross_total)
    return replace(priced, coupon_code=coupon.code, discount=coupon.discount)


def get_seat_maps(deps: Dependencies, *, user: User | None, offer_id: str) -> list[SeatMap]:
    with deps.uow(read_only=True) as uow:
        offer = load_offer(uow, deps, user, offer_id)
    return deps.providers.for_offer(offer).seat_maps(offer, now=deps.clock.now())


def offer_passengers(
    deps: Dependencies, *, user: User | None, offer_id: str
) -> tuple[OfferPassenger, ...]:
    """The passengers an offer was priced for (ids and types), without asking the airline."""
    with deps.uow(read_only=True) as uow:
        return load_offer(uow, deps, user, offer_id).passengers
