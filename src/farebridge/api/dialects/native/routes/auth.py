"""Accounts: register, log in, log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter

from farebridge.api.deps import BearerToken, CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.accounts import TokenResponse, UserResponse
from farebridge.api.dialects.native.presenters.accounts import present_token, present_user
from farebridge.api.dialects.native.schemas import LoginBody, RegisterBody
from farebridge.services import accounts

router = APIRouter(tags=["accounts"])


@router.post("/auth/register", status_code=201, responses=responses(409))
def register(body: RegisterBody, services: ServicesDep) -> UserResponse:
    """Create a customer account."""
    user = accounts.register_user(
        services, email=body.email, password=body.password, full_name=body.full_name
    )
    return UserResponse.model_construct(data=present_user(user))


@router.post("/auth/login", responses=responses(401))
def login(body: LoginBody, services: ServicesDep) -> TokenResponse:
    """Exchange email and password for a bearer token."""
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
