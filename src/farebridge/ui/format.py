"""Words and numbers as a traveller reads them. Presentation only: no rules.

Flight times arrive as airport-local wall time (``2026-12-21T14:20:00``) and
are shown as such; instants arrive in UTC with ``Z``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from farebridge.ui.models import Baggage, ConditionRule, Place, Slice

_DURATION = re.compile(r"P(?:\d+Y)?(?:\d+M)?(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:\d+S)?")
PASSENGER_TYPES = {
    "adult": "Adult",
    "child": "Child",
    "infant_without_seat": "Infant (on lap)",
}
CABINS = {
    "economy": "Economy",
    "premium_economy": "Premium economy",
    "business": "Business",
    "first": "First",
}
STATUSES = {
    "hold": "On hold — awaiting payment",
    "instant": "Booked",
    "paid": "Paid — issuing tickets",
    "ticketing": "Paid — issuing tickets",
    "ticketed": "Ticketed",
    "cancelled": "Cancelled",
    "expired": "Expired (not paid in time)",
}


def duration(value: str) -> str:
    """``P0Y0M0DT13H35M0S`` → ``13h 35m``."""
    match = _DURATION.fullmatch(value)
    if not match:
        return value
    days, hours, minutes = (int(part or 0) for part in match.groups())
    hours += days * 24
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def clock(local: str) -> str:
    return datetime.fromisoformat(local).strftime("%H:%M")


def day(local: str) -> str:
    return datetime.fromisoformat(local).strftime("%a %d %b %Y")


def days_later(start: str, end: str) -> str:
    """``+1`` when a flight lands on a later calendar day than it left."""
    shift = (datetime.fromisoformat(end).date() - datetime.fromisoformat(start).date()).days
    return f" (+{shift})" if shift > 0 else ""


def instant(value: str | None) -> str:
    """``2026-11-21T15:42:10Z`` → ``21 Nov 2026, 15:42 UTC``."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.strftime("%d %b %Y, %H:%M UTC")


def money(amount: str, currency: str) -> str:
    """``("17576", "JPY")`` → ``JPY 17,576``: the API sends each amount in its currency's
    precision (no cents for yen, three decimals for dinars), so keep its decimals."""
    return f"{currency} {Decimal(amount):,}"


def arrival(item: Slice) -> str:
    return item["segments"][-1]["arriving_at"]


def stops(item: Slice) -> str:
    if item["connections"] == 0:
        return "Direct"
    where = ", ".join(s["destination"]["iata_code"] for s in item["segments"][:-1])
    plural = "stop" if item["connections"] == 1 else "stops"
    return f"{item['connections']} {plural} ({where})"


def baggage(baggages: list[Baggage]) -> str:
    names = {"carry_on": "carry-on bag", "checked": "checked bag"}
    parts = []
    for bag in baggages:
        name = names.get(bag["type"], bag["type"].replace("_", " "))
        parts.append(f"{bag['quantity']} {name}{'s' if bag['quantity'] > 1 else ''}")
    return ", ".join(parts) if parts else "No bags included"


def condition(rule: ConditionRule) -> str:
    if not rule["allowed"]:
        return "Not allowed"
    if rule["penalty_amount"] and Decimal(rule["penalty_amount"]) > 0:
        return f"Allowed, fee {money(rule['penalty_amount'], rule['penalty_currency'] or '')}"
    return "Allowed, free of charge"


def place(option: Place) -> str:
    if option.get("type") == "city":
        return f"{option['name']} — all airports ({option['iata_code']})"
    city = option.get("city_name") or ""
    suffix = f", {city}" if city and city not in option.get("name", "") else ""
    return f"{option.get('name', option['iata_code'])} ({option['iata_code']}){suffix}"


def route(item: Slice) -> str:
    return f"{item['origin']['iata_code']} → {item['destination']['iata_code']}"


EVENTS = {
    "order.created": "Booking started",
    "order.booked": "Booked with the airline",
    "order.recorded": "Booking recorded",
    "order.confirmed": "Booking confirmed",
    "order.paid": "Payment received",
    "order.charged": "Payment taken",
    "order.ticketing_started": "Issuing the e-tickets",
    "order.ticketed": "E-tickets issued",
    "order.tickets_reissued": "New e-tickets issued",
    "order.ticketing_failed": "The e-tickets could not be issued",
    "order.ticketing_problem": "A problem issuing the e-tickets; our team is checking it",
    "order.changed": "Flight changed",
    "order.schedule_changed": "The airline changed a flight",
    "order.airline_initiated_change_detected": "The airline changed a flight",
    "order.schedule_change_accepted": "You accepted the airline's new times",
    "order.updated": "Your note was updated",
    "order.cancelled": "Booking cancelled",
    "order.expired": "Hold expired: not paid in time",
    "order.failed": "Booking failed",
    "order.creation_failed": "Booking failed",
    "order.recovered": "Booking completed after an interruption",
    "order.recovery_failed": "Booking could not be completed after an interruption",
}


def event(kind: str, to_status: str) -> str:
    """An order event in plain words: its known phrase, else the status it reached."""
    if kind in EVENTS:
        return EVENTS[kind]
    return f"Status now: {STATUSES.get(to_status, to_status).lower()}"


def local_time(value: str) -> str:
    """An airport-local time as ``Sat 21 Nov 14:20`` (short enough for a phone's table)."""
    return datetime.fromisoformat(value).strftime("%a %d %b %H:%M")
