"""The one tree of farebridge errors.

Every error carries a stable machine ``code`` and a human ``message``; errors
about one input field also carry ``field`` (a dotted path such as
``slices[0].departure_date``). The API maps each *category* (the direct
subclasses of :class:`FarebridgeError`) to one HTTP status in ``api/errors.py``;
nothing below the API knows about HTTP.

Category                 HTTP  meaning
InvalidRequest           400   malformed or invalid input (names the field)
PayloadTooLarge          413   the request body is over FAREBRIDGE_MAX_BODY_BYTES
NotAuthenticated         401   no, bad or expired token
PaymentFailed            402   the card was declined / insufficient funds
NotAllowed               403   authenticated but not allowed
NotFound                 404   unknown or expired id (also: someone else's)
Conflict                 409   sold out / already paid / already cancelled / duplicate booking
InvalidState             422   amount mismatch, wrong state for the action
RateLimited              429   too many requests (ServerBusy: this process is full)
UpstreamUnavailable      503   the airline side failed; safe to retry
UpstreamTimeout          504   the airline side timed out; outcome unknown
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from farebridge.domain.offer import Offer


class FarebridgeError(Exception):
    """Base of every error farebridge raises on purpose."""

    code: str = "error"
    title: str = "Error"
    # Seconds after which a retry may succeed, sent as ``Retry-After``; None: do not retry
    # unchanged (RateLimited and Unavailable set it).
    retry_after_seconds: int | None = None

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


# --- 400 -------------------------------------------------------------------
class InvalidRequest(FarebridgeError):
    code = "invalid_request"
    title = "Invalid request"


class ValidationFailed(InvalidRequest):
    """One input field is invalid; ``field`` names it."""

    code = "validation_failed"
    title = "Invalid field"


class InvalidCoupon(ValidationFailed):
    """A coupon code that does not apply (ADR 0024); always names ``coupon_code``. The
    code says why: ``coupon_not_found``, ``coupon_not_yet_valid``, ``coupon_expired``,
    ``coupon_used_up``, ``coupon_minimum_spend``, ``coupon_currency_unsupported``."""

    code = "coupon_invalid"
    title = "Coupon not accepted"

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = "coupon_code"
    ) -> None:
        super().__init__(message, code=code, field=field)


class PayloadTooLarge(FarebridgeError):
    """The request body is larger than ``FAREBRIDGE_MAX_BODY_BYTES`` (413); a category of
    its own, so that no dialect answers it as its invalid-field status."""

    code = "payload_too_large"
    title = "Request body too large"


# --- 401 / 402 / 403 -------------------------------------------------------
class NotAuthenticated(FarebridgeError):
    code = "not_authenticated"
    title = "Authentication required"


class PaymentFailed(FarebridgeError):
    code = "payment_declined"
    title = "Payment failed"


class NotAllowed(FarebridgeError):
    code = "forbidden"
    title = "Not allowed"


class RoleRequired(NotAllowed):
    """An action reserved to a role (``/api/admin/...``); ``role`` names it."""

    def __init__(self, role: str) -> None:
        super().__init__(f"This needs the {role} role.")
        self.role = role


# --- 404 -------------------------------------------------------------------
class NotFound(FarebridgeError):
    code = "not_found"
    title = "Not found"


class OfferNotFound(NotFound):
    code = "offer_not_found"


class OfferExpired(NotFound):
    code = "offer_expired"
    title = "Offer expired"


class OrderNotFound(NotFound):
    code = "order_not_found"


class DocumentNotReady(NotFound):
    """The order has no such PDF yet: not ticketed (or cancelled) yet, or still being
    rendered by its job; ask again later."""

    code = "document_not_ready"


# --- 409 -------------------------------------------------------------------
class Conflict(FarebridgeError):
    code = "conflict"
    title = "Conflict"


class TooManyHolds(Conflict):
    """The account already has as many live unpaid holds as allowed (seat spinning)."""

    code = "too_many_holds"
    title = "Too many unpaid holds"


class OfferNoLongerAvailable(Conflict):
    """The seats sold out between search and order (seed 000, step 2 → 3)."""

    code = "offer_no_longer_available"
    title = "Sold out"


class DepartureTooSoon(OfferNoLongerAvailable):
    """The first flight leaves within the minimum lead time: it is no longer sold."""

    code = "departure_too_soon"
    title = "Departs too soon"


class OfferPriceChanged(Conflict):
    """The airline re-priced the offer at order time; ``repriced`` is the offer now."""

    code = "offer_price_changed"
    title = "Price changed"

    def __init__(self, message: str, *, repriced: Offer) -> None:
        super().__init__(message, field="selected_offers")
        self.repriced = repriced


class SeatUnavailable(Conflict):
    """Someone else holds the chosen seat."""

    code = "seat_unavailable"
    title = "Seat taken"


class OrderAlreadyPaid(Conflict):
    code = "already_paid"
    title = "Already paid"


class OrderAlreadyCancelled(Conflict):
    code = "already_cancelled"
    title = "Already cancelled"


class PaymentInProgress(Conflict):
    """Another payment of this order is being charged right now."""

    code = "payment_in_progress"
    title = "Payment in progress"


class IdempotencyInProgress(Conflict):
    """A request with the same ``Idempotency-Key`` is still being processed; retry shortly."""

    code = "idempotency_in_progress"
    title = "Request in progress"


class DuplicateBooking(Conflict):
    """A live order of the same account has the same passengers on the same flights
    (``domain/duplicates.py``); ``order_id`` names it. Send ``confirm_duplicate`` to book
    anyway."""

    code = "duplicate_booking"
    title = "Already booked"

    def __init__(self, message: str, *, order_id: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.order_id = order_id


class EmailAlreadyRegistered(Conflict):
    code = "email_taken"
    title = "Email already registered"


class UsernameTaken(Conflict):
    code = "username_taken"
    title = "Username already taken"


# --- 422 -------------------------------------------------------------------
class InvalidState(FarebridgeError):
    code = "invalid_state"
    title = "Invalid state"


class AmountMismatch(InvalidState):
    code = "amount_mismatch"
    title = "Amount mismatch"


class OrderNotChangeable(InvalidState):
    """The order's fare does not allow changes (its ``change_before_departure`` rule)."""

    code = "order_not_changeable"
    title = "Order not changeable"


