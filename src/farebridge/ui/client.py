"""A small typed client of the farebridge API, the UI's only way to the back end.

Every failure — an error envelope, a dropped connection, a body that is not
JSON — leaves as one :class:`ApiError`, so pages never see an httpx exception.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import httpx

from farebridge.ui.models import (
    AgencyCustomer,
    BookingDraft,
    CalendarDay,
    Cancellation,
    CancelledOrder,
    CardSurcharge,
    ChangeOffer,
    ChangeRequest,
    Currencies,
    FareRules,
    FoundBooking,
    Offer,
    OfferRequest,
    Order,
    OrderChange,
    OrderDocumentFile,
    OrderEvent,
    PageMeta,
    Payment,
    Place,
    Price,
    ScheduleChange,
    SeatMap,
    SignInCode,
    User,
)

DEFAULT_API_URL = "http://127.0.0.1:8000/api"
T = TypeVar("T")
# The sandbox test tokens' card types (README, "Test payment tokens").
CARD_TYPES = {"tok_visa": "VI", "tok_mastercard": "CA", "tok_amex": "AX", "tok_visa_debit": "VD"}


def amount_due(total: str, surcharges: list[CardSurcharge], card_token: str) -> str:
    """What paying ``total`` with this card takes, as the API priced it (its card
    surcharge included); ``total`` for a card without a surcharge."""
    card_type = CARD_TYPES.get(card_token)
    return next((s["amount_due"] for s in surcharges if s["card_type"] == card_type), total)


def api_url() -> str:
    """The API base URL: ``FAREBRIDGE_UI_API_URL`` or the local default."""
    return os.environ.get("FAREBRIDGE_UI_API_URL", DEFAULT_API_URL).rstrip("/")


def public_api_url() -> str:
    """The API base URL as the traveller's browser reaches it (sign-in and sign-out go
    there): ``FAREBRIDGE_UI_PUBLIC_API_URL``, else the one the site uses."""
    return os.environ.get("FAREBRIDGE_UI_PUBLIC_API_URL", "").rstrip("/") or api_url()


class ApiError(Exception):
    """One API failure, built from the error envelope (or from a transport error)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.request_id = request_id

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        request_id = response.headers.get("x-request-id")
        try:
            body = response.json()
            first = body["errors"][0]
            source = first.get("source") or {}
            return cls(
                response.status_code,
                str(first.get("code") or "error"),
                str(first.get("message") or first.get("title") or "The request failed."),
                source.get("field"),
                body.get("meta", {}).get("request_id") or request_id,
            )
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return cls(
                response.status_code,
                "unexpected_response",
                response.reason_phrase,
                None,
                request_id,
            )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    after: str | None
    before: str | None


@dataclass(frozen=True, slots=True)
class LoggedIn:
    token: str
    user: User
    expires_at: str


@dataclass(frozen=True, slots=True)
class OfferQuery:
    """Sort, server-side filters and the cursor of ``GET /offers``."""

    sort: str = "total_amount"
    max_connections: int | None = None
    max_price: str | None = None  # in the search's currency
    airlines: tuple[str, ...] = ()
    departure_from: str | None = None  # "HH:MM", local at the origin
    departure_to: str | None = None
    departure_dates: tuple[str, ...] = ()  # one per slice (flexible searches)
    one_per_itinerary: bool = True  # one card per flights, its fare brands inside
    after: str | None = None
    limit: int = 10


