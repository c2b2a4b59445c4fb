"""Accounts: register, log in, log out, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from farebridge.api.deps import BearerToken, CurrentUser, ServicesDep
from farebridge.api.presenters import instant, user_json
from farebridge.api.schemas import LoginBody, RegisterBody
from farebridge.services import accounts

router = APIRouter(tags=["accounts"])


@router.post("/auth/register", status_code=201)
def register(body: RegisterBody, services: ServicesDep) -> dict[str, Any]:
    """Create a customer account."""
    user = accounts.register_user(
        services, email=body.email, password=body.password, full_name=body.full_name
    )
    return {"data": user_json(user)}


@router.post("/auth/login")
def login(body: LoginBody, services: ServicesDep) -> dict[str, Any]:
    """Exchange email and password for a bearer token."""
    issued = accounts.log_in(services, email=body.email, password=body.password)
    return {
        "data": {
            "access_token": issued.token,
            "token_type": "bearer",
            "expires_at": instant(issued.expires_at),
            "user": user_json(issued.user),
        }
    }


@router.post("/auth/logout", status_code=204)
def logout(token: BearerToken, services: ServicesDep) -> None:
    """Revoke the bearer token used for this request."""
    accounts.log_out(services, token=token)


@router.get("/me")
def me(user: CurrentUser) -> dict[str, Any]:
    """The account behind the bearer token."""
    return {"data": user_json(user)}