class CancellationWindowClosed(InvalidState):
    """The first flight departs within the cancellation cut-off (the fare's, else
    ``FAREBRIDGE_CANCELLATION_CUTOFF``): no online cancellation (ADR 0020)."""

    code = "cancellation_window_closed"
    title = "Cancellation window closed"

    def __init__(self, message: str, *, departing_at: datetime, cutoff: timedelta) -> None:
        super().__init__(message)
        self.departing_at = departing_at
        self.cutoff = cutoff


class ScheduleChangeResolved(Conflict):
    """The airline's schedule change was already accepted, rebooked or cancelled (or is
    being resolved another way right now): one resolution wins (ADR 0020)."""

    code = "schedule_change_resolved"
    title = "Schedule change already resolved"


class IdempotencyKeyReused(InvalidState):
    """The ``Idempotency-Key`` was used before for a request with a different body."""

    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class InvalidTransition(InvalidState):
    """An order cannot move from its status to the requested one."""

    code = "invalid_transition"

    def __init__(self, entity_id: str, current: str, requested: str) -> None:
        super().__init__(f"Order {entity_id} is {current}; it cannot become {requested}.")
        self.entity_id = entity_id
        self.current = current
        self.requested = requested


class WorkflowRuleBroken(InvalidState):
    """A call that does not fit the state of its booking workflow (a session of calls
    that search, pick, book, pay and ticket, as the Allmyles dialect runs them). The
    code names the rule: ``workflow_busy``, ``workflow_expired``, ``not_latest_search``,
    ``already_booked``, ``book_missing``, ``payment_missing``, ``already_ticketed``."""

    code = "workflow_rule"
    title = "Not possible in this workflow"


class WorkflowNotSearched(NotFound):
    """A booking workflow call before the workflow has searched."""

    code = "search_first"
    title = "Search first"


# --- 429 / upstream --------------------------------------------------------
class RateLimited(FarebridgeError):
    code = "rate_limited"
    title = "Too many requests"
    retry_after_seconds: int

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds


class ServerBusy(RateLimited):
    """More arrives than this process can serve (its requests in flight and its queue are
    full, or no database connection came free in time): refused at once, retry soon."""

    code = "server_busy"
    title = "Server busy"

    def __init__(self, message: str, *, retry_after_seconds: int = 1) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)


class Unavailable(FarebridgeError):
    """Farebridge itself cannot serve the request now (its database is out of reach):
    retry after ``retry_after_seconds``; a booking with the same Idempotency-Key."""

    code = "service_unavailable"
    title = "Service unavailable"
    retry_after_seconds: int

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds


class UpstreamUnavailable(FarebridgeError):
    """The provider failed before doing anything; retrying is safe."""

    code = "provider_unavailable"
    title = "Airline system unavailable"


class UpstreamTimeout(FarebridgeError):
    """The provider did not answer in time; the outcome is unknown."""

    code = "provider_timeout"
    title = "Airline system timed out"


class TicketingNotStarted(UpstreamUnavailable):
    """Ticketing failed before anything was issued (the booking could not be checked
    first): the order is given up, its booking released and its payment refunded."""

    code = "pnr_query_failed"


class TicketDocumentsDelayed(UpstreamUnavailable):
    """The ticket was bought but its e-ticket documents could not be issued yet: the
    order is paid and stays in ticketing (never refunded); retrying completes it."""

    code = "eticket_not_issued"


class UpstreamAnswerUnknown(UpstreamTimeout):
    """The provider answered something it should not have; as with a timeout the
    outcome is unknown and nothing may be refunded before someone checks."""

    code = "provider_answer_unknown"


def rebuild_error(name: str, *, code: str, message: str, field: str | None) -> FarebridgeError:
    """The error called ``name`` again, e.g. to replay a stored outcome.

    Errors whose constructor needs more than a message come back as their
    category (same status, same code, same message)."""
    found: type[FarebridgeError] = FarebridgeError
    queue: list[type[FarebridgeError]] = [FarebridgeError]
    while queue:
        kind = queue.pop()
        if kind.__name__ == name:
            found = kind
            break
        queue.extend(kind.__subclasses__())
    while found.__init__ is not FarebridgeError.__init__:
        found = found.__mro__[1]
    return found(message, code=code, field=field)
