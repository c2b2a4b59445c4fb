"""SQL side of the sandbox GDS: seat inventory, bookings and tickets.

Seats are taken with ``UPDATE … SET available = available - n WHERE … AND
available >= n`` and a ``CHECK (available >= 0)`` backstop, all legs of a
booking in one transaction: it never oversells under any concurrency.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from farebridge.domain.errors import SeatUnavailable
from farebridge.providers.sandbox.booking.inventory import LegKey, LegReservation, SandboxBooking
from farebridge.store.database import for_reading, per_dialect
from farebridge.store.tables import (
    sandbox_bookings,
    sandbox_inventory,
    sandbox_seats,
    sandbox_tickets,
)

# Built once (ADR 0039). A ticket already issued to the passenger (or its number) is
# kept: the insert skips it.
_BOOKING = select(sandbox_bookings).where(sandbox_bookings.c.reference == bindparam("reference"))
_ISSUE_TICKET = per_dialect(lambda insert_: insert_(sandbox_tickets).on_conflict_do_nothing())
_TICKET_BOOKING = (
    update(sandbox_bookings)
    .where(
        sandbox_bookings.c.reference == bindparam("cas_reference"),
        sandbox_bookings.c.status == "active",
    )
    .values(status="ticketed")
)
_TICKETS_OF = (
    select(sandbox_tickets.c.passenger_id, sandbox_tickets.c.number)
    .where(sandbox_tickets.c.reference == bindparam("reference"))
    .order_by(sandbox_tickets.c.number)
)
# A reservation, leg by leg: the leg's row made if it is missing, then its seats taken
# only while enough are left; then the booking, and its chosen seats.
_MATERIALISE = per_dialect(
    lambda insert_: (
        insert_(sandbox_inventory)
        .values(
            flight=bindparam("flight"),
            departure_on=bindparam("departure_on"),
            cabin=bindparam("cabin"),
            available=bindparam("available"),
        )
        .on_conflict_do_nothing()
    )
)
_TAKE_SEATS = (
    update(sandbox_inventory)
    .where(
        sandbox_inventory.c.flight == bindparam("key_flight"),
        sandbox_inventory.c.departure_on == bindparam("key_departure_on"),
        sandbox_inventory.c.cabin == bindparam("key_cabin"),
        sandbox_inventory.c.available >= bindparam("seats"),
    )
    .values(available=sandbox_inventory.c.available - bindparam("seats"))
)
_ADD_BOOKING = insert(sandbox_bookings)
_ADD_SEAT = insert(sandbox_seats)
_BOOKING_BY_KEY = select(sandbox_bookings).where(
    sandbox_bookings.c.request_key == bindparam("request_key")
)

LIVE = ("active", "ticketed")


class _NotEnoughSeats(Exception):
    """Rolls the whole booking back when one leg lacks seats."""


class SqlSandboxInventory:
    """Implements ``providers.sandbox.booking.inventory.SandboxInventory``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert

    def availability(self, keys: Sequence[LegKey]) -> dict[LegKey, int]:
        if not keys:
            return {}
        wanted = {(k.flight, k.departure_on, k.cabin) for k in keys}
        result: dict[LegKey, int] = {}
        with for_reading(self._engine.connect()) as db:
            for chunk in _chunks(sorted(wanted), 300):
                parameters = {
                    f"{name}{index}": value
                    for index, key in enumerate(chunk)
                    for name, value in zip(("f", "d", "c"), key, strict=True)
                }
                for row in db.execute(_availability_of(len(chunk)), parameters):
                    result[LegKey(row.flight, row.departure_on, row.cabin)] = row.available
        return result

    def reserve(self, booking: SandboxBooking) -> SandboxBooking | None:
        try:
            with self._engine.begin() as db:
                self._reserve(db, booking)
        except _NotEnoughSeats:
            return None
        except IntegrityError:
            # Another call with the same key won the race: its booking stands.
            made = self.find_by_key(booking.key) if booking.key else None
            if made is None:
                raise
            return made
        return booking

    def find_by_key(self, key: str) -> SandboxBooking | None:
        with for_reading(self._engine.connect()) as db:
            row = db.execute(_BOOKING_BY_KEY, {"request_key": key}).first()
        return _booking(row) if row is not None else None

    def _reserve(self, db: Connection, booking: SandboxBooking) -> None:
        # One fixed lock order for reserving and releasing: no two can deadlock.
        for leg in _in_lock_order(booking.legs):
            self._materialise(db, leg)
            taken = db.execute(
                _TAKE_SEATS,
                {
                    "key_flight": leg.key.flight,
                    "key_departure_on": leg.key.departure_on,
                    "key_cabin": leg.key.cabin,
                    "seats": leg.seats,
                },
            )
            if taken.rowcount != 1:
                raise _NotEnoughSeats(leg.key)
        db.execute(
            _ADD_BOOKING,
            {
                "reference": booking.reference,
                "status": "active",
                "legs": [_leg_json(leg) for leg in booking.legs],
                "payment_required_by": booking.payment_required_by,
                "created_at": booking.created_at,
                "faults": list(booking.faults),
                "request_key": booking.key,
                "replaces": booking.replaces,
            },
        )
        for seat in booking.seats:
            try:
                with db.begin_nested():
                    db.execute(
                        _ADD_SEAT,
                        {
                            "flight": seat.key.flight,
                            "departure_on": seat.key.departure_on,
                            "designator": seat.designator,
                            "cabin": seat.key.cabin,
                            "reference": booking.reference,
                            "passenger_id": seat.passenger_id,
                        },
                    )
            except IntegrityError as exc:
                raise SeatUnavailable(
                    f"Seat {seat.designator} on {seat.key.flight} is no longer free.",
                    field="services",
                ) from exc

    def _materialise(self, db: Connection, leg: LegReservation) -> None:
        db.execute(
            _MATERIALISE[db.dialect.name],
            {
                "flight": leg.key.flight,
                "departure_on": leg.key.departure_on,
                "cabin": leg.key.cabin,
                "available": max(leg.initially_available, 0),
            },
        )

    def release(self, reference: str, *, now: datetime) -> bool:
        with self._engine.begin() as db:
            cancelled = db.execute(
                update(sandbox_bookings)
                .where(
                    sandbox_bookings.c.reference == reference,
                    sandbox_bookings.c.status.in_(LIVE),
                )
                .values(status="cancelled", cancelled_at=now)
            )
            if cancelled.rowcount != 1:
                return False
            legs = db.execute(
                select(sandbox_bookings.c.legs).where(sandbox_bookings.c.reference == reference)
            ).scalar_one()
            released = self._hand_over(db, reference, [_leg_from_json(data) for data in legs])
            for leg in _in_lock_order(released):
                db.execute(
                    update(sandbox_inventory)
                    .where(_key_is(leg.key))
                    .values(available=sandbox_inventory.c.available + leg.seats)
                )
            db.execute(delete(sandbox_seats).where(sandbox_seats.c.reference == reference))
        return True

    def _hand_over(
        self, db: Connection, reference: str, legs: list[LegReservation]
    ) -> list[LegReservation]:
        """Give the legs a live successor carries over (0 seats) to it, with their chosen
        seats; return the legs left to release. The successor's row is locked first, so
        a concurrent release of it sees the seats handed over, or none."""
        successor = db.execute(
            select(sandbox_bookings.c.reference, sandbox_bookings.c.legs)
            .where(sandbox_bookings.c.replaces == reference, sandbox_bookings.c.status.in_(LIVE))
            .with_for_update()
        ).first()
        if successor is None:
            return legs
        mine = {leg.key: leg for leg in legs}
        carried: list[dict[str, Any]] = []
        handed: set[LegKey] = set()
        for data in successor.legs:
            leg = _leg_from_json(data)
            if leg.seats == 0 and leg.key in mine and leg.key not in handed:
                handed.add(leg.key)
                leg = LegReservation(leg.key, mine[leg.key].seats, leg.initially_available)
            carried.append(_leg_json(leg))
        db.execute(
            update(sandbox_bookings)
            .where(sandbox_bookings.c.reference == successor.reference)
            .values(legs=carried)
        )
        for key in handed:
            db.execute(
                update(sandbox_seats)
                .where(
                    sandbox_seats.c.reference == reference,
                    sandbox_seats.c.flight == key.flight,
                    sandbox_seats.c.departure_on == key.departure_on,
                )
                .values(reference=successor.reference)
            )
        return [leg for leg in legs if leg.key not in handed]

    def chosen_seats(self, keys: Sequence[LegKey]) -> dict[LegKey, frozenset[str]]:
        found: dict[LegKey, set[str]] = {key: set() for key in keys}
        flights = sorted({key.flight for key in keys})
        if not flights:
            return {}
        with for_reading(self._engine.connect()) as db:
            rows = db.execute(select(sandbox_seats).where(sandbox_seats.c.flight.in_(flights)))
            for row in rows:
                key = LegKey(row.flight, row.departure_on, row.cabin)
                if key in found:
                    found[key].add(row.designator)
        return {key: frozenset(seats) for key, seats in found.items()}

    def get_booking(self, reference: str) -> SandboxBooking | None:
        with for_reading(self._engine.connect()) as db:
            row = db.execute(_BOOKING, {"reference": reference}).first()
        return _booking(row) if row is not None else None

    def issue_tickets(
        self, reference: str, numbers: Sequence[tuple[str, str]], *, now: datetime
    ) -> list[tuple[str, str]]:
        """Ticket the booking's passengers; a passenger ticketed before keeps the first
        number. The tickets of the booking, by number."""
        with self._engine.begin() as db:
            if numbers:
                rows = [
                    {"number": n, "reference": reference, "passenger_id": p, "issued_at": now}
                    for p, n in numbers
                ]
                db.execute(_ISSUE_TICKET[db.dialect.name], rows)
            db.execute(_TICKET_BOOKING, {"cas_reference": reference})
            issued = db.execute(_TICKETS_OF, {"reference": reference})
            return [(r.passenger_id, r.number) for r in issued]

    def set_available(self, key: LegKey, seats: int) -> None:
        """Operator and test hook: set the seats left on one flight-date-cabin."""
        with self._engine.begin() as db:
            db.execute(
                self._insert(sandbox_inventory)
                .values(
                    flight=key.flight,
                    departure_on=key.departure_on,
                    cabin=key.cabin,
                    available=seats,
                )
                .on_conflict_do_update(
                    index_elements=["flight", "departure_on", "cabin"], set_={"available": seats}
                )
            )


