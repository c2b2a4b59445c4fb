"""Duffel's error envelope → farebridge's domain errors.

Duffel answers ``{"meta": {"status", "request_id"}, "errors": [{"type", "code",
"title", "message", "source": {"field", "pointer"}}]}``. Only the first error
decides; its ``code`` is more specific than its ``type``:

=======================================================  ==========================
``offer_no_longer_available``, ``offer_expired``, …      ``OfferNoLongerAvailable``
``price_changed``                                        ``DuffelPriceChanged`` (the
                                                         provider re-reads the offer
                                                         and raises ``OfferPriceChanged``)
``ancillary_service_not_available``, seat taken          ``SeatUnavailable``
``already_cancelled`` / ``already_paid``                 ``OrderAlreadyCancelled`` / ``…Paid``
``not_found`` (404)                                      ``NotFound``
``validation_error``                                     ``ValidationFailed`` (the field)
other ``invalid_state_error``                            ``InvalidState``
5xx, ``airline_error``, auth, rate limit, the rest       ``UpstreamUnavailable``
=======================================================  ==========================
"""

from __future__ import annotations

from typing import Any

from farebridge.domain.errors import (
    AmountMismatch,
    Conflict,
    FarebridgeError,
    InvalidState,
    NotFound,
    OfferNoLongerAvailable,
    OrderAlreadyCancelled,
    OrderAlreadyPaid,
    SeatUnavailable,
    UpstreamUnavailable,
    ValidationFailed,
)

GONE_CODES = frozenset(
    {
        "offer_no_longer_available",
        "offer_expired",
        "offer_request_already_booked",
        "order_creation_already_attempted",
        "duplicate_booking",
    }
)
SEAT_CODES = frozenset(
    {"ancillary_service_not_available", "seat_unavailable", "seat_not_available"}
)


class DuffelPriceChanged(Conflict):
    """Duffel refused because the airline re-priced the offer; the provider turns it
    into ``OfferPriceChanged`` carrying the re-read offer."""

    code = "offer_price_changed"
    title = "Price changed"


def first_error(body: Any) -> dict[str, Any]:
    """The first entry of Duffel's ``errors`` list, or ``{}`` for a body without one."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return errors[0]
    return {}


def error_from_response(status: int, body: Any) -> FarebridgeError:
    """The domain error for a Duffel answer that is not a success."""
    error = first_error(body)
    code = str(error.get("code") or "")
    kind = str(error.get("type") or "")
    message = f"Duffel: {error.get('message') or error.get('title') or f'HTTP {status}'}"
    if status >= 500 or kind == "airline_error":
        return UpstreamUnavailable(message, code="provider_unavailable")
    if code in GONE_CODES:
        return OfferNoLongerAvailable(message)
    if code == "price_changed":
        return DuffelPriceChanged(message, field=_field(error))
    if code in SEAT_CODES:
        return SeatUnavailable(message)
    return _by_type(status, code, kind, message, error)


def _by_type(
    status: int, code: str, kind: str, message: str, error: dict[str, Any]
) -> FarebridgeError:
    if code == "already_cancelled":
        return OrderAlreadyCancelled(message)
    if code == "already_paid":
        return OrderAlreadyPaid(message)
    if code.startswith("payment_amount_does_not_match") or code.startswith(
        "payment_currency_does_not_match"
    ):
        return AmountMismatch(message, code="provider_amount_mismatch")
    if status == 404 or code == "not_found":
        return NotFound(message, code="provider_not_found")
    if kind == "validation_error" or (status == 422 and code.startswith("validation_")):
        return ValidationFailed(message, code=code or "validation_failed", field=_field(error))
    if kind == "invalid_state_error":
        return InvalidState(message, code=code or "invalid_state")
    if status == 429:
        return UpstreamUnavailable(message, code="provider_rate_limited")
    return UpstreamUnavailable(message, code="provider_unavailable")


def _field(error: dict[str, Any]) -> str | None:
    """``source.field``, else ``source.pointer`` as a dotted path: ``/data/passengers/0/email``
    → ``passengers[0].email``."""
    source = error.get("source")
    if not isinstance(source, dict):
        return None
    pointer = source.get("pointer")
    if isinstance(pointer, str) and pointer.strip("/"):
        parts = [part for part in pointer.strip("/").split("/") if part]
        if parts and parts[0] == "data":
            parts = parts[1:]
        path = ""
        for part in parts:
            path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
        if path:
            return path
    field = source.get("field")
    return str(field) if field else None
