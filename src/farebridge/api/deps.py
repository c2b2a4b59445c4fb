"""FastAPI dependencies: the services container and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from farebridge.domain.account import User
from farebridge.domain.errors import NotAuthenticated
from farebridge.services import accounts
from farebridge.services.ports import Dependencies

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/login")


def get_services(request: Request) -> Dependencies:
    services: Dependencies = request.app.state.services
    return services


ServicesDep = Annotated[Dependencies, Depends(get_services)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def optional_user(services: ServicesDep, credentials: Credentials, request: Request) -> User | None:
    if credentials is None:
        return None
    user = accounts.authenticate(services, token=credentials.credentials)
    request.state.user_id = user.id
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("Send Authorization: Bearer <token> (POST /api/auth/login).")
    return user


def bearer_token(credentials: Credentials) -> str:
    if credentials is None:
        raise NotAuthenticated("Send Authorization: Bearer <token>.")
    return credentials.credentials


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
BearerToken = Annotated[str, Depends(bearer_token)]