@functools.lru_cache(maxsize=32)
def _availability_of(count: int) -> Any:
    """The seats left on ``count`` flight-date-cabins, given as parameters ``f0``,
    ``d0``, ``c0``, ``f1``…: built once per count, as a search or a booking asks for a
    few counts again and again (ADR 0039)."""
    return select(sandbox_inventory).where(
        or_(
            *(
                and_(
                    sandbox_inventory.c.flight == bindparam(f"f{index}"),
                    sandbox_inventory.c.departure_on == bindparam(f"d{index}"),
                    sandbox_inventory.c.cabin == bindparam(f"c{index}"),
                )
                for index in range(count)
            )
        )
    )


def _in_lock_order(legs: Sequence[LegReservation]) -> list[LegReservation]:
    return sorted(legs, key=lambda leg: (leg.key.flight, leg.key.departure_on, leg.key.cabin))


def _booking(row: Row[Any]) -> SandboxBooking:
    return SandboxBooking(
        reference=row.reference,
        status=row.status,
        legs=tuple(_leg_from_json(leg) for leg in row.legs),
        payment_required_by=row.payment_required_by,
        created_at=row.created_at,
        faults=tuple(row.faults or ()),
        key=row.request_key,
        replaces=row.replaces,
    )


def _key_is(key: LegKey) -> Any:
    return and_(
        sandbox_inventory.c.flight == key.flight,
        sandbox_inventory.c.departure_on == key.departure_on,
        sandbox_inventory.c.cabin == key.cabin,
    )


def _leg_json(leg: LegReservation) -> dict[str, Any]:
    return {
        "flight": leg.key.flight,
        "departure_on": leg.key.departure_on.isoformat(),
        "cabin": leg.key.cabin,
        "seats": leg.seats,
        "initially_available": leg.initially_available,
    }


def _leg_from_json(data: dict[str, Any]) -> LegReservation:
    key = LegKey(data["flight"], date.fromisoformat(data["departure_on"]), data["cabin"])
    return LegReservation(key, int(data["seats"]), int(data["initially_available"]))


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


__all__ = ["SqlSandboxInventory"]