class ApiClient:
    def __init__(
        self, base_url: str | None = None, token: str | None = None, timeout: float = 30.0
    ) -> None:
        self.base_url = (base_url or api_url()).rstrip("/")
        self.token = token
        self.timeout = timeout

    # --- plumbing -------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        response = self._send(method, path, body=body, params=params, headers=headers)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError.from_response(response) from exc

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request; a response of 400 or more, or none, leaves as an ApiError."""
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = httpx.request(
                method,
                self.base_url + path,
                json=body,
                params=query,
                headers=sent,
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            raise ApiError(0, "timeout", "The booking service did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise ApiError(0, "unreachable", "The booking service cannot be reached.") from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    def _data(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._request(method, path, **kwargs)["data"]

    def _page(self, path: str, params: dict[str, Any]) -> Page[Any]:
        body = self._request("GET", path, params=params)
        meta = cast(PageMeta, body["meta"])
        return Page(list(body["data"]), meta["after"], meta["before"])

    # --- accounts --------------------------------------------------------------
    def register(self, email: str, password: str, full_name: str = "") -> User:
        body = {"email": email, "password": password, "full_name": full_name}
        return cast(User, self._data("POST", "/auth/register", body=body))

    def login(self, email: str, password: str) -> LoggedIn:
        data = self._data("POST", "/auth/login", body={"email": email, "password": password})
        return LoggedIn(data["access_token"], cast(User, data["user"]), data["expires_at"])

    def logout(self) -> None:
        self._request("POST", "/auth/logout")

    def me(self) -> User:
        return cast(User, self._data("GET", "/me"))

    def set_preferred_currency(self, currency: str | None) -> User:
        """The currency the account's searches are priced in (``PATCH /me``)."""
        body = {"preferred_currency": currency}
        return cast(User, self._data("PATCH", "/me", body=body))

    def create_sign_in_code(self) -> SignInCode:
        """A one-time code the browser swaps for the sign-in cookie (ADR 0035)."""
        return cast(SignInCode, self._data("POST", "/auth/web-session/codes"))

    # --- booking drafts (ADR 0035) ----------------------------------------------
    def create_draft(self, draft: dict[str, Any]) -> BookingDraft:
        return cast(BookingDraft, self._data("POST", "/booking-drafts", body={"data": draft}))

    def get_draft(self, draft_id: str) -> BookingDraft:
        return cast(BookingDraft, self._data("GET", f"/booking-drafts/{draft_id}"))

    def replace_draft(self, draft_id: str, draft: dict[str, Any]) -> BookingDraft:
        path = f"/booking-drafts/{draft_id}"
        return cast(BookingDraft, self._data("PUT", path, body={"data": draft}))

    def delete_draft(self, draft_id: str) -> None:
        self._request("DELETE", f"/booking-drafts/{draft_id}")

    def list_currencies(self) -> Currencies:
        return cast(Currencies, self._data("GET", "/currencies"))

    # --- search ----------------------------------------------------------------
    def suggest_places(self, query: str) -> list[Place]:
        return cast(list[Place], self._data("GET", "/places/suggestions", params={"query": query}))

    def create_offer_request(self, criteria: dict[str, Any]) -> OfferRequest:
        return cast(OfferRequest, self._data("POST", "/offer-requests", body={"data": criteria}))

    def get_offer_request(self, request_id: str) -> OfferRequest:
        return cast(OfferRequest, self._data("GET", f"/offer-requests/{request_id}"))

    def list_offers(self, request_id: str, query: OfferQuery) -> Page[Offer]:
        params: dict[str, Any] = {
            "offer_request_id": request_id,
            "sort": query.sort,
            "max_connections": query.max_connections,
            "after": query.after,
            "limit": query.limit,
        }
        if query.max_price is not None:
            params["max_price"] = query.max_price
        if query.airlines:
            params["airlines"] = ",".join(query.airlines)
        if query.departure_from is not None:
            params["departure_time_from"] = query.departure_from
        if query.departure_to is not None:
            params["departure_time_to"] = query.departure_to
        if query.departure_dates:
            params["departure_dates"] = ",".join(query.departure_dates)
        if query.one_per_itinerary:
            params["group_by"] = "itinerary"
        return cast(Page[Offer], self._page("/offers", params))

    def get_calendar(self, request_id: str) -> list[CalendarDay]:
        """The cheapest offer per combination of departure dates of a flexible search."""
        return cast(list[CalendarDay], self._data("GET", f"/offer-requests/{request_id}/calendar"))

    def get_offer(self, offer_id: str) -> Offer:
        return cast(Offer, self._data("GET", f"/offers/{offer_id}"))

    def get_fare_rules(self, offer_id: str) -> FareRules:
        return cast(FareRules, self._data("GET", f"/offers/{offer_id}/fare-rules"))

    def price_offer(self, offer_id: str, services: list[dict[str, Any]]) -> Price:
        """The amount due for the offer with these seats and bags, priced by the API."""
        body = {"data": {"services": services}}
        return cast(Price, self._data("POST", f"/offers/{offer_id}/actions/price", body=body))

    def get_seat_maps(self, offer_id: str) -> list[SeatMap]:
        return cast(list[SeatMap], self._data("GET", f"/offers/{offer_id}/seat-maps"))

    # --- orders and payments ------------------------------------------------------
    def create_order(self, order: dict[str, Any], idempotency_key: str | None = None) -> Order:
        headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
        return cast(Order, self._data("POST", "/orders", body={"data": order}, headers=headers))

    def list_orders(
        self, after: str | None = None, limit: int = 20, customer_id: str | None = None
    ) -> Page[Order]:
        """The trips the caller may see (an agent: ``customer_id`` narrows to one customer)."""
        params = {"after": after, "limit": limit, "customer_id": customer_id}
        return cast(Page[Order], self._page("/orders", params))

    def get_order(self, order_id: str) -> Order:
        return cast(Order, self._data("GET", f"/orders/{order_id}"))

    def update_note(self, order_id: str, note: str | None) -> Order:
        body = {"metadata": {"note": note}}
        return cast(Order, self._data("PATCH", f"/orders/{order_id}", body=body))

    def pay_order(self, order: Order, card_token: str) -> Payment:
        body = {
            "order_id": order["id"],
            "type": "card",
            "card_token": card_token,
            "amount": amount_due(order["total_amount"], order["card_surcharges"], card_token),
            "currency": order["total_currency"],
        }
        return cast(Payment, self._data("POST", "/payments", body=body))

    def quote_cancellation(
        self, order_id: str, reason: str = "requested_by_customer"
    ) -> Cancellation:
        """A refund quote; ``reason="schedule_change"`` while an airline change is pending."""
        body = {"reason": reason}
        path = f"/orders/{order_id}/actions/cancel"
        return cast(Cancellation, self._data("POST", path, body=body))

    def confirm_cancellation(self, order_id: str, cancellation_id: str) -> CancelledOrder:
        path = f"/orders/{order_id}/actions/cancel/confirm"
        body = {"cancellation_id": cancellation_id}
        return cast(CancelledOrder, self._data("POST", path, body=body))

    # --- servicing: documents, history, airline changes, flight changes ----------------
    def list_documents(self, order_id: str) -> list[OrderDocumentFile]:
        return cast(list[OrderDocumentFile], self._data("GET", f"/orders/{order_id}/documents"))

    def download_document(self, order_id: str, kind: str) -> bytes:
        """The newest PDF of ``kind`` (``e_ticket``, ``cancellation_receipt``)."""
        return self._send("GET", f"/orders/{order_id}/documents/{kind}").content

    def list_events(self, order_id: str) -> list[OrderEvent]:
        """The order's history, oldest first."""
        return cast(list[OrderEvent], self._data("GET", f"/orders/{order_id}/events"))

    def sync_order(self, order_id: str) -> Order:
        """Ask the airline for changes to the order now (e.g. a schedule change)."""
        return cast(Order, self._data("POST", f"/orders/{order_id}/actions/sync"))

    def list_schedule_changes(self, order_id: str) -> list[ScheduleChange]:
        path = f"/orders/{order_id}/schedule_changes"
        return cast(list[ScheduleChange], self._data("GET", path))

    def accept_schedule_change(self, order_id: str, change_id: str) -> ScheduleChange:
        path = f"/orders/{order_id}/schedule_changes/{change_id}/actions/accept"
        return cast(ScheduleChange, self._data("POST", path))

    def request_change(
        self,
        order: Order,
        slice_id: str,
        departure_date: str,
        schedule_change_id: str | None = None,
    ) -> ChangeRequest:
        """Ask for other flights for one slice of the order: same airports and cabin."""
        old = next(s for s in order["slices"] if s["id"] == slice_id)
        body: dict[str, Any] = {
            "order_id": order["id"],
            "slices": {
                "remove": [{"slice_id": slice_id}],
                "add": [
                    {
                        "origin": old["origin"]["iata_code"],
                        "destination": old["destination"]["iata_code"],
                        "departure_date": departure_date,
                        "cabin_class": old["segments"][0]["cabin_class"],
                    }
                ],
            },
        }
        if schedule_change_id is not None:
            body["schedule_change_id"] = schedule_change_id
        return cast(ChangeRequest, self._data("POST", "/order_change_requests", body=body))

    def list_change_offers(self, request_id: str, limit: int = 6) -> Page[ChangeOffer]:
        params = {
            "order_change_request_id": request_id,
            "sort": "change_total_amount",
            "limit": limit,
        }
        return cast(Page[ChangeOffer], self._page("/order_change_offers", params))

    def create_change(self, change_offer_id: str) -> OrderChange:
        body = {"selected_order_change_offer": change_offer_id}
        return cast(OrderChange, self._data("POST", "/order_changes", body=body))

    def confirm_change(self, change: OrderChange, card_token: str | None) -> OrderChange:
        """Confirm a pending change, paying its change total with the card when one is due."""
        body: dict[str, Any] = {}
        if card_token is not None:
            body["payment"] = {
                "type": "card",
                "card_token": card_token,
                "amount": change["change_total_amount"],
                "currency": change["change_total_currency"],
            }
        path = f"/order_changes/{change['id']}/actions/confirm"
        return cast(OrderChange, self._data("POST", path, body=body))

    # --- manage a booking without an account (reference + family name) ---------------
    def look_up_booking(self, booking_reference: str, family_name: str) -> FoundBooking:
        body = {"booking_reference": booking_reference, "family_name": family_name}
        return cast(FoundBooking, self._data("POST", "/bookings/lookup", body=body))

    def managed_booking(self, manage_token: str) -> Order:
        headers = {"Manage-Token": manage_token}
        return cast(Order, self._data("GET", "/bookings/manage", headers=headers))

    def managed_documents(self, manage_token: str) -> list[OrderDocumentFile]:
        headers = {"Manage-Token": manage_token}
        path = "/bookings/manage/documents"
        return cast(list[OrderDocumentFile], self._data("GET", path, headers=headers))

    def download_managed_document(self, manage_token: str, kind: str) -> bytes:
        headers = {"Manage-Token": manage_token}
        return self._send("GET", f"/bookings/manage/documents/{kind}", headers=headers).content

    def quote_managed_cancellation(self, manage_token: str) -> Cancellation:
        """What cancelling the looked-up booking refunds (nothing changes yet)."""
        headers = {"Manage-Token": manage_token}
        path = "/bookings/manage/cancellation-quote"
        return cast(Cancellation, self._data("POST", path, headers=headers))

    def confirm_managed_cancellation(
        self, manage_token: str, cancellation_id: str
    ) -> CancelledOrder:
        headers = {"Manage-Token": manage_token}
        body = {"cancellation_id": cancellation_id}
        path = "/bookings/manage/cancellation"
        return cast(CancelledOrder, self._data("POST", path, body=body, headers=headers))

    def managed_events(self, manage_token: str) -> list[OrderEvent]:
        headers = {"Manage-Token": manage_token}
        return cast(list[OrderEvent], self._data("GET", "/bookings/manage/events", headers=headers))

    # --- agents ---------------------------------------------------------------------
    def list_agency_customers(self) -> list[AgencyCustomer]:
        """The customers an agent may book for (403 for a customer)."""
        return cast(list[AgencyCustomer], self._data("GET", "/agency/customers"))
