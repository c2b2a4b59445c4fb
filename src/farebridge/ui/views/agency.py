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
KEY = "acting_for"  # the chosen customer's id; "" for the agent's own


def is_agent() -> bool:
    login = state.login()
    return login is not None and login.user["role"] in ACTING_ROLES


def _customers() -> list[AgencyCustomer]:
    found = attempt(lambda: state.client().list_agency_customers())
    return found or []


def _label(customer: AgencyCustomer) -> str:
    name = customer["full_name"] or customer["email"]
    return f"{name} <{customer['email']}>" if customer["full_name"] else name


def customer_picker(label: str) -> str | None:
    """For agents: a choice of "myself" or one of the agency's customers, kept across
    pages; the chosen customer's id (None: the agent's own). Nothing for customers."""
    if not is_agent():
        return None
    customers = {c["id"]: c for c in _customers()}
    options = [MYSELF, *customers]
    if st.session_state.get(KEY) not in options:
        st.session_state[KEY] = MYSELF
    chosen = st.selectbox(
        label,
        options,
        format_func=lambda i: "Myself" if i == MYSELF else _label(customers[i]),
        key=KEY,
        help="The customers of your agency. The trip belongs to the customer you choose.",
    )
    if not customers:
        st.caption("Your agency has no customer accounts yet.")
    return str(chosen) or None


def trips_note() -> str | None:
    """My trips for an agent: whose trips to list (everyone's the agent may see, or one
    customer's)."""
    customer = customer_picker("Show and manage the trips of")
    if is_agent() and customer is None:
        st.caption("Listing your own trips and those of your agency's customers.")
    return customer
