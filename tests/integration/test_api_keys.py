"""API keys: shown once, stored hashed, usable as a bearer token, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, select

from farebridge.domain.errors import NotAuthenticated, NotFound, ValidationFailed
from farebridge.services import accounts, api_keys
from farebridge.services.ports import Dependencies
from farebridge.store.tables import api_keys as api_keys_table
from tests.integration.conftest import create_user


def test_a_key_authenticates_until_revoked(services: Dependencies, engine: Engine) -> None:
    user = create_user(services)
    issued = api_keys.create_api_key(services, user=user, name="booking-server")
    assert issued.secret.startswith("fbk_") and len(issued.secret) > 40
    assert accounts.authenticate(services, token=issued.secret).id == user.id
    with engine.connect() as db:
        stored = db.execute(select(api_keys_table)).one()
    assert stored.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(tuple(stored)), "the secret itself is never stored"
    listed = api_keys.list_api_keys(services, user=user)
    assert [(k.id, k.prefix, k.last_used_at is not None) for k in listed] == [
        (issued.key.id, issued.secret[:12], True)
    ]
    revoked = api_keys.revoke_api_key(services, user=user, key_id=issued.key.id)
    assert revoked.revoked_at is not None
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(services, token=issued.secret)
    again = api_keys.revoke_api_key(services, user=user, key_id=issued.key.id)
    assert again.revoked_at == revoked.revoked_at, "revoking twice keeps the first time"


def test_someone_elses_key_is_not_found(services: Dependencies) -> None:
    owner, other = create_user(services), create_user(services)
    issued = api_keys.create_api_key(services, user=owner, name="ci")
    with pytest.raises(NotFound):
        api_keys.revoke_api_key(services, user=other, key_id=issued.key.id)
    assert api_keys.list_api_keys(services, user=other) == []
    assert accounts.authenticate(services, token=issued.secret).id == owner.id


def test_made_up_and_blank_keys(services: Dependencies) -> None:
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(services, token="fbk_made-up")
    with pytest.raises(ValidationFailed) as caught:
        api_keys.create_api_key(services, user=create_user(services), name="   ")
    assert caught.value.field == "name"
