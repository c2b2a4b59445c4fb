"""Fare rules: the terms of a fare, as rule sections or a link (seed 003 "Rules"),
and ticket designators, the airline's mini-rules (seed 001)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from farebridge.domain.offer import PenaltyStep


@dataclass(frozen=True, slots=True)
class RuleSection:
    code: str  # ATPCO-style category code, e.g. "PE" penalties, "SO" stopovers
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class TicketDesignator:
    code: str  # e.g. "70|PEN"
    extension: str  # e.g. "TICKETS ARE NON-REFUNDABLE|"


@dataclass(frozen=True, slots=True)
class FareRules:
    offer_id: str
    fare_basis_codes: tuple[str, ...]
    sections: tuple[RuleSection, ...] = ()
    link: str | None = None  # low-cost carriers publish their terms as a page
    ticket_designators: tuple[TicketDesignator, ...] = ()
    # Cancellation by time (ADR 0020): the refund penalty's steps by time left before
    # departure (empty: the flat penalty of the conditions) and the online cut-off.
    refund_schedule: tuple[PenaltyStep, ...] = ()
    cancellation_cutoff: timedelta | None = None
