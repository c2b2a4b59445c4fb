"""Offer requests and the offers they produced."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)

from farebridge.domain.money import Money, minor_units_at_most
from farebridge.domain.offer import (
    CalendarDay,
    FareBrandOption,
    Offer,
    OfferRequest,
    OfferRequestStatus,
)
from farebridge.services.ports import AirlineNames, OfferFilter, Page, PageRequest
from farebridge.store.codec import (
    baggages_codec,
    conditions_codec,
    criteria_codec,
    dump,
    dump_text,
    offer_codec,
)
from farebridge.store.pagination import keyset_page
from farebridge.store.tables import offer_requests, offers

# The statements of a search and a booking's re-check, built once (ADR 0034).
_REQUEST_BY_ID = select(offer_requests).where(offer_requests.c.id == bindparam("request_id"))
_FINISH_REQUEST = update(offer_requests).where(
    offer_requests.c.id == bindparam("cas_id"),
    offer_requests.c.status == OfferRequestStatus.PENDING.value,
)
_INSERT_OFFER = insert(offers)
_OFFER_BY_ID = select(offers.c.payload, offers.c.expires_at).where(
    offers.c.id == bindparam("offer_id")
)
_RANKED_IDS = (
    select(offers.c.id)
    .where(offers.c.offer_request_id == bindparam("request_id"))
    .order_by(offers.c.comparable_amount, offers.c.id)
)

_FARE_BRANDS = (
    select(
        offers.c.itinerary_id,
        offers.c.id,
        offers.c.total_amount_minor,
        offers.c.total_currency,
        offers.c.payload["fare_brand_name"].as_string().label("fare_brand_name"),
        offers.c.payload["conditions"].label("conditions"),
        offers.c.payload[("slices", 0, "segments", 0, "baggages")].label("baggages"),
    )
    .where(
        offers.c.offer_request_id == bindparam("request_id"),
        offers.c.itinerary_id.in_(bindparam("itinerary_ids", expanding=True)),
    )
    .order_by(offers.c.comparable_amount, offers.c.id)
)


class OfferRequestRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, request: OfferRequest) -> None:
        self._db.execute(
            insert(offer_requests).values(
                id=request.id,
                owner_id=request.owner_id,
                criteria=dump(criteria_codec, request.criteria),
                status=request.status.value,
                created_at=request.created_at,
                providers=list(request.providers),
                scenarios=sorted(request.scenarios),
                date_options=[[day.isoformat() for day in dates] for dates in request.date_options],
            )
        )

    def get(self, request_id: str) -> OfferRequest | None:
        row = self._db.execute(_REQUEST_BY_ID, {"request_id": request_id}).first()
        return None if row is None else self._request(row)

    def list_for_owner(self, owner_id: str, page: PageRequest) -> Page[OfferRequest]:
        """The owner's searches, newest first."""
        query = select(offer_requests.c.created_at, offer_requests.c.id, offer_requests).where(
            offer_requests.c.owner_id == owner_id
        )
        rows, after, before = keyset_page(
            query,
            sort_column=offer_requests.c.created_at,
            id_column=offer_requests.c.id,
            page=page,
            descending=True,
            execute=self._db.execute,
        )
        return Page([self._request(r) for r in rows], after, before, page.limit)

    @staticmethod
    def _request(row: Any) -> OfferRequest:
        return OfferRequest(
            id=row.id,
            owner_id=row.owner_id,
            criteria=criteria_codec.validate_python(row.criteria),
            status=OfferRequestStatus(row.status),
            created_at=row.created_at,
            completed_at=row.completed_at,
            offers_count=row.offers_count,
            truncated=bool(row.truncated),
            error_code=row.error_code,
            error_message=row.error_message,
            providers=tuple(row.providers or ("sandbox",)),
            scenarios=frozenset(row.scenarios or ()),
            date_options=tuple(
                tuple(date.fromisoformat(day) for day in dates) for dates in row.date_options or ()
            ),
        )

    def finish(
        self,
        request_id: str,
        *,
        status: OfferRequestStatus,
        now: datetime,
        offers_count: int = 0,
        truncated: bool = False,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> bool:
        """Compare-and-set pending → complete | failed. False if already finished."""
        result = self._db.execute(
            _FINISH_REQUEST,
            {
                "cas_id": request_id,
                "status": status.value,
                "completed_at": now,
                "offers_count": offers_count,
                "truncated": int(truncated),
                "error_code": error_code,
                "error_message": error_message,
            },
        )
        return result.rowcount == 1


class OfferRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add_many(self, items: Sequence[Offer]) -> None:
        if not items:
            return
        self._db.execute(_INSERT_OFFER, [self._row(offer) for offer in items])

    @staticmethod
    def _row(offer: Offer) -> dict[str, object]:
        return {
            "id": offer.id,
            "offer_request_id": offer.offer_request_id,
            "total_amount_minor": offer.total.minor,
            "total_currency": offer.total.currency,
            "comparable_amount": offer.total.minor,
            "total_duration_minutes": int(offer.total_duration.total_seconds() // 60),
            "connections": offer.connections,
            "owner_iata_code": offer.owner.iata_code,
            "departure_minute": _local_minute(offer),
            "itinerary_id": offer.itinerary_id,
            "departure_dates": _joined(offer.departure_dates),
            "expires_at": offer.expires_at,
            # The brands are read with the offer, never stored (``Offer.fare_brands``).
            "payload": dump_text(
                offer_codec, replace(offer, fare_brands=()) if offer.fare_brands else offer
            ),
        }

    def get(self, offer_id: str) -> Offer | None:
        row = self._db.execute(_OFFER_BY_ID, {"offer_id": offer_id}).first()
        if row is None:
            return None
        # The column is the truth for expiry (operators and tests may change it).
        return replace(offer_codec.validate_python(row.payload), expires_at=row.expires_at)

    def replace(self, offer: Offer) -> None:
        """Store a re-checked offer (same id, possibly a new price)."""
        values = self._row(offer)
        del values["id"]
        self._db.execute(update(offers).where(offers.c.id == offer.id).values(**values))

    def list(self, request_id: str, filters: OfferFilter, page: PageRequest) -> Page[Offer]:
        sort_column = _sort_column(filters)
        choose = _cheapest_per_itinerary if filters.one_per_itinerary else _every_offer
        query, sort_by, id_column = choose(sort_column, _conditions(request_id, filters))
        rows, after, before = keyset_page(
            query,
            sort_column=sort_by,
            id_column=id_column,
            page=page,
            execute=self._db.execute,
        )
        items = [offer_codec.validate_python(row.payload) for row in rows]
        return Page(items=items, after=after, before=before, limit=page.limit)

    def ranked_ids(self, request_id: str) -> Sequence[str]:
        """Along ``ix_offers_request_amount``, no payload read (a search's first page
        presented from the offers in memory, ``services.search.wait_for_offers``)."""
        return list(self._db.execute(_RANKED_IDS, {"request_id": request_id}).scalars())

    def fare_brands(
        self, request_id: str, itinerary_ids: Collection[str]
    ) -> dict[str, tuple[FareBrandOption, ...]]:
        """Read from the columns and three parts of the payload, not whole offers: a page
        of 50 itineraries has some 150 brands."""
        rows = self._db.execute(
            _FARE_BRANDS,
            {"request_id": request_id, "itinerary_ids": sorted(itinerary_ids)},
        )
        brands: dict[str, tuple[FareBrandOption, ...]] = {}
        for row in rows:
            brand = FareBrandOption(
                offer_id=row.id,
                fare_brand_name=row.fare_brand_name,
                total=Money.from_minor(row.total_amount_minor, row.total_currency),
                conditions=conditions_codec.validate_python(row.conditions),
                baggages=baggages_codec.validate_python(row.baggages),
            )
            brands[row.itinerary_id] = (*brands.get(row.itinerary_id, ()), brand)
        return brands

    def calendar(
        self, request_id: str, dates: Sequence[tuple[date, ...]]
    ) -> tuple[CalendarDay, ...]:
        """Cheapest by ``comparable_amount``, so that offers in several currencies compare."""
        in_order = (offers.c.comparable_amount, offers.c.id)
        ranked = (
            select(
                offers.c.departure_dates,
                offers.c.id,
                offers.c.total_amount_minor,
                offers.c.total_currency,
                func.row_number()
                .over(partition_by=offers.c.departure_dates, order_by=in_order)
                .label("price_rank"),
                func.count().over(partition_by=offers.c.departure_dates).label("offers_count"),
            )
            .where(
                offers.c.offer_request_id == request_id,
                offers.c.departure_dates.in_([_joined(day) for day in dates]),
            )
            .subquery()
        )
        rows = self._db.execute(select(ranked).where(ranked.c.price_rank == 1))
        return tuple(
            CalendarDay(
                departure_dates=_split(row.departure_dates),
                offers_count=row.offers_count,
                cheapest=Money.from_minor(row.total_amount_minor, row.total_currency),
                offer_id=row.id,
            )
            for row in rows
        )

    def airlines(self, request_id: str) -> AirlineNames:
        """``(IATA code, name)`` of every airline owning an offer of the request."""
        first = (
            select(offers.c.owner_iata_code, func.min(offers.c.id).label("offer_id"))
            .where(offers.c.offer_request_id == request_id)
            .group_by(offers.c.owner_iata_code)
            .subquery()
        )
        rows = self._db.execute(
            select(first.c.owner_iata_code, offers.c.payload)
            .join(offers, offers.c.id == first.c.offer_id)
            .order_by(first.c.owner_iata_code)
        )
        return [(row.owner_iata_code, row.payload["owner"]["name"]) for row in rows]


def _conditions(request_id: str, filters: OfferFilter) -> list[ColumnElement[bool]]:
    conditions = [offers.c.offer_request_id == request_id]
    if filters.max_price is not None:
        currency = filters.max_price_currency
        assert currency is not None, "the search service gives the search's currency"
        cap = minor_units_at_most(filters.max_price, currency)
        conditions.append(offers.c.total_currency == currency)
        conditions.append(offers.c.comparable_amount <= cap)
    if filters.max_connections is not None:
        conditions.append(offers.c.connections <= filters.max_connections)
    if filters.airlines:
        conditions.append(offers.c.owner_iata_code.in_(filters.airlines))
    if filters.departure_from is not None:
        conditions.append(offers.c.departure_minute >= _minute(filters.departure_from))
    if filters.departure_to is not None:
        conditions.append(offers.c.departure_minute <= _minute(filters.departure_to))
    if filters.departure_dates:
        conditions.append(offers.c.departure_dates == _joined(filters.departure_dates))
    return conditions


OfferQuery = tuple[Select[Any], ColumnElement[Any], ColumnElement[Any]]  # query, sort, id


def _sort_column(filters: OfferFilter) -> ColumnElement[Any]:
    if filters.sort == "total_duration":
        return offers.c.total_duration_minutes
    if filters.sort == "best":  # the price with each minute of travel counted as money
        worth = literal(filters.best_minute_worth, BigInteger)
        return offers.c.comparable_amount + offers.c.total_duration_minutes * worth
    return offers.c.comparable_amount


def _every_offer(
    sort_column: ColumnElement[Any], conditions: list[ColumnElement[bool]]
) -> OfferQuery:
    query = select(sort_column, offers.c.id, offers.c.payload).where(*conditions)
    return query, sort_column, offers.c.id


def _cheapest_per_itinerary(
    sort_column: ColumnElement[Any], conditions: list[ColumnElement[bool]]
) -> OfferQuery:
    """The query for the cheapest matching offer of each itinerary, its sort and id columns.

    Filters apply first, so the cheapest brand that passes them stands for its itinerary."""
    brand_rank = func.row_number().over(
        partition_by=offers.c.itinerary_id, order_by=(offers.c.comparable_amount, offers.c.id)
    )
    ranked = (
        select(
            sort_column.label("sort_value"),
            offers.c.id,
            offers.c.payload,
            brand_rank.label("brand_rank"),
        )
        .where(*conditions)
        .subquery()
    )
    query = select(ranked.c.sort_value, ranked.c.id, ranked.c.payload).where(
        ranked.c.brand_rank == 1
    )
    return query, ranked.c.sort_value, ranked.c.id


def _joined(dates: Sequence[date]) -> str:
    """How ``departure_dates`` stores one date per slice: ``2027-01-14,2027-01-21``."""
    return ",".join(day.isoformat() for day in dates)


def _split(text: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(day) for day in text.split(","))


def _local_minute(offer: Offer) -> int:
    return _minute(offer.slices[0].departing_at)


def _minute(moment: time | datetime) -> int:
    """Minutes after midnight: how ``departure_minute`` stores a time of day."""
    return moment.hour * 60 + moment.minute
