"""The currency the site shows prices in, chosen in the header of every page.

Signed in, it is the account's preferred currency, kept by the API (``PATCH /me``):
the API prices a search in it unless the search asks for another (an account without
one keeps what the address says, chosen before signing in). Signed out, it is
kept in the URL (``?currency=``) and sent with each search. Either way the choice
must be one the API can price in (``GET /currencies``); the server's default stands
in until one is made.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from farebridge.ui import state
from farebridge.ui.client import ApiError
from farebridge.ui.feedback import attempt, remember_error
from farebridge.ui.models import Currencies
from farebridge.ui.state import Criteria

LISTED = "currencies"
GUEST = "guest_currency"  # a signed-out visitor's last choice in this browser session


def listed() -> Currencies | None:
    """The currencies the API prices in, fetched once per session."""
    found: Currencies | None = st.session_state.get(LISTED)
    if found is None:
        found = attempt(lambda: state.client().list_currencies())
        if found is not None:
            st.session_state[LISTED] = found
    return found


def codes() -> list[str]:
    found = listed()
    return [rate["currency"] for rate in found["rates"]] if found is not None else []


def chosen() -> str | None:
    """The currency of the prices shown (None: the API's list is out of reach)."""
    found = listed()
    if found is None:
        return None
    known = codes()
    current = state.login()
    if current is not None:
        preferred = current.user.get("preferred_currency")
        if preferred in known:
            return str(preferred)
        # No preference yet: what the visitor chose before signing in (in the address).
        from_url = str(st.query_params.get("currency") or "").upper()
        return from_url if from_url in known else found["default_currency"]
    guest = st.session_state.get(GUEST)
    if guest in known:  # chosen in this browser session: Back and Forward keep it
        return str(guest)
    from_url = str(st.query_params.get("currency") or "").upper()
    if from_url in known:  # an opened link or a reload
        st.session_state[GUEST] = from_url
        return from_url
    return found["default_currency"]


def guest_choice() -> str | None:
    """What a signed-out visitor chose (to keep in every address), else None."""
    if state.login() is not None:
        return None
    value = st.session_state.get(GUEST)
    return str(value) if value else None


def choose(code: str) -> bool:
    """Make ``code`` the currency: the account's (saved by the API) or the visitor's."""
    current = state.login()
    if current is None:
        st.session_state[GUEST] = code
        return True
    try:
        user = state.client().set_preferred_currency(code)
    except ApiError as error:
        remember_error(error)
        return False
    state.set_login(replace(current, user=user))
    return True


def priced(criteria: Criteria) -> Criteria:
    """``criteria`` asking for the chosen currency."""
    code = chosen()
    return criteria if code is None else replace(criteria, currency=code)
