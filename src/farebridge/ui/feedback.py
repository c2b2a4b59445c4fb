"""API errors in plain words, with the request id to quote; never a stack trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from farebridge.ui import state
from farebridge.ui.client import ApiError

T = TypeVar("T")

BY_CODE = {
    "card_declined": "Your card was declined. Choose another card and try again.",
    "insufficient_funds": "The card has insufficient funds. Choose another card and try again.",
    "expired_card": "The card has expired. Choose another card and try again.",
    "offer_no_longer_available": "Sorry, this flight has just sold out. Please choose another.",
    "offer_price_changed": "The airline changed the price of this flight. Check the new price.",
    "seat_unavailable": "Someone has just taken a seat you chose. Please pick another seat.",
    "email_taken": "An account with this email already exists. Sign in instead.",
    "invalid_credentials": "The email or password is wrong.",
    "database_unavailable": "Our booking service is briefly unavailable. Please try again "
    "in a few seconds (if you were booking, look at My trips first).",
}
BY_STATUS = {
    0: "The booking service cannot be reached. Check your connection and try again.",
    401: "Please sign in again: your session has ended.",
    404: "This offer or booking no longer exists (offers expire after a while).",
    429: "Too many requests in a short time. Wait a minute and try again.",
    503: "The airline's system is not answering right now. Please try again.",
    504: "The airline did not answer in time. Check My trips before trying again.",
}


def plain_message(error: ApiError) -> str:
    """What went wrong, for a traveller: a known phrase, else the API's own message."""
    if error.code in BY_CODE:
        return BY_CODE[error.code]
    if error.status in BY_STATUS:
        return BY_STATUS[error.status]
    if error.status >= 500:
        return "Something went wrong on our side. Please try again in a moment."
    return error.message


def show_error(error: ApiError) -> None:
    details = f"{plain_message(error)}"
    if error.message and error.message not in details and error.status < 500:
        details += f"\n\n*{error.message}*"
    if error.request_id:
        details += f"\n\nReference for support: `{error.request_id}`"
    st.error(details, icon="⚠️")
    if error.status == 401:
        state.set_login(None)


def attempt(action: Callable[[], T]) -> T | None:
    """Run one API call; on failure show why and return None."""
    try:
        return action()
    except ApiError as error:
        show_error(error)
        return None


def remember_error(error: ApiError) -> None:
    """Keep an error to show after the next rerun (from a callback)."""
    st.session_state["pending_error"] = error


def show_remembered_error() -> None:
    error = st.session_state.pop("pending_error", None)
    if isinstance(error, ApiError):
        show_error(error)
