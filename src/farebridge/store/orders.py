"""Orders, their events and documents. Status changes are compare-and-set."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    JSON,
    Connection,
    Row,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError

from farebridge.domain.access import OrderScope
from farebridge.domain.duplicates import ENDED_STATUSES, booking_fingerprint
from farebridge.domain.errors import InvalidTransition
from farebridge.domain.manifest import FlightKey, segment_flight
from farebridge.domain.money import Money
from farebridge.domain.order import (
    UNCONFIRMED_STATUSES,
    Document,
    Order,
    OrderEvent,
    OrderFailure,
    OrderStatus,
    OrderType,
    TicketingStatus,
    is_allowed,
)
from farebridge.domain.schedule_changes import ScheduleChange, ScheduleChangeStatus
from farebridge.services.ports import DuplicateIdempotencyKey, OrderFilter
from farebridge.store import booking_fingerprints
from farebridge.store.codec import dump
from farebridge.store.database import json_loads
from farebridge.store.pagination import Page, PageRequest, keyset_page
from farebridge.store.schedule_changes import ScheduleChangeRepository, change_from
from farebridge.store.sealing import DataCipher, development_cipher
from farebridge.store.tables import (
    documents,
    order_events,
    order_flights,
    orders,
    schedule_changes,
    users,
)

_order_codec: TypeAdapter[Order] = TypeAdapter(Order)
# Columns that change after creation; the JSON payload keeps the rest.
_LIVE_FIELDS = (
    "status",
    "booking_reference",
    "payment_required_by",
    "failure",
    "ticketing_status",
    "paid_at",
    "synced_at",
    "cancelled_at",
    "metadata",
    "version",
    "documents",
    "surcharge",
    "schedule_changes",
)


# Statements of the hot paths (an order read, a booking's writes), built once: building a
# statement and computing its cache key cost more than running it (ADR 0034).
_INSERT_ORDER = insert(orders)
_INSERT_FLIGHTS = insert(order_flights)
_INSERT_EVENT = insert(order_events)
_INSERT_DOCUMENT = insert(documents)
# Sets the columns its execution's other parameters name (ADR 0039).
_SET_BY_ID = update(orders).where(orders.c.id == bindparam("cas_id"))
_ORDERS_BY_ID = select(orders).where(orders.c.id.in_(bindparam("order_ids", expanding=True)))
_DOCUMENTS_OF = (
    select(documents)
    .where(documents.c.order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(documents.c.issued_at, documents.c.unique_identifier)
)


def _whole_order(dialect: str) -> Any:
    """One order with its tickets and pending schedule changes, in one statement: each as
    a JSON array aggregated by a correlated subquery (an order read is the hot path of
    polling, and two more round trips were a sixth of its cost, issue 14). Order does
    not matter in SQL: the arrays are sorted as the separate reads sort them."""
    if dialect == "postgresql":
        aggregate, array = func.json_agg, func.json_build_array
        payload: Any = schedule_changes.c.payload
    else:
        aggregate, array = func.json_group_array, func.json_array
        payload = func.json(schedule_changes.c.payload)  # the stored text, as JSON
    tickets = (
        select(
            aggregate(
                array(
                    documents.c.type,
                    documents.c.unique_identifier,
                    documents.c.passenger_id,
                    documents.c.issued_at,
                )
            )
        )
        .where(documents.c.order_id == orders.c.id)
        .scalar_subquery()
    )
    pending = (
        select(
            aggregate(
                array(
                    schedule_changes.c.detected_at,
                    schedule_changes.c.id,
                    payload,
                )
            )
        )
        .where(
            schedule_changes.c.order_id == orders.c.id,
            schedule_changes.c.status == ScheduleChangeStatus.PENDING.value,
        )
        .scalar_subquery()
    )

    # Every JSON value comes back as its text, decoded only when the order is not known
    # already (see ``_DecodedOrders``).
    def as_text(value: Any) -> Any:
        return cast(value, Text) if dialect == "postgresql" else type_coerce(value, Text)

    columns = [
        as_text(column).label(column.name) if isinstance(column.type, JSON) else column
        for column in orders.c
    ]
    return select(
        *columns,
        as_text(tickets).label("tickets_json"),
        as_text(pending).label("pending_json"),
    ).where(orders.c.id == bindparam("order_id"))


_WHOLE_ORDER_BY_ID = {name: _whole_order(name) for name in ("postgresql", "sqlite")}
_JSON_COLUMNS = tuple(column.name for column in orders.c if isinstance(column.type, JSON))


class _DecodedOrders:
    """The orders last read whole, one slot per order and cipher, each with everything
    its read returned (every column of the row, its tickets and its pending changes, as
    stored): a row read again unchanged is not decoded and validated again (a sixth of
    the CPU of ``GET /orders/{id}``, the read that clients poll, issue 14). Any change to
    the order, its tickets or its changes makes the read differ, and the order is
    decoded again and replaces the old one, so nothing stale can be returned. Bounded,
    least recently used first out; shared by the threads of the process."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[DataCipher, str], tuple[tuple[Any, ...], Order]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, slot: tuple[DataCipher, str], read: tuple[Any, ...]) -> Order | None:
        """The order decoded from ``read`` before, if that is what the slot holds."""
        with self._lock:
            found = self._items.get(slot)
            if found is None or found[0] != read:
                return None
            self._items.move_to_end(slot)
            return found[1]

    def put(self, slot: tuple[DataCipher, str], read: tuple[Any, ...], order: Order) -> None:
        with self._lock:
            self._items[slot] = (read, order)
            self._items.move_to_end(slot)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


