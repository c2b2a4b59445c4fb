"""Scripted faults, so clients can test how they handle a misbehaving airline.

A fault fires when the request asked for it (header ``Sandbox-Fault: sold_out``,
several separated by commas; the names travel with the command and are stored
with the offer request and the order, so they work through the job queue) or,
by chance, at the rate set in settings
(``FAREBRIDGE_SANDBOX_FAULT_RATES='{"timeout": 0.02}'``).

fault                     where          what happens
search_timeout            search         the search fails: offer request ``failed``,
                                         provider_timeout
no_return_flights         search         a round trip's return finds no flights (the outbound
                                         does): offer request ``failed``, no_return_flights
timeout                   order          booking times out before anything is booked: 504
unavailable               order          the airline fails before booking anything: 503
virtual_card_unavailable  order          a fare paid at once: no card to pay the airline with;
                                         nothing booked or charged: 503 virtual_card_unavailable
sold_out                  order/recheck  the seats are gone: 409 offer_no_longer_available
price_change              order/recheck  the fare rises 8 %: 409 offer_price_changed; re-fetch
ticketing_unknown         ticketing      the airline does not answer: ticketing status ``unknown``
ticketing_answer_unknown  ticketing      the airline answers nonsense: ticketing status ``unknown``
pnr_query_failed          ticketing      the booking cannot be checked before issuing: ticketing
                                         status ``failed``, the order cancelled and refunded
pnr_query_timeout         ticketing      as pnr_query_failed, the check timed out
eticket_delayed           ticketing      the ticket is bought, its e-ticket is not issued yet:
                                         the order stays ``ticketing`` (pending); a retry issues it
schedule_change           after booking  the first flight is retimed 55 minutes later; the order
                                         is retimed and records a schedule change (ADR 0020)
missed_connection         after booking  the first flight followed by a connection is retimed
                                         so that only 20 minutes are left to connect: the
                                         schedule change breaks the connection
flight_cancelled          after booking  the airline cancels the first flight: a schedule
                                         change of kind flight_cancelled

Besides the faults, ``FAREBRIDGE_SANDBOX_SCHEDULE_CHANGE_RATE`` is the chance that a
booking's flight is retimed or cancelled, drawn once per booking from the seed and its
reference when the order is synced (the same booking always draws the same).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

PRICE_CHANGE_FACTOR = Decimal("1.08")
SCHEDULE_CHANGE_MINUTES = 55
MISSED_CONNECTION_LEFT_MINUTES = 20  # what a missed_connection retime leaves to connect


class Fault(StrEnum):
    SEARCH_TIMEOUT = "search_timeout"
    TIMEOUT = "timeout"
    SOLD_OUT = "sold_out"
    PRICE_CHANGE = "price_change"
    TICKETING_UNKNOWN = "ticketing_unknown"
    SCHEDULE_CHANGE = "schedule_change"
    NO_RETURN_FLIGHTS = "no_return_flights"
    UNAVAILABLE = "unavailable"
    VIRTUAL_CARD_UNAVAILABLE = "virtual_card_unavailable"
    TICKETING_ANSWER_UNKNOWN = "ticketing_answer_unknown"
    PNR_QUERY_FAILED = "pnr_query_failed"
    PNR_QUERY_TIMEOUT = "pnr_query_timeout"
    ETICKET_DELAYED = "eticket_delayed"
    MISSED_CONNECTION = "missed_connection"
    FLIGHT_CANCELLED = "flight_cancelled"


# Faults remembered on a booking because they fire later, in another process.
DEFERRED = frozenset(
    {
        Fault.TICKETING_UNKNOWN,
        Fault.TICKETING_ANSWER_UNKNOWN,
        Fault.PNR_QUERY_FAILED,
        Fault.PNR_QUERY_TIMEOUT,
        Fault.ETICKET_DELAYED,
        Fault.SCHEDULE_CHANGE,
        Fault.MISSED_CONNECTION,
        Fault.FLIGHT_CANCELLED,
    }
)


class FaultPlan:
    """Decides whether a fault fires: asked for on this request, or by chance."""

    def __init__(self, rates: Mapping[str, float] | None = None, *, seed: int = 7) -> None:
        self._rates = {Fault(name): float(rate) for name, rate in (rates or {}).items()}
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def fires(self, fault: Fault, scenarios: frozenset[str]) -> bool:
        if fault.value in scenarios:
            return True
        rate = self._rates.get(fault, 0.0)
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def deferred(self, scenarios: frozenset[str]) -> tuple[str, ...]:
        """The deferred faults that fire for a booking being made now."""
        return tuple(sorted(f.value for f in DEFERRED if self.fires(f, scenarios)))


SCENARIOS = frozenset(f.value for f in Fault)
