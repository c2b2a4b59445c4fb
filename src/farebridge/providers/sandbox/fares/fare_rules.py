"""Fare rules and ticket designators derived from a sandbox offer."""

from __future__ import annotations

from farebridge.domain.fare_rules import FareRules, RuleSection, TicketDesignator
from farebridge.domain.offer import ConditionRule, Offer

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


def _rule_text(rule: ConditionRule, action: str) -> str:
    if not rule.allowed:
        return f"{action} NOT PERMITTED."
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
            "ANY TIME AFTER DEPARTURE: NO REFUND. TAXES ARE REFUNDABLE.",
        ),
        RuleSection(
            "BG",
            "BAGGAGE",
            f"FARE BRAND {offer.fare_brand_name.upper()}: SEE INCLUDED BAGGAGE PER SEGMENT.",
        ),
        RuleSection("TK", "TICKETING", "TICKETS MUST BE ISSUED BEFORE THE PAYMENT DEADLINE."),
    )


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
