"""What the Allmyles routes share: the caller (X-Auth-Token), the session (Cookie),
the display-currency conversion and the result groups of the latest search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader

from farebridge.api import ratelimit
from farebridge.api.deps import Credentials, ServicesDep
from farebridge.api.dialects.allmyles import present
from farebridge.api.dialects.allmyles.errors import AllmylesError
from farebridge.domain.account import User
from farebridge.domain.booking_workflow import Workflow
from farebridge.domain.errors import NotAuthenticated
from farebridge.domain.money import Money
from farebridge.services import accounts, allmyles_sessions, currencies
from farebridge.services.ports import Dependencies

# Allmyles' own header, declared as a security scheme: the document then says that
# X-Auth-Token or a bearer token authenticates (either one), and a call without both
# is refused with Allmyles' 403.
_x_auth_token = APIKeyHeader(
    name="X-Auth-Token",
    scheme_name="XAuthToken",
    description="A farebridge API key (fbk_…) or login token",
    auto_error=False,
)


def allmyles_user(
    request: Request,
    services: ServicesDep,
    token: Annotated[str | None, Depends(_x_auth_token)],
    credentials: Credentials,
) -> User:
    """``X-Auth-Token`` (Allmyles' header), else ``Authorization: Bearer``."""
    secret = token or (credentials.credentials if credentials else None)
    if not secret:
        raise NotAuthenticated("Send your farebridge API key as X-Auth-Token.")
    user = accounts.authenticate(services, token=secret)
    request.state.user_id = user.id
    return user


def session_cookie(
    cookie: Annotated[
        str | None,
        Header(alias="Cookie", description="The customer's session: any cookie string"),
    ] = None,
) -> str:
    if cookie is None or not cookie.strip():
        raise AllmylesError(
            400, "Cookie header missing: send the customer's session cookie in the Cookie header"
        )
    return cookie.strip()


AllmylesUser = Annotated[User, Depends(allmyles_user)]


def limited(name: str) -> Callable[..., None]:
    """The search / booking rate limit per caller, the caller named by X-Auth-Token."""

    def dependency(request: Request, user: AllmylesUser) -> None:
        ratelimit.hit(request, name, user)

    return dependency


SessionCookie = Annotated[str, Depends(session_cookie)]


def converter(services: Dependencies) -> present.Convert:
    """Amounts in the operator's preferred currencies (``FAREBRIDGE_PREFERRED_CURRENCIES``)."""
    preferred = currencies.preferred_currencies(services)

    def convert(money: Money) -> list[Money]:
        return list(preferred.convert(money))

    return convert


def result_group(
    services: Dependencies, user: User, workflow: Workflow, booking_id: str
) -> dict[str, Any]:
    """The search result (``flightResultSet`` item) that holds ``booking_id``."""
    group = booking_id.split("_", 1)[0]
    ids = sorted(
        (bid for bid in workflow.results if bid.split("_", 1)[0] == group),
        key=lambda bid: int(bid.split("_")[1]) if bid.split("_")[1].isdigit() else 0,
    )
    offers = allmyles_sessions.session_offers(
        services, user=user, offer_ids=[workflow.results[bid] for bid in ids]
    )
    pairs = list(zip(ids, offers, strict=True))
    return present.flight_result(pairs, services.places, converter(services))
