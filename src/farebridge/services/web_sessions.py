"""Hand a login to the web site's browser as an HttpOnly cookie (ADR 0035).

The site signs a traveller in with ``POST /api/auth/login`` and asks, with that
token, for a one-time code; the browser brings the code to the API, which swaps it
for a fresh login token in a cookie and revokes the token that asked. The code
lives a minute and works once; the token never appears in a URL.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from farebridge.domain.account import User
from farebridge.domain.errors import NotAllowed, NotFound, ValidationFailed
from farebridge.services import api_keys
from farebridge.services.accounts import (
    IssuedToken,
    add_login_token,
    hash_token,
    revoke_login_token,
)
from farebridge.services.ports import Dependencies

SIGN_IN_CODE_LIFETIME = timedelta(seconds=60)


class InvalidSignInCode(NotFound):
    """An unknown, used or expired code is like an unknown id: 404, naming ``code``."""

    title = "Invalid sign-in code"

    def __init__(self) -> None:
        super().__init__(
            "This sign-in code is unknown, already used or expired; sign in again.",
            code="sign_in_code_invalid",
            field="code",
        )


class RedirectRefused(ValidationFailed):
    title = "Redirect refused"

    def __init__(self, site_url: str) -> None:
        super().__init__(
            f"next must be an address of the web site ({site_url}).",
            code="redirect_refused",
            field="next",
        )


def create_sign_in_code(deps: Dependencies, *, user: User, token: str) -> tuple[str, datetime]:
    """A one-time code for the login ``token`` of ``user`` (an API key cannot ask)."""
    if api_keys.is_api_key(token):
        raise NotAllowed(
            "Sign-in codes hand over a login; an API key cannot ask for one.",
            code="login_token_required",
        )
    now = deps.clock.now()
    code = secrets.token_urlsafe(32)
    expires_at = now + SIGN_IN_CODE_LIFETIME
    with deps.uow() as uow:
        uow.sign_in_codes.delete_expired(before=now - timedelta(days=1))
        uow.sign_in_codes.add(
            hash_token(code),
            user_id=user.id,
            token_hash=hash_token(token),
            now=now,
            expires_at=expires_at,
        )
        uow.commit()
    return code, expires_at


def redeem_sign_in_code(deps: Dependencies, *, code: str) -> IssuedToken:
    """Use the code once: a new login token for its user; the token that asked for the
    code is revoked. An unknown, used or expired code, or one whose asking login has
    ended since, is refused."""
    now = deps.clock.now()
    with deps.uow() as uow:
        redeemed = uow.sign_in_codes.redeem(hash_token(code), now=now)
        if redeemed is None:
            raise InvalidSignInCode()
        user_id, asking_token_hash = redeemed
        if not uow.tokens.revoke(asking_token_hash, now=now):
            raise InvalidSignInCode()
        user = uow.users.get(user_id)
        if user is None:
            raise InvalidSignInCode()
        issued = add_login_token(uow, user, now=now, lifetime=deps.policies.token_lifetime)
        uow.commit()
    deps.tokens.forget(asking_token_hash)
    return issued


def end_web_session(deps: Dependencies, *, token: str | None) -> None:
    """Revoke the cookie's login token, if it is still live; nothing to do otherwise."""
    if token and len(token) <= 200:
        revoke_login_token(deps, hash_token(token))


def check_origin(origin: str | None, *, site_url: str) -> None:
    """A sign-out posted by a page of another site is refused (a browser names the page
    that posted a form in ``Origin``; no header: not a browser, nothing to forge)."""
    if origin is None:
        return
    site = urlsplit(site_url)
    if origin.rstrip("/").lower() != f"{site.scheme}://{site.netloc}".lower():
        raise NotAllowed(
            "Sign out from the web site's own pages.", code="cross_site_request_refused"
        )


def check_redirect(next_url: str, *, site_url: str) -> str:
    """``next_url`` when it is an address of the web site (same scheme, host and port),
    else :class:`RedirectRefused`: the API is no open redirect."""
    site = urlsplit(site_url)
    try:
        wanted = urlsplit(next_url)
        port_matches = wanted.port == site.port
    except ValueError as exc:
        raise RedirectRefused(site_url) from exc
    plain = all(c not in next_url for c in "\\\r\n\t ") and next_url.isprintable()
    same_site = (
        wanted.scheme.lower() == site.scheme.lower()
        and (wanted.hostname or "") == (site.hostname or "").lower()
        and wanted.username is None
        and wanted.password is None
        and port_matches
        and (wanted.path == "" or wanted.path.startswith("/"))
        and not wanted.path.startswith("//")
    )
    if not (plain and same_site):
        raise RedirectRefused(site_url)
    return next_url
