"""Agents: pick the agency customer to book or service for.

The API decides who an agent may act for (``GET /api/agency/customers``, and again
on every order); this only offers its list. Customers see nothing of it.
"""

from __future__ import annotations

import streamlit as st

from farebridge.ui import state
from farebridge.ui.feedback import attempt
from farebridge.ui.models import AgencyCustomer

ACTING_ROLES = {"agent", "admin"}
MYSELF = ""
KEY = "acting_for"  # the chosen customer's id, "" for the agent's own: kept across pages


def is_agent() -> bool:
    login = state.login()
    return login is not None and login.user["role"] in ACTING_ROLES


def _customers() -> list[AgencyCustomer]:
    found = attempt(lambda: state.client().list_agency_customers())
    return found or []


def _label(customer: AgencyCustomer) -> str:
    name = customer["full_name"] or customer["email"]
    return f"{name} <{customer['email']}>" if customer["full_name"] else name


def customer_picker(label: str, where: str, everyone: str = "Myself") -> str | None:
    """For agents: a choice of "myself" or one of the agency's customers, kept across
    pages; the chosen customer's id (None: the agent's own). Nothing for customers."""
    if not is_agent():
        return None
    customers = {c["id"]: c for c in _customers()}
    options = [MYSELF, *customers]
    kept = st.session_state.get(KEY, MYSELF)
    chosen = st.selectbox(
        label,
        options,
        index=options.index(kept) if kept in options else 0,
        format_func=lambda i: everyone if i == MYSELF else _label(customers[i]),
        key=f"{KEY}_{where}",  # a widget's own state ends with its page
        help="The customers of your agency. The trip belongs to the customer you choose.",
    )
    st.session_state[KEY] = chosen
    if not customers:
        st.caption("Your agency has no customer accounts yet.")
    return str(chosen) or None


def trips_owner_picker() -> str | None:
    """My trips for an agent: whose trips to list (everyone's the agent may see, or one
    customer's)."""
    return customer_picker(
        "Show and manage the trips of", "trips", "Me and all my agency's customers"
    )
