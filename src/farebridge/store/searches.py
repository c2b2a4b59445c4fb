"""Offer requests and the offers they produced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time

from sqlalchemy import Connection, func, insert, select, update

from farebridge.domain.money import minor_units_at_most
from farebridge.domain.offer import Offer, OfferRequest, OfferRequestStatus
from farebridge.services.ports import AirlineNames, OfferFilter, Page, PageRequest
from farebridge.store.codec import criteria_codec, dump, offer_codec
from farebridge.store.pagination import keyset_page
from farebridge.store.tables import offer_requests, offers


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
            )
        )

    def get(self, request_id: str) -> OfferRequest | None:
        row = self._db.execute(
            select(offer_requests).where(offer_requests.c.id == request_id)
        ).first()
        if row is None:
            return None
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
            update(offer_requests)
            .where(
                offer_requests.c.id == request_id,
                offer_requests.c.status == OfferRequestStatus.PENDING.value,
            )
            .values(
                status=status.value,
                completed_at=now,
                offers_count=offers_count,
                truncated=int(truncated),
                error_code=error_code,
                error_message=error_message,
            )
        )
        return result.rowcount == 1


class OfferRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add_many(self, items: Sequence[Offer]) -> None:
        if not items:
            return
        self._db.execute(insert(offers), [self._row(offer) for offer in items])

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
            "expires_at": offer.expires_at,
            "payload": dump(offer_codec, offer),
        }

    def get(self, offer_id: str) -> Offer | None:
        row = self._db.execute(
            select(offers.c.payload, offers.c.expires_at).where(offers.c.id == offer_id)
        ).first()
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
        sort_column = (
            offers.c.total_duration_minutes
            if filters.sort == "total_duration"
            else offers.c.comparable_amount
        )
        query = select(sort_column, offers.c.id, offers.c.payload).where(
            offers.c.offer_request_id == request_id
        )
        if filters.max_price is not None:
            currency = filters.max_price_currency
            assert currency is not None, "the search service gives the search's currency"
            cap = minor_units_at_most(filters.max_price, currency)
            query = query.where(
                offers.c.total_currency == currency, offers.c.comparable_amount <= cap
            )
        if filters.max_connections is not None:
            query = query.where(offers.c.connections <= filters.max_connections)
        if filters.airlines:
            query = query.where(offers.c.owner_iata_code.in_(filters.airlines))
        if filters.departure_from is not None:
            query = query.where(offers.c.departure_minute >= _minute(filters.departure_from))
        if filters.departure_to is not None:
            query = query.where(offers.c.departure_minute <= _minute(filters.departure_to))
        rows, after, before = keyset_page(
            query,
            sort_column=sort_column,
            id_column=offers.c.id,
            page=page,
            execute=self._db.execute,
        )
        items = [offer_codec.validate_python(row.payload) for row in rows]
        return Page(items=items, after=after, before=before, limit=page.limit)

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


def _local_minute(offer: Offer) -> int:
    return _minute(offer.slices[0].departing_at)


def _minute(moment: time | datetime) -> int:
    """Minutes after midnight: how ``departure_minute`` stores a time of day."""
    return moment.hour * 60 + moment.minute
