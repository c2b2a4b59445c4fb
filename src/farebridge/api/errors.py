"""The one error → HTTP map, shared by every dialect. Nothing below ``api/`` knows about HTTP.

Each dialect's envelope asks :func:`status_of` for the status of a domain error
(and :func:`status_for` for a category it raises itself, such as invalid input);
how the error is then spelled on the wire is the dialect's business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from fastapi import Request
from starlette.responses import Response

from farebridge.domain import errors as e
from farebridge.services.ports import StoreUnreachable

log = structlog.get_logger(__name__)
Handler = Callable[[Request, Exception], Awaitable[Response]]

# category → (HTTP status, Duffel-style error type)
STATUS: list[tuple[type[e.FarebridgeError], int, str]] = [
    (e.PayloadTooLarge, 413, "invalid_request_error"),
    (e.InvalidRequest, 400, "validation_error"),
    (e.NotAuthenticated, 401, "authentication_error"),
    (e.PaymentFailed, 402, "payment_error"),
    (e.NotAllowed, 403, "authorization_error"),
    (e.NotFound, 404, "invalid_request_error"),
    (e.Conflict, 409, "invalid_state_error"),
    (e.InvalidState, 422, "invalid_state_error"),
    (e.RateLimited, 429, "rate_limit_error"),
    (e.Unavailable, 503, "api_error"),
    (e.UpstreamUnavailable, 503, "airline_error"),
    (e.UpstreamTimeout, 504, "airline_error"),
]


def status_for(category: type[e.FarebridgeError]) -> tuple[int, str]:
    for known, status, kind in STATUS:
        if issubclass(category, known):
            return status, kind
    return 500, "api_error"


def status_of(error: e.FarebridgeError) -> tuple[int, str]:
    return status_for(type(error))


def request_id_of(request: Request) -> str:
    """The id the root app's middleware gave this request (echoed as ``x-request-id``)."""
    return str(getattr(request.state, "request_id", ""))


def store_unreachable_as(domain_error: Handler) -> Handler:
    """A dialect's handler of :class:`StoreUnreachable`: its answer to an
    :class:`~farebridge.domain.errors.Unavailable` (503 with ``Retry-After``), not a 500.
    The cause is logged, never sent (it may name the database's host)."""

    async def unreachable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StoreUnreachable)
        log.error("request.database_unreachable", error=str(exc))
        answer = e.Unavailable(
            "The database cannot be reached at the moment; retry in a few seconds "
            "(a booking or payment with the same Idempotency-Key is made at most once).",
            retry_after_seconds=exc.retry_after_seconds,
            code="database_unavailable",
        )
        return await domain_error(request, answer)

    return unreachable
