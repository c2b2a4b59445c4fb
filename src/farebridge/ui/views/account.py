"""Sign in, create an account, sign out."""

from __future__ import annotations

from html import escape

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from farebridge.ui import session, state
from farebridge.ui.client import ApiClient
from farebridge.ui.feedback import attempt
from farebridge.ui.validation import EMAIL
from farebridge.ui.views.common import field_error

MIN_PASSWORD = 8
FORMS_IN_PAGE = "sign_in_in_page"  # this run's page shows the sign-in forms itself


def _sign_in_form(prefix: str) -> None:
    with st.form(f"{prefix}_login"):
        email = st.text_input("Email", key=f"{prefix}_login_email")
        password = st.text_input("Password", type="password", key=f"{prefix}_login_password")
        if not st.form_submit_button("Sign in", type="primary", key=f"{prefix}_login_submit"):
            return
    if not email.strip() or not password:
        st.error("Enter your email and password.")
        return
    logged_in = attempt(lambda: ApiClient().login(email.strip(), password))
    if logged_in is not None:
        session.hand_over(logged_in)
        st.rerun()


def _registration_errors(email: str, password: str, repeated: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not EMAIL.match(email.strip()):
        errors["email"] = "Enter an email address like name@example.com."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use at least {MIN_PASSWORD} characters."
    elif password != repeated:
        errors["repeat"] = "The two passwords differ."
    return errors


def _register_form(prefix: str) -> None:
    errors: dict[str, str] = st.session_state.get(f"{prefix}_register_errors", {})
    with st.form(f"{prefix}_register"):
        name = st.text_input("Full name (optional)", key=f"{prefix}_register_name")
        email = st.text_input("Email", key=f"{prefix}_register_email")
        field_error(errors, "email")
        password = st.text_input("Password", type="password", key=f"{prefix}_register_password")
        field_error(errors, "password")
        repeated = st.text_input(
            "Repeat password", type="password", key=f"{prefix}_register_repeat"
        )
        field_error(errors, "repeat")
        if not st.form_submit_button(
            "Create account", type="primary", key=f"{prefix}_register_submit"
        ):
            return
    errors = _registration_errors(email, password, repeated)
    st.session_state[f"{prefix}_register_errors"] = errors
    if errors:
        st.rerun()
    client = ApiClient()
    if attempt(lambda: client.register(email.strip(), password, name.strip())) is None:
        return
    logged_in = attempt(lambda: client.login(email.strip(), password))
    if logged_in is not None:
        session.hand_over(logged_in)
        st.rerun()


def auth_forms(prefix: str) -> None:
    """Sign-in and registration tabs; ``prefix`` keeps two copies apart."""
    sign_in, register = st.tabs(["Sign in", "Create account"])
    with sign_in:
        _sign_in_form(prefix)
    with register:
        _register_form(prefix)


def _sign_out() -> None:
    session.sign_out()


def sidebar(slot: DeltaGenerator) -> None:
    """Who is signed in, or the sign-in forms: drawn after the page, so that they are
    left out when the page shows its own (one sign-in form on screen, never two)."""
    with slot:
        st.markdown("## ✈️ farebridge")
        current = state.login()
        if current is None:
            if st.session_state.get(FORMS_IN_PAGE):
                st.caption("Sign in or create an account on this page.")
                return
            st.caption("Sign in to book and to see your trips.")
            auth_forms("side")
            return
        who = current.user["full_name"] or current.user["email"]
        st.markdown(f"<div>Signed in as <b>{escape(who)}</b></div>", unsafe_allow_html=True)
        session.warn_if_not_kept()
        st.button("Sign out", on_click=_sign_out, key="sign_out")


def require_login(reason: str) -> bool:
    """True when signed in; otherwise show why and the sign-in forms."""
    if state.login() is not None:
        return True
    st.info(reason, icon="🔐")
    auth_forms("main")
    st.session_state[FORMS_IN_PAGE] = True
    return False
