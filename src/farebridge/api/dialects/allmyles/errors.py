"""Allmyles' errors: ``{"message": "..."}`` with the status and the message of the
Allmyles tables (seeds 001 and 003), and this dialect's exception handlers.

The one map below turns a domain error into (status, message). Session rules have
their own codes; a provider's failure depends on the step it happened in (the
route names its step with :func:`step`), because Allmyles tells the client in each
step whether a refund is safe:

- search: any failure is 500 "external provider rejected the request"; a round
  trip whose return has no flights 404 "No flight found for return leg";
- book: sold out or repriced is 303 (pick another result), a timeout 504 (it may
  have booked), anything else 500 "could not book flight"; a fare paid at once
  without a virtual card to pay the airline 504 "Could not retrieve virtual credit
  card" (nothing booked or charged);
- ticket: a definite no is 500 "booking failed", a failure before anything was
  booked 503 "error while querying PNR" (safe to refund), a timeout 504 "ticket
  creation timed out" (not safe to refund).

Ticketing runs as a job, so its outcome is read from the order afterwards:
:func:`ticketing_answer` turns the ticketing status and the code of the problem the
job noted on the order into the same map's answer: ``failed`` after 503 "error
while querying PNR" / 504 "PNR query timed out" (the order cancelled and refunded),
``unknown`` after 503 "error while creating ticket" / 504 "ticket creation timed
out" (nothing refunded), ``pending`` after 202 "e-ticket could not be issued" (paid,
ticket bought, nothing refunded).

Anything else falls back on the engine's one error → HTTP map, except that
authentication failures are 403 and rate limiting 413, as Allmyles answers them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from farebridge.api import openapi
from farebridge.api.errors import status_of, store_unreachable_as
from farebridge.domain import errors as e
from farebridge.domain.order import TicketingStatus
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)

SEARCH_FAILED = "external provider rejected the request - please try again"
NOT_BOOKABLE = "Unable to book this flight - please select a different bookingId"
BOOK_TIMEOUT = "external gateway timed out - book request might very well have been successful!"
BOOK_FAILED = "could not book flight"
TICKET_BOOKING_FAILED = "booking failed, cannot create ticket"
TICKET_QUERY_FAILED = "error while querying PNR - please try again later"
TICKET_QUERY_TIMEOUT = "PNR query timed out - please try again later"
NO_RETURN_FLIGHT = "No flight found for return leg"
NO_VIRTUAL_CARD = (
    "Could not retrieve virtual credit card, flight not booked. "
    "An IRN should be sent to payment provider now."
)
TICKET_FAILED = "error while creating ticket - please try again later"
TICKET_TIMEOUT = "ticket creation timed out - but could very well have been successful!"
TICKET_WARNING = (
    "Warning: e-ticket could not be issued due to technical difficulties. "
    "Please contact your agent."
)

# error code → (status, message), whatever the step
CODES: dict[str, tuple[int, str]] = {
    "workflow_busy": (412, "a request is already being processed"),
    "workflow_expired": (412, "the workflow has expired (17 minutes after the last request)"),
    "not_latest_search": (412, "request is not for the latest search"),
    "already_booked": (412, "Already booked."),
    "duplicate_booking": (412, "Already booked."),  # the same passengers on the same flights
    "already_ticketed": (412, "already booked"),
    "book_missing": (412, "book request should have been received"),
    "book_response_missing": (412, "book response should have been received"),
    "payment_missing": (412, "no payment data given"),
    "payment_not_needed": (412, "payment data is only taken for LCC flights"),
    "search_first": (404, "search first"),
    "pnr_not_found": (404, "PNR not found"),
    "pnr_of_another_user": (403, "PNR belongs to another auth token"),
    "already_cancelled": (409, "Booking already cancelled."),
    "ticket_already_created": (
        409,
        "Booked flights can only be cancelled before ticket is created.",
    ),
    # provider failures these codes name (sandbox faults of the same names, mostly)
    "no_return_flights": (404, NO_RETURN_FLIGHT),
    "virtual_card_unavailable": (504, NO_VIRTUAL_CARD),
    "pnr_query_failed": (503, TICKET_QUERY_FAILED),  # ticketing status failed: refunded
    "pnr_query_timeout": (504, TICKET_QUERY_TIMEOUT),  # ticketing status failed: refunded
    "ticket_answer_unknown": (503, TICKET_FAILED),  # ticketing status unknown: not refunded
    "eticket_not_issued": (202, TICKET_WARNING),  # bought; ticketing pending: not refunded
}

# step → error code → (status, message): where a step answers a code differently
STEP_CODES: dict[str, dict[str, tuple[int, str]]] = {
    "rules": {"not_latest_search": (409, "request is not for the latest search")},  # seed 003
}

# step → [(category, status, message)], the first that matches
STEPS: dict[str, list[tuple[type[e.FarebridgeError], int, str]]] = {
    "search": [
        (e.UpstreamTimeout, 500, SEARCH_FAILED),
        (e.UpstreamUnavailable, 500, SEARCH_FAILED),
    ],
    "book": [
        (e.Conflict, 303, NOT_BOOKABLE),
        (e.UpstreamTimeout, 504, BOOK_TIMEOUT),
        (e.UpstreamUnavailable, 500, BOOK_FAILED),
    ],
    "ticket": [
        (e.Conflict, 500, TICKET_BOOKING_FAILED),
        (e.PaymentFailed, 500, TICKET_BOOKING_FAILED),
        (e.UpstreamTimeout, 504, TICKET_TIMEOUT),
        (e.UpstreamUnavailable, 503, TICKET_QUERY_FAILED),
    ],
}

# categories Allmyles answers with another status than the engine's map
STATUS_OVERRIDES: dict[type[e.FarebridgeError], int] = {
    e.NotAuthenticated: 403,
    e.RateLimited: 413,
    e.InvalidState: 412,
}


class AllmylesError(e.FarebridgeError):
    """An answer only this dialect gives (a missing Cookie header, a ticketing warning)."""

    def __init__(self, status: int, message: str, *, code: str = "allmyles") -> None:
        super().__init__(message, code=code)
        self.status = status


class ErrorResponse(BaseModel):
    """Every error: Allmyles' message (see the tables of each call)."""

    model_config = ConfigDict(extra="forbid")

    message: str


