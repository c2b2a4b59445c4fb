"""Accounts: register, log in, log out, who am I, API keys."""

from __future__ import annotations

from fastapi import Depends, Request

from farebridge.api import ratelimit
from farebridge.api.deps import BearerToken, CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.accounts import (
    ApiKeyListResponse,
    ApiKeyResponse,
    NewApiKeyResponse,
    TokenResponse,
    UserResponse,
)
from farebridge.api.dialects.native.presenters.accounts import (
    present_api_key,
    present_new_api_key,
    present_token,
    present_user,
)
from farebridge.api.dialects.native.schemas import (
    AccountUpdateBody,
    ApiKeyBody,
    LoginBody,
    RegisterBody,
)
from farebridge.api.routing import APIRouter
from farebridge.services import accounts, api_keys

router = APIRouter(tags=["accounts"])


@router.post(
    "/auth/register",
    status_code=201,
    responses=responses(409, 429),
    dependencies=[Depends(ratelimit.limit_per_address("register"))],
)
def register(body: RegisterBody, services: ServicesDep) -> UserResponse:
    """Create a customer account."""
    user = accounts.register_user(
        services,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        preferred_currency=body.preferred_currency,
    )
    return UserResponse.model_construct(data=present_user(user))


@router.post("/auth/login", responses=responses(401, 429))
def login(body: LoginBody, services: ServicesDep, request: Request) -> TokenResponse:
    """Exchange email and password for a bearer token. Repeated failures for an account
    or from an address back off: 429 ``login_backoff`` with Retry-After."""
    with ratelimit.login_attempt(request, body.email):
        issued = accounts.log_in(services, email=body.email, password=body.password)
    return TokenResponse.model_construct(data=present_token(issued))


@router.post("/auth/logout", status_code=204, responses=responses(401))
def logout(token: BearerToken, services: ServicesDep) -> None:
    """Revoke the bearer token used for this request."""
    accounts.log_out(services, token=token)


@router.get("/me", responses=responses(401))
def me(user: CurrentUser) -> UserResponse:
    """The account behind the bearer token."""
    return UserResponse.model_construct(data=present_user(user))


@router.patch("/me", responses=responses(401))
def update_me(body: AccountUpdateBody, services: ServicesDep, user: CurrentUser) -> UserResponse:
    """Set (or clear with null) the account's preferred currency."""
    updated = accounts.set_preferred_currency(services, user=user, currency=body.preferred_currency)
    return UserResponse.model_construct(data=present_user(updated))


@router.post("/api-keys", status_code=201, responses=responses(400, 401))
def create_api_key(body: ApiKeyBody, services: ServicesDep, user: CurrentUser) -> NewApiKeyResponse:
    """Create an API key for a server; its ``secret`` is shown only in this response.

    Send it as ``Authorization: Bearer fbk_…`` wherever a login token is accepted."""
    issued = api_keys.create_api_key(services, user=user, name=body.name)
    return NewApiKeyResponse.model_construct(data=present_new_api_key(issued))


@router.get("/api-keys", responses=responses(401))
def list_api_keys(services: ServicesDep, user: CurrentUser) -> ApiKeyListResponse:
    """The caller's API keys, newest first, without their secrets."""
    keys = api_keys.list_api_keys(services, user=user)
    return ApiKeyListResponse.model_construct(data=[present_api_key(k) for k in keys])


@router.delete("/api-keys/{key_id}", responses=responses(401, 404))
def revoke_api_key(key_id: str, services: ServicesDep, user: CurrentUser) -> ApiKeyResponse:
    """Revoke one of the caller's API keys; it stops working at once."""
    key = api_keys.revoke_api_key(services, user=user, key_id=key_id)
    return ApiKeyResponse.model_construct(data=present_api_key(key))
