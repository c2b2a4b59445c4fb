"""The flight_api dialect's bookings and payment intents (``domain.flight_api``). An
intent moves on only by compare-and-set on its status, so two clients opening its
confirm URL at once pay the orders once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, insert, or_, select, update

from farebridge.domain.flight_api import (
    FlightApiBooking,
    IntentStatus,
    Leg,
    PaymentIntent,
    TravellerDetails,
    TripShape,
)
from farebridge.domain.money import Money
from farebridge.store.tables import flight_api_bookings, flight_api_payment_intents


def _travellers(travellers: Sequence[TravellerDetails]) -> list[dict[str, Any]]:
    return [
        {
            "passenger_id": t.passenger_id,
            "age": t.age,
            "seat_type": t.seat_type,
            "hand_baggage": str(t.hand_baggage_kg),
            "check_in_baggage": str(t.checked_baggage_kg),
        }
        for t in travellers
    ]


def _booking(row: Row[Any]) -> FlightApiBooking:
    return FlightApiBooking(
        order_id=row.order_id,
        owner_id=row.owner_id,
        shape=TripShape(row.shape),
        leg=Leg(row.leg),
        flight=row.flight,
        return_flight=row.return_flight,
        baggage_mode=row.baggage_mode,
        travellers=tuple(
            TravellerDetails(
                passenger_id=t["passenger_id"],
                age=int(t["age"]),
                seat_type=t["seat_type"],
                hand_baggage_kg=Decimal(t["hand_baggage"]),
                checked_baggage_kg=Decimal(t["check_in_baggage"]),
            )
            for t in row.travellers
        ),
        created_at=row.created_at,
        extra_baggage_kg=Decimal(row.extra_baggage_kg),
        extra_baggage_price=Money(Decimal(row.extra_baggage_amount), row.extra_baggage_currency),
        linked_order_id=row.linked_order_id,
    )


def _intent(row: Row[Any]) -> PaymentIntent:
    return PaymentIntent(
        id=row.id,
        owner_id=row.owner_id,
        booking_reference=row.booking_reference,
        order_ids=tuple(row.order_ids),
        secret_hash=row.secret_hash,
        card_token=row.card_token,
        status=IntentStatus(row.status),
        created_at=row.created_at,
        completed_at=row.completed_at,
        failure=row.failure,
    )


class FlightApiRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add_booking(self, booking: FlightApiBooking) -> None:
        self._db.execute(
            insert(flight_api_bookings).values(
                order_id=booking.order_id,
                owner_id=booking.owner_id,
                shape=booking.shape.value,
                leg=booking.leg.value,
                flight=booking.flight,
                return_flight=booking.return_flight,
                baggage_mode=booking.baggage_mode,
                travellers=_travellers(booking.travellers),
                extra_baggage_kg=str(booking.extra_baggage_kg),
                extra_baggage_amount=str(booking.extra_baggage_price.amount),
                extra_baggage_currency=booking.extra_baggage_price.currency,
                linked_order_id=booking.linked_order_id,
                created_at=booking.created_at,
            )
        )

    def booking(self, order_id: str) -> FlightApiBooking | None:
        row = self._db.execute(
            select(flight_api_bookings).where(flight_api_bookings.c.order_id == order_id)
        ).first()
        return _booking(row) if row else None

    def bookings(self, order_ids: Sequence[str]) -> list[FlightApiBooking]:
        """The bookings of these orders and of the tickets linked to them."""
        if not order_ids:
            return []
        rows = self._db.execute(
            select(flight_api_bookings).where(
                or_(
                    flight_api_bookings.c.order_id.in_(order_ids),
                    flight_api_bookings.c.linked_order_id.in_(order_ids),
                )
            )
        )
        return [_booking(row) for row in rows]

    def add_intent(self, intent: PaymentIntent) -> None:
        self._db.execute(
            insert(flight_api_payment_intents).values(
                id=intent.id,
                owner_id=intent.owner_id,
                booking_reference=intent.booking_reference,
                order_ids=list(intent.order_ids),
                secret_hash=intent.secret_hash,
                card_token=intent.card_token,
                status=intent.status.value,
                created_at=intent.created_at,
                completed_at=intent.completed_at,
                failure=intent.failure,
            )
        )

    def intent(self, intent_id: str) -> PaymentIntent | None:
        row = self._db.execute(
            select(flight_api_payment_intents).where(flight_api_payment_intents.c.id == intent_id)
        ).first()
        return _intent(row) if row else None

    def open_intent(self, owner_id: str, booking_reference: str) -> PaymentIntent | None:
        """The booking's intent still waiting for its confirm URL, if any."""
        table = flight_api_payment_intents
        row = self._db.execute(
            select(table)
            .where(
                table.c.owner_id == owner_id,
                table.c.booking_reference == booking_reference,
                table.c.status == IntentStatus.REQUIRES_ACTION.value,
            )
            .order_by(table.c.created_at.desc())
        ).first()
        return _intent(row) if row else None

    def move_intent(
        self,
        intent_id: str,
        *,
        expected: IntentStatus,
        to: IntentStatus,
        now: datetime | None = None,
        failure: str | None = None,
    ) -> bool:
        """Compare-and-set of the status; False when it was not ``expected``."""
        values: dict[str, Any] = {"status": to.value}
        if now is not None:
            values["completed_at"] = now
        if failure is not None:
            values["failure"] = failure[:500]
        result = self._db.execute(
            update(flight_api_payment_intents)
            .where(
                flight_api_payment_intents.c.id == intent_id,
                flight_api_payment_intents.c.status == expected.value,
            )
            .values(**values)
        )
        return result.rowcount == 1