DESCRIPTIONS = {
    202: "Still processing (search: send the same request again), or a ticketing warning",
    303: "Unable to book this flight - please select a different bookingId",
    400: "Invalid request (a field, or no Cookie header)",
    403: "No or a bad API key (X-Auth-Token), or another token's PNR",
    404: "search first, no such result, PNR not found, no flights (or none for the return leg)",
    409: "Booking already cancelled, or already ticketed; rules: not the latest search",
    412: "A session rule: busy, expired, not the latest search, booked, book (or its "
    "response) or payment missing",
    413: "Rate Control: too many requests",
    500: "The provider rejected the request (see the message)",
    503: "The provider failed; safe to refund (PNR query) or not before checking (ticket)",
    504: "The provider timed out: the booking or ticket may exist (not after a PNR query "
    "or a virtual card: nothing was booked, safe to refund)",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for a call that can fail with ``statuses``."""
    declared: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in sorted({400, 403, 413, *statuses})
    }
    declared["default"] = {"model": ErrorResponse, "description": "Unexpected error (500)"}
    return declared


def step(name: str) -> Callable[[Request], None]:
    """A dependency naming the step a route runs, for the messages of provider failures."""

    def name_step(request: Request) -> None:
        request.state.allmyles_step = name

    return name_step


def answer(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


def status_and_message(error: e.FarebridgeError, step_name: str | None) -> tuple[int, str]:
    if isinstance(error, AllmylesError):
        return error.status, error.message
    step_codes = STEP_CODES.get(step_name or "", {})
    if error.code in step_codes:
        return step_codes[error.code]
    if error.code in CODES:
        return CODES[error.code]
    for category, status, message in STEPS.get(step_name or "", []):
        if isinstance(error, category):
            return status, message
    status, _ = status_of(error)
    for category, override in STATUS_OVERRIDES.items():
        if isinstance(error, category):
            status = override
    message = error.message
    if isinstance(error, e.InvalidRequest) and error.field:
        message = f"{error.field}: {error.message}"
    return status, message


def ticketing_answer(status: TicketingStatus, problem: str | None) -> tuple[int, str] | None:
    """The error a ticketing call answers for the order's ticketing status and the code
    of the problem noted on it (None: no error, show the tickets)."""
    if status is TicketingStatus.UNKNOWN:
        return CODES.get(problem or "", (504, TICKET_TIMEOUT))
    if status is TicketingStatus.FAILED:
        return CODES.get(problem or "", (503, TICKET_FAILED))
    if status is TicketingStatus.PENDING and problem == "eticket_not_issued":
        return CODES[problem]
    return None


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.FarebridgeError)
    status, message = status_and_message(exc, getattr(request.state, "allmyles_step", None))
    headers = {}
    if exc.retry_after_seconds is not None:
        headers["Retry-After"] = str(exc.retry_after_seconds)
    log.info("request.rejected", dialect="allmyles", status=status, code=exc.code)
    return answer(status, message, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            problems.append("the request body is not valid JSON")
            continue
        location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        problems.append(f"{'/'.join(location)}: {message}" if location else message)
    return answer(400, "; ".join(problems[:5]) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return answer(exc.status_code, str(exc.detail), openapi.allow_header(request, exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request.crashed", dialect="allmyles", error=repr(exc))
    return answer(500, "internal error; it was logged - quote the x-request-id header")


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.FarebridgeError, _domain_error)
    app.add_exception_handler(StoreUnreachable, store_unreachable_as(_domain_error))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
