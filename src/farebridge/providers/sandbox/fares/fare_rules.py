"""Fare rules and ticket designators derived from a sandbox offer."""

from __future__ import annotations

from datetime import timedelta

from farebridge.domain.fare_rules import FareRules, RuleSection, TicketDesignator
from farebridge.domain.offer import ConditionRule, Offer, PenaltyStep

LOW_COST_RULES_URL = "https://sandbox.farebridge.invalid/airlines/{code}/terms"


def build_fare_rules(offer: Offer, *, low_cost: bool) -> FareRules:
    basis = tuple(dict.fromkeys(seg.fare_basis_code for s in offer.slices for seg in s.segments))
    designators = _designators(offer)
    if low_cost:
        return FareRules(
            offer.id,
            basis,
            link=LOW_COST_RULES_URL.format(code=offer.owner.iata_code),
            ticket_designators=designators,
        )
    return FareRules(offer.id, basis, sections=_sections(offer), ticket_designators=designators)


def _hours(value: timedelta) -> str:
    hours = value.total_seconds() / 3600
    return f"{hours / 24:g} DAYS" if hours >= 24 and hours % 24 == 0 else f"{hours:g} HOURS"


def _step_text(step: PenaltyStep) -> str:
    parts = []
    if step.amount is not None and step.amount.amount:
        parts.append(f"{step.amount.currency} {step.amount.amount} PER PASSENGER")
    if step.percentage:
        parts.append(f"{step.percentage} PERCENT OF THE FARE")
    charge = " PLUS ".join(parts) if parts else "FREE OF CHARGE"
    if step.more_than:
        return f"MORE THAN {_hours(step.more_than)} BEFORE DEPARTURE: {charge}."
    return f"OTHERWISE: {charge}."


def _rule_text(rule: ConditionRule, action: str) -> str:
    if not rule.allowed:
        return f"{action} NOT PERMITTED."
    if rule.schedule:
        ordered = sorted(rule.schedule, key=lambda step: step.more_than, reverse=True)
        return f"{action} PERMITTED. " + " ".join(_step_text(step) for step in ordered)
    if rule.penalty is None or rule.penalty.amount == 0:
        return f"{action} PERMITTED FREE OF CHARGE."
    return f"{action} PERMITTED FOR A FEE OF {rule.penalty.currency} {rule.penalty.amount}."


def _sections(offer: Offer) -> tuple[RuleSection, ...]:
    refund = offer.conditions.refund_before_departure
    change = offer.conditions.change_before_departure
    stops = "STOPOVERS NOT PERMITTED ON THE FARE COMPONENT."
    return (
        RuleSection(
            "AP",
            "ADVANCE RESERVATIONS/TICKETING",
            "RESERVATIONS AND TICKETING MAY BE MADE UP TO DEPARTURE.",
        ),
        RuleSection("MN", "MIN STAY", "NO MINIMUM STAY REQUIREMENTS."),
        RuleSection("MX", "MAX STAY", "TRAVEL MUST COMMENCE WITHIN 12 MONTHS."),
        RuleSection("SO", "STOPOVERS", stops),
        RuleSection("OD", "OTHER DISCOUNTS", "NONE UNLESS OTHERWISE SPECIFIED"),
        RuleSection(
            "PE",
            "PENALTIES",
            f"CANCELLATIONS: {_rule_text(refund, 'REFUND')} "
            f"CHANGES: {_rule_text(change, 'CHANGE')} "
            f"{_cutoff_text(offer)}"
            "ANY TIME AFTER DEPARTURE: NO REFUND. TAXES ARE REFUNDABLE.",
        ),
        RuleSection(
            "BG",
            "BAGGAGE",
            f"FARE BRAND {offer.fare_brand_name.upper()}: SEE INCLUDED BAGGAGE PER SEGMENT.",
        ),
        RuleSection("TK", "TICKETING", "TICKETS MUST BE ISSUED BEFORE THE PAYMENT DEADLINE."),
    )


def _cutoff_text(offer: Offer) -> str:
    cutoff = offer.conditions.cancellation_cutoff
    if cutoff is None:
        return ""
    return f"NO CANCELLATION WITHIN {_hours(cutoff)} OF DEPARTURE. "


def _designators(offer: Offer) -> tuple[TicketDesignator, ...]:
    refund = offer.conditions.refund_before_departure
    change = offer.conditions.change_before_departure
    items = [
        TicketDesignator(
            "70|PEN", "TICKETS ARE REFUNDABLE|" if refund.allowed else "TICKETS ARE NON-REFUNDABLE|"
        )
    ]
    items.append(
        TicketDesignator(
            "71|CHG", "CHANGES PERMITTED|" if change.allowed else "CHANGES NOT PERMITTED|"
        )
    )
    return tuple(items)