# An entry holds about 8 KB for one passenger on one flight, 36 KB for six passengers
# on six flights: 4 to 18 MB per process when full (ADR 0053).
_DECODED = _DecodedOrders(512)


def _instant(text: str) -> datetime:
    """An instant as a JSON aggregate carries it: ISO 8601 with an offset (PostgreSQL) or
    SQLite's naive UTC text."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _aggregated_tickets(items: list[list[Any]] | None) -> list[Document]:
    found = [
        Document(kind, number, passenger, _instant(at))
        for kind, number, passenger, at in items or ()
    ]
    return sorted(found, key=lambda d: (d.issued_at, d.unique_identifier))


def _aggregated_changes(items: list[list[Any]] | None) -> list[ScheduleChange]:
    ordered = sorted(
        ((_instant(at), change_id, payload) for at, change_id, payload in items or ()),
        key=lambda item: item[:2],
    )
    return [change_from(payload) for _, _, payload in ordered]


_DELETE_FLIGHTS = delete(order_flights).where(order_flights.c.order_id == bindparam("order_id"))
# The compare-and-set of ``apply``; the columns it changes are the execution's parameters.
_MOVE_ORDER = (
    update(orders)
    .where(orders.c.id == bindparam("cas_id"), orders.c.status == bindparam("cas_from"))
    .values(version=orders.c.version + 1)
)


class OrderRepository:
    def __init__(self, connection: Connection, cipher: DataCipher | None = None) -> None:
        self._db = connection
        self._cipher = cipher or development_cipher()

    def _payload(self, order: Order) -> dict[str, Any]:
        """The JSON payload of ``order``: its fixed fields, passport numbers sealed."""
        payload: dict[str, Any] = dump(_order_codec, order)
        for name in _LIVE_FIELDS:
            payload.pop(name, None)
        sealed: dict[str, Any] = self._cipher.seal_documents(payload)
        return sealed

    def add(
        self,
        order: Order,
        *,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        payload = self._payload(order)
        try:
            with self._db.begin_nested():
                self._db.execute(
                    _INSERT_ORDER,
                    {
                        "id": order.id,
                        "owner_id": order.owner_id,
                        "offer_id": order.offer_id,
                        "type": order.type.value,
                        "status": order.status.value,
                        "ticketing_status": order.ticketing_status.value,
                        "booking_reference": order.booking_reference,
                        "total_amount_minor": order.total.minor,
                        "total_currency": order.total.currency,
                        "payment_required_by": order.payment_required_by,
                        "paid_at": order.paid_at,
                        "synced_at": order.synced_at,
                        "created_at": order.created_at,
                        "idempotency_key": idempotency_key,
                        "idempotency_fingerprint": fingerprint,
                        "version": order.version,
                        **_surcharge_columns(order.surcharge),
                        "payload": payload,
                        "metadata": order.metadata,
                    },
                )
                # A new order (its id just inserted) has no flights to replace.
                self._write_flights(order, replace=False)
        except IntegrityError as exc:
            if idempotency_key is not None and self.get_by_idempotency_key(
                order.owner_id, idempotency_key
            ):
                raise DuplicateIdempotencyKey(idempotency_key) from exc
            raise

    def get(self, order_id: str) -> Order | None:
        statement = _WHOLE_ORDER_BY_ID[self._db.dialect.name]
        row = self._db.execute(statement, {"order_id": order_id}).first()
        if row is None:
            return None
        slot, read = (self._cipher, order_id), tuple(row)
        order = _DECODED.get(slot, read)
        if order is None:
            order = self._whole_from_row(row)
            _DECODED.put(slot, read, order)
        # The one mutable field is copied: a caller that changes it changes no other's.
        return replace(order, metadata=dict(order.metadata))

    def _whole_from_row(self, row: Row[Any]) -> Order:
        """An order from its row of ``_WHOLE_ORDER_BY_ID``, whose JSON values are text."""
        values = row._asdict()
        for name in (*_JSON_COLUMNS, "tickets_json", "pending_json"):
            text = values[name]
            values[name] = json_loads(text) if text is not None else None
        decoded = SimpleNamespace(**values)
        tickets = _aggregated_tickets(decoded.tickets_json)
        return self._from_row(decoded, tickets, _aggregated_changes(decoded.pending_json))  # type: ignore[arg-type]

    def get_many(self, order_ids: Collection[str]) -> dict[str, Order]:
        """The orders of ``order_ids`` that exist, by id: a query per 500, not one per order."""
        rows = [
            row
            for chunk in _chunks(list(order_ids))
            for row in self._db.execute(_ORDERS_BY_ID, {"order_ids": list(chunk)})
        ]
        return {order.id: order for order in self._orders(rows)}

    def get_by_idempotency_key(self, owner_id: str, key: str) -> tuple[Order, str | None] | None:
        row = self._db.execute(
            select(orders).where(orders.c.owner_id == owner_id, orders.c.idempotency_key == key)
        ).first()
        return (self._order(row), row.idempotency_fingerprint) if row else None

    def release_idempotency_key(self, order_id: str) -> None:
        self._db.execute(
            update(orders)
            .where(orders.c.id == order_id)
            .values(idempotency_key=None, idempotency_fingerprint=None)
        )

    def claim_booking(self, order: Order, fingerprint: str, *, expires_at: datetime) -> str | None:
        """Hold the passengers-and-flights ``fingerprint`` for ``order`` (recorded in this
        transaction) until it ends or ``expires_at``; None, or the id of the live order of
        the same owner that holds it already."""
        return booking_fingerprints.claim(
            self._db,
            owner_id=order.owner_id,
            fingerprint=fingerprint,
            order_id=order.id,
            now=order.created_at,
            expires_at=expires_at,
        )

    def _order(self, row: Row[Any]) -> Order:
        return self._orders([row])[0]

    def _orders(self, rows: Sequence[Row[Any]]) -> list[Order]:
        """Orders from their rows, with their tickets and pending schedule changes read in
        one query each for all of them (never one per order)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        tickets = self._documents(ids)
        changes = ScheduleChangeRepository(self._db).pending_for_orders(ids)
        return [
            self._from_row(row, tickets.get(row.id, ()), changes.get(row.id, [])) for row in rows
        ]

    def _from_row(
        self, row: Row[Any], tickets: Sequence[Document], changes: list[ScheduleChange]
    ) -> Order:
        data = dict(self._cipher.open_documents(row.payload))
        data.update(
            status=row.status,
            booking_reference=row.booking_reference,
            payment_required_by=row.payment_required_by,
            failure=row.failure,
            ticketing_status=row.ticketing_status,
            paid_at=row.paid_at,
            synced_at=row.synced_at,
            cancelled_at=row.cancelled_at,
            metadata=row.metadata,
            version=row.version,
            surcharge=_surcharge(row),
        )
        data["documents"] = tuple(tickets)
        data["schedule_changes"] = changes
        return _order_codec.validate_python(data)

    def _documents(self, order_ids: Sequence[str]) -> dict[str, list[Document]]:
        by_order: dict[str, list[Document]] = {}
        for chunk in _chunks(order_ids):
            rows = self._db.execute(_DOCUMENTS_OF, {"order_ids": list(chunk)})
            for r in rows:
                by_order.setdefault(r.order_id, []).append(
                    Document(r.type, r.unique_identifier, r.passenger_id, r.issued_at)
                )
        return by_order

    def list_for_owner(
        self, owner_id: str, page: PageRequest, filters: OrderFilter | None = None
    ) -> Page[Order]:
        return self.list_visible(OrderScope(owner_id=owner_id), page, filters)

    def list_visible(
        self, scope: OrderScope, page: PageRequest, filters: OrderFilter | None = None
    ) -> Page[Order]:
        """The orders of ``scope`` (one owner's, one agency's and the owner's, or all)."""
        query = select(orders.c.created_at, orders.c.id, orders).where(
            orders.c.status.not_in([status.value for status in UNCONFIRMED_STATUSES]),
        )
        if not scope.everything:
            agency = select(users.c.id).where(users.c.agency_id == scope.agency_id)
            query = query.where(
                (orders.c.owner_id == scope.owner_id) | orders.c.owner_id.in_(agency)
                if scope.agency_id is not None
                else orders.c.owner_id == scope.owner_id
            )
        if filters is not None:
            if filters.awaiting_payment is not None:
                hold = orders.c.status == OrderStatus.HOLD.value
                query = query.where(hold if filters.awaiting_payment else ~hold)
            if filters.booking_reference:
                query = query.where(orders.c.booking_reference == filters.booking_reference)
            if filters.offer_id:
                query = query.where(orders.c.offer_id == filters.offer_id)
            if filters.owner_id:
                query = query.where(orders.c.owner_id == filters.owner_id)
        rows, after, before = keyset_page(
            query,
            sort_column=orders.c.created_at,
            id_column=orders.c.id,
            page=page,
            descending=True,
            execute=self._db.execute,
        )
        return Page(self._orders(list(rows)), after, before, page.limit)

    def with_booking_reference(self, booking_reference: str, *, limit: int = 5) -> list[Order]:
        """Confirmed orders (any owner) with this booking reference, oldest first."""
        rows = self._db.execute(
            select(orders)
            .where(
                orders.c.booking_reference == booking_reference,
                orders.c.status.not_in([status.value for status in UNCONFIRMED_STATUSES]),
            )
            .order_by(orders.c.created_at, orders.c.id)
            .limit(limit)
        )
        return self._orders(list(rows))

    def on_flight(self, flight: FlightKey) -> list[Order]:
        """Confirmed orders (any owner, any status since) that fly ``flight``."""
        rows = self._db.execute(
            select(orders)
            .join(order_flights, order_flights.c.order_id == orders.c.id)
            .where(
                order_flights.c.carrier == flight.carrier,
                order_flights.c.number == flight.number,
                order_flights.c.departure_on == flight.departure_on,
                orders.c.status.not_in([status.value for status in UNCONFIRMED_STATUSES]),
            )
            .order_by(orders.c.booking_reference, orders.c.id)
        )
        return self._orders(list(rows))

    def _write_flights(self, order: Order, *, replace: bool = True) -> None:
        """The order's flights for the manifest; replaced with the order's trip."""
        if replace:
            self._db.execute(_DELETE_FLIGHTS, {"order_id": order.id})
        flights = {segment_flight(s) for part in order.slices for s in part.segments}
        if flights:
            self._db.execute(
                _INSERT_FLIGHTS,
                [
                    {
                        "order_id": order.id,
                        "carrier": f.carrier,
                        "number": f.number,
                        "departure_on": f.departure_on,
                    }
                    for f in sorted(flights, key=lambda f: (f.departure_on, f.carrier, f.number))
                ],
            )

    def latest_for_offer(self, owner_id: str, offer_id: str) -> Order | None:
        row = self._db.execute(
            select(orders)
            .where(orders.c.owner_id == owner_id, orders.c.offer_id == offer_id)
            .order_by(orders.c.created_at.desc(), orders.c.id.desc())
            .limit(1)
        ).first()
        return self._order(row) if row is not None else None

    def apply(self, event: OrderEvent, **changes: Any) -> bool:
        """Compare-and-set ``event.from_status → event.to_status``; write the event row in
        the same transaction. False if someone else moved the order first."""
        source, target = event.from_status, event.to_status
        if source is None or not is_allowed(source, target):
            raise InvalidTransition(event.order_id, str(source), target.value)
        result = self._db.execute(
            _MOVE_ORDER,
            {
                "cas_id": event.order_id,
                "cas_from": source.value,
                "status": target.value,
                **_columns(changes),
            },
        )
        if result.rowcount != 1:
            return False
        if target in ENDED_STATUSES:
            booking_fingerprints.release(self._db, event.order_id)
        self.add_event(event)
        return True

    def pending_before(self, cutoff: datetime, *, limit: int = 100) -> list[Order]:
        rows = self._db.execute(
            select(orders)
            .where(orders.c.status == OrderStatus.PENDING.value, orders.c.created_at < cutoff)
            .order_by(orders.c.created_at)
            .limit(limit)
        )
        return self._orders(list(rows))

    def set_ticketing_status(
        self, order_id: str, status: TicketingStatus, *, synced_at: datetime
    ) -> None:
        self._db.execute(
            _SET_BY_ID,
            {"cas_id": order_id, "ticketing_status": status.value, "synced_at": synced_at},
        )

    def mark_synced(self, order_id: str, *, synced_at: datetime) -> None:
        """Record that the order was just compared with the airline's booking."""
        self._db.execute(_SET_BY_ID, {"cas_id": order_id, "synced_at": synced_at})

    def update_metadata(self, order_id: str, metadata: dict[str, Any]) -> None:
        self._db.execute(
            update(orders)
            .where(orders.c.id == order_id)
            .values(metadata=metadata, version=orders.c.version + 1)
        )

    def add_event(self, event: OrderEvent) -> None:
        """Record an event that changes no status (a transition goes through ``apply``)."""
        self._db.execute(
            _INSERT_EVENT,
            {
                "order_id": event.order_id,
                "type": event.type,
                "from_status": event.from_status.value if event.from_status else None,
                "to_status": event.to_status.value,
                "data": event.data,
                "occurred_at": event.occurred_at,
            },
        )

    def events(self, order_id: str) -> list[OrderEvent]:
        rows = self._db.execute(
            select(order_events)
            .where(order_events.c.order_id == order_id)
            .order_by(order_events.c.id)
        )
        return [
            OrderEvent(
                r.order_id,
                r.type,
                OrderStatus(r.from_status) if r.from_status else None,
                OrderStatus(r.to_status),
                r.occurred_at,
                r.data,
            )
            for r in rows
        ]

    def add_documents(self, order_id: str, items: Sequence[Document]) -> None:
        for document in items:
            self._db.execute(
                insert(documents).values(
                    unique_identifier=document.unique_identifier,
                    order_id=order_id,
                    passenger_id=document.passenger_id,
                    type=document.type,
                    issued_at=document.issued_at,
                )
            )

    def holds_due_for_expiry(self, now: datetime, *, limit: int = 100) -> list[str]:
        rows = self._db.execute(
            select(orders.c.id)
            .where(
                orders.c.status == OrderStatus.HOLD.value,
                orders.c.payment_required_by <= now,
            )
            .limit(limit)
        )
        return [r.id for r in rows]

    def count_unpaid_holds(self, owner_id: str, now: datetime) -> int:
        live = or_(
            orders.c.status == OrderStatus.PENDING.value,
            and_(
                orders.c.status == OrderStatus.HOLD.value,
                or_(orders.c.payment_required_by.is_(None), orders.c.payment_required_by > now),
            ),
        )
        query = select(func.count()).where(
            orders.c.owner_id == owner_id, orders.c.type == OrderType.HOLD.value, live
        )
        return int(self._db.execute(query).scalar_one())

    def replace_trip(self, order: Order, *, expected_version: int) -> bool:
        payload = self._payload(order)
        result = self._db.execute(
            update(orders)
            .where(
                orders.c.id == order.id,
                orders.c.version == expected_version,
                orders.c.status == order.status.value,
            )
            .values(
                payload=payload,
                booking_reference=order.booking_reference,
                total_amount_minor=order.total.minor,
                total_currency=order.total.currency,
                version=orders.c.version + 1,
            )
        )
        if result.rowcount != 1:
            return False
        self._write_flights(order)
        booking_fingerprints.move(
            self._db, order.id, booking_fingerprint(order.passengers, order.slices)
        )
        return True

    def replace_pending_services(self, order: Order) -> bool:
        payload = self._payload(order)
        result = self._db.execute(
            update(orders)
            .where(orders.c.id == order.id, orders.c.status == OrderStatus.PENDING.value)
            .values(
                payload=payload,
                total_amount_minor=order.total.minor,
                total_currency=order.total.currency,
            )
        )
        return result.rowcount == 1

    def remove_documents(self, order_id: str) -> list[str]:
        numbers = list(
            self._db.execute(
                select(documents.c.unique_identifier).where(documents.c.order_id == order_id)
            ).scalars()
        )
        self._db.execute(delete(documents).where(documents.c.order_id == order_id))
        return numbers


def _columns(changes: dict[str, Any]) -> dict[str, Any]:
    """Domain values → column values for ``apply``'s extra changes."""
    failure = changes.get("failure")
    if failure is not None:
        changes = {**changes, "failure": dump(_failure_codec, failure)}
    if "surcharge" in changes:
        changes = {**changes}
        changes.update(_surcharge_columns(changes.pop("surcharge")))
    # Run as parameters of a built statement, a name that is no column would be ignored.
    unknown = changes.keys() - orders.c.keys()
    if unknown:
        raise ValueError(f"orders has no column {sorted(unknown)}")
    return changes


def _surcharge_columns(surcharge: Money | None) -> dict[str, Any]:
    return {
        "surcharge_amount_minor": surcharge.minor if surcharge is not None else None,
        "surcharge_currency": surcharge.currency if surcharge is not None else None,
    }


def _surcharge(row: Row[Any]) -> dict[str, str] | None:
    if row.surcharge_currency is None:
        return None
    money = Money.from_minor(row.surcharge_amount_minor, row.surcharge_currency)
    return {"amount": str(money.amount), "currency": money.currency}


_failure_codec: TypeAdapter[OrderFailure] = TypeAdapter(OrderFailure)


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Bounded IN lists (SQLite caps a statement's parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
