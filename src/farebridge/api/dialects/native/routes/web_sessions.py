"""The web site's state that survives a reload (ADR 0035): the sign-in cookie, handed
over with a one-time code, and the signed-in traveller's booking drafts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from farebridge.api.deps import BearerToken, CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.web_sessions import (
    BookingDraftBody,
    BookingDraftResponse,
    SignInCodeResponse,
)
from farebridge.api.dialects.native.presenters.web_sessions import (
    present_draft,
    present_sign_in_code,
)
from farebridge.api.routing import APIRouter
from farebridge.services import booking_drafts, web_sessions
from farebridge.settings import Settings

router = APIRouter(tags=["web site"])

COOKIE = "farebridge_session"
NextUrl = Annotated[
    str,
    Query(
        alias="next",
        min_length=1,
        max_length=2000,
        description="Where to send the browser back: an address of the web site "
        "(FAREBRIDGE_SITE_URL); any other is refused",
    ),
]
REDIRECT: dict[int | str, dict[str, Any]] = {
    303: {"description": "Back to the web site (Location), with the cookie set or cleared"}
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _cookie(request: Request, settings: Settings) -> dict[str, Any]:
    """The cookie's attributes, the same when it is set and when it is cleared (a browser
    clears only the cookie whose path and domain match)."""
    secure = request.url.scheme == "https" or settings.site_url.startswith("https://")
    return {
        "path": "/",
        "domain": settings.session_cookie_domain,
        "secure": secure,
        "httponly": True,
        "samesite": "lax",
    }


@router.post("/auth/web-session/codes", status_code=201, responses=responses(401, 403))
def create_sign_in_code(
    request: Request, services: ServicesDep, user: CurrentUser, token: BearerToken
) -> SignInCodeResponse:
    """A one-time code (valid 60 s) that the browser swaps for the sign-in cookie."""
    code, expires_at = web_sessions.create_sign_in_code(services, user=user, token=token)
    site_url = _settings(request).site_url
    return SignInCodeResponse.model_construct(data=present_sign_in_code(code, expires_at, site_url))


@router.get(
    "/auth/web-session",
    status_code=303,
    response_class=RedirectResponse,
    responses={**REDIRECT, **responses(404)},
)
def start_web_session(
    request: Request,
    services: ServicesDep,
    next_url: NextUrl,
    code: Annotated[str, Query(min_length=1, max_length=100)],
) -> RedirectResponse:
    """Swap a sign-in code for an HttpOnly cookie and send the browser back to the site.
    The token that asked for the code is revoked; the code works once."""
    settings = _settings(request)
    target = web_sessions.check_redirect(next_url, site_url=settings.site_url)
    issued = web_sessions.redeem_sign_in_code(services, code=code)
    response = RedirectResponse(target, status_code=303)
    lifetime = issued.expires_at - services.clock.now()
    response.set_cookie(
        COOKIE, issued.token, max_age=int(lifetime.total_seconds()), **_cookie(request, settings)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post(
    "/auth/web-session/end",
    status_code=303,
    response_class=RedirectResponse,
    responses={**REDIRECT, **responses(403)},
)
def end_web_session(request: Request, services: ServicesDep, next_url: NextUrl) -> RedirectResponse:
    """Sign the browser out: revoke the cookie's login, clear the cookie, back to the site.
    A form posted by another site's page is 403."""
    settings = _settings(request)
    target = web_sessions.check_redirect(next_url, site_url=settings.site_url)
    web_sessions.check_origin(request.headers.get("origin"), site_url=settings.site_url)
    web_sessions.end_web_session(services, token=request.cookies.get(COOKIE))
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(COOKIE, **_cookie(request, settings))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/booking-drafts", status_code=201, responses=responses(401))
def create_booking_draft(
    body: BookingDraftBody, services: ServicesDep, user: CurrentUser
) -> BookingDraftResponse:
    """Keep a booking in progress for the signed-in traveller (never card data)."""
    draft = booking_drafts.create_draft(services, user=user, content=body.model_dump())
    return BookingDraftResponse.model_construct(data=present_draft(draft))


@router.get("/booking-drafts/{draft_id}", responses=responses(401, 404))
def get_booking_draft(
    draft_id: str, services: ServicesDep, user: CurrentUser
) -> BookingDraftResponse:
    """One of the caller's booking drafts; anyone else's is 404."""
    draft = booking_drafts.get_draft(services, user=user, draft_id=draft_id)
    return BookingDraftResponse.model_construct(data=present_draft(draft))


@router.put("/booking-drafts/{draft_id}", responses=responses(401, 404))
def replace_booking_draft(
    draft_id: str, body: BookingDraftBody, services: ServicesDep, user: CurrentUser
) -> BookingDraftResponse:
    """Replace one of the caller's booking drafts; it lives a week after its last change."""
    draft = booking_drafts.replace_draft(
        services, user=user, draft_id=draft_id, content=body.model_dump()
    )
    return BookingDraftResponse.model_construct(data=present_draft(draft))


@router.delete("/booking-drafts/{draft_id}", status_code=204, responses=responses(401, 404))
def delete_booking_draft(draft_id: str, services: ServicesDep, user: CurrentUser) -> Response:
    """Forget one of the caller's booking drafts (after booking, or starting over)."""
    booking_drafts.delete_draft(services, user=user, draft_id=draft_id)
    return Response(status_code=204)
