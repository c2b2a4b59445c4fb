"""Signed in across reloads (ADR 0035): the login lives in an HttpOnly cookie that the
API sets, never in the URL and never where the page's scripts can read it.

Signing in: the site logs in with the API, asks it for a one-time code and sends
the browser to the API, which swaps the code for the cookie and sends it back to
the same address. Every new browser session reads the cookie (Streamlit sees the
request's cookies) and uses it as its login. Signing out goes through the API,
which revokes the login and clears the cookie.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlsplit

import streamlit as st

from farebridge.ui import navigation, state
from farebridge.ui.client import ApiClient, ApiError, LoggedIn, public_api_url

log = logging.getLogger("farebridge.ui")
COOKIE = "farebridge_session"
ENDED = "ended_logins"  # cookie values this browser session knows to be dead
PENDING = "pending_navigation"
NOT_KEPT = "sign_in_not_kept"  # the site's configured address, when this one differs


def _ended() -> set[str]:
    ended: set[str] = st.session_state.setdefault(ENDED, set())
    return ended


def restore_login() -> None:
    """Sign the session in from the cookie, once per browser session."""
    if state.login() is not None:
        return
    token = st.context.cookies.get(COOKIE)
    if not token or token in _ended():
        return
    try:
        user = ApiClient(token=token).me()
    except ApiError as error:
        if error.status == 401:
            _ended().add(token)  # expired or revoked: signed out
        return
    state.set_login(LoggedIn(token, user, ""))


def hand_over(logged_in: LoggedIn) -> None:
    """After a sign-in: send the browser to the API to get the cookie, then back here."""
    here = navigation.shown_query()  # with the visitor's currency, before signing in
    state.set_login(logged_in)
    try:
        issued = ApiClient(token=logged_in.token).create_sign_in_code()
    except ApiError as error:
        log.info("ui.sign_in_not_kept", extra={"code": error.code})
        return  # signed in for this browser session only
    if not _same_origin(st.context.url, issued["site_url"]):
        # The API would refuse to send the browser back here: stay signed in until a reload.
        st.session_state[NOT_KEPT] = issued["site_url"]
        return
    target = f"{public_api_url()}/auth/web-session?code={quote(issued['code'])}&next="
    st.session_state[PENDING] = ("get", target, here)


def _same_origin(url: str | None, site_url: str) -> bool:
    if url is None:
        return True  # unknown here: let the API judge
    here, site = urlsplit(url), urlsplit(site_url)
    return (here.scheme, here.netloc.lower()) == (site.scheme, site.netloc.lower())


def warn_if_not_kept() -> None:
    site_url = st.session_state.get(NOT_KEPT)
    if site_url and state.login() is not None:
        st.caption(f"Signed in until you reload: open the site at {site_url} to stay signed in.")


def sign_out() -> None:
    """Forget the login here, then let the API revoke it and clear the cookie."""
    current = state.login()
    if current is not None:
        _ended().add(current.token)
    cookie = st.context.cookies.get(COOKIE)
    if cookie:
        _ended().add(cookie)
    if current is not None and current.token != cookie:
        try:  # a login that never became the cookie (the hand-over did not happen)
            ApiClient(token=current.token).logout()
        except ApiError as error:
            log.info("ui.sign_out_failed", extra={"code": error.code})
    state.set_login(None)
    if cookie:
        target = f"{public_api_url()}/auth/web-session/end?next="
        st.session_state[PENDING] = ("post", target, navigation.shown_query())


def _js(value: str) -> str:
    """``value`` as a JavaScript string literal that cannot end the ``<script>`` it is in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def navigate_if_pending() -> None:
    """Carry out a pending move of the whole page to the API (sign in or out)."""
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return
    method, target, query = pending
    # The address of the page shown goes last, as ``next`` (the API only sends the
    # browser back to the site's address, FAREBRIDGE_SITE_URL); signing in replaces the
    # history entry, so that Back does not count it as a step.
    script = (
        "<script>(function(){"
        "const here = window.location.origin + window.location.pathname"
        f" + {_js(query)};"
        f"const url = {_js(target)} + encodeURIComponent(here);"
        f"if ({_js(method)} === 'get') {{ window.location.replace(url); return; }}"
        "const form = document.createElement('form');"
        "form.method = 'post'; form.action = url; document.body.appendChild(form); form.submit();"
        "})();</script>"
    )
    st.caption("One moment…")
    st.html(script, unsafe_allow_javascript=True)
