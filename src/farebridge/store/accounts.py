"""Users, access tokens and API keys."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from farebridge.domain.account import Agency, ApiKey, Role, User
from farebridge.domain.errors import EmailAlreadyRegistered
from farebridge.store.tables import access_tokens, agencies, api_keys, users

_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))
_USERS_BY_ID = select(users).where(users.c.id.in_(bindparam("user_ids", expanding=True)))


def _user(row: object) -> User:
    return User(
        id=row.id,  # type: ignore[attr-defined]
        email=row.email,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        full_name=row.full_name,  # type: ignore[attr-defined]
        preferred_currency=row.preferred_currency,  # type: ignore[attr-defined]
        agency_id=row.agency_id,  # type: ignore[attr-defined]
    )


class UserRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, user: User, password_hash: str) -> None:
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(users).values(
                        id=user.id,
                        email=user.email,
                        password_hash=password_hash,
                        full_name=user.full_name,
                        role=user.role.value,
                        created_at=user.created_at,
                        preferred_currency=user.preferred_currency,
                        agency_id=user.agency_id,
                    )
                )
        except IntegrityError as exc:
            raise EmailAlreadyRegistered(
                f"{user.email} is already registered.", field="email"
            ) from exc

    def lock(self, user_id: str) -> None:
        self._db.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())

    def get(self, user_id: str) -> User | None:
        row = self._db.execute(_USER_BY_ID, {"user_id": user_id}).first()
        return _user(row) if row else None

    def get_many(self, user_ids: Collection[str]) -> dict[str, User]:
        """The users of ``user_ids`` that exist, by id, in one query."""
        if not user_ids:
            return {}
        rows = self._db.execute(_USERS_BY_ID, {"user_ids": list(user_ids)})
        return {row.id: _user(row) for row in rows}

    def get_with_password_hash(self, email: str) -> tuple[User, str] | None:
        row = self._db.execute(select(users).where(users.c.email == email)).first()
        return (_user(row), row.password_hash) if row else None

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._db.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )

    def set_preferred_currency(self, user_id: str, currency: str | None) -> None:
        self._db.execute(
            update(users).where(users.c.id == user_id).values(preferred_currency=currency)
        )

    def get_by_email(self, email: str) -> User | None:
        row = self._db.execute(select(users).where(users.c.email == email)).first()
        return _user(row) if row else None

    def list(
        self, *, agency_id: str | None = None, role: Role | None = None, limit: int = 1000
    ) -> list[User]:
        """Every user (or one agency's, or those of one role), oldest first."""
        query = select(users).order_by(users.c.created_at, users.c.id).limit(limit)
        if agency_id is not None:
            query = query.where(users.c.agency_id == agency_id)
        if role is not None:
            query = query.where(users.c.role == role.value)
        return [_user(row) for row in self._db.execute(query)]

    def set_role(self, user_id: str, role: Role, agency_id: str | None) -> bool:
        """Give the user a role and an agency (None: none) at once; False if no such user."""
        result = self._db.execute(
            update(users).where(users.c.id == user_id).values(role=role.value, agency_id=agency_id)
        )
        return result.rowcount == 1


class AgencyRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, agency_id: str) -> Agency | None:
        row = self._db.execute(select(agencies).where(agencies.c.id == agency_id)).first()
        return Agency(row.id, row.name, row.created_at) if row else None

    def by_name(self, name: str) -> Agency | None:
        row = self._db.execute(select(agencies).where(agencies.c.name == name)).first()
        return Agency(row.id, row.name, row.created_at) if row else None

    def add_or_get(self, agency: Agency) -> Agency:
        """Insert the agency unless one of the same name exists; the one stored either way
        (two requests naming a new agency at once get the same one)."""
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(agencies).values(
                        id=agency.id, name=agency.name, created_at=agency.created_at
                    )
                )
        except IntegrityError:
            existing = self.by_name(agency.name)
            if existing is None:
                raise
            return existing
        return agency

    def list(self) -> list[Agency]:
        rows = self._db.execute(select(agencies).order_by(agencies.c.name))
        return [Agency(r.id, r.name, r.created_at) for r in rows]


# Every request whose token is not in the process's cache (ADR 0034) runs it: built once.
_USER_FOR_TOKEN = (
    select(users, access_tokens.c.expires_at.label("token_expires_at"))
    .join(access_tokens, access_tokens.c.user_id == users.c.id)
    .where(
        access_tokens.c.token_hash == bindparam("token_hash"),
        access_tokens.c.revoked_at.is_(None),
        access_tokens.c.expires_at > bindparam("now"),
    )
)


class TokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, token_hash: str, user_id: str, *, now: datetime, expires_at: datetime) -> None:
        self._db.execute(
            insert(access_tokens).values(
                token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
            )
        )

    def user_for(self, token_hash: str, *, now: datetime) -> tuple[User, datetime] | None:
        """The live token's user and when the token expires."""
        row = self._db.execute(_USER_FOR_TOKEN, {"token_hash": token_hash, "now": now}).first()
        return (_user(row), row.token_expires_at) if row else None

    def revoke(self, token_hash: str, *, now: datetime) -> bool:
        result = self._db.execute(
            update(access_tokens)
            .where(access_tokens.c.token_hash == token_hash, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1


class ApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, key: ApiKey, secret_hash: str) -> None:
        self._db.execute(
            insert(api_keys).values(
                id=key.id,
                user_id=key.user_id,
                name=key.name,
                prefix=key.prefix,
                secret_hash=secret_hash,
                created_at=key.created_at,
            )
        )

    def list_for_user(self, user_id: str) -> list[ApiKey]:
        rows = self._db.execute(
            select(api_keys)
            .where(api_keys.c.user_id == user_id)
            .order_by(api_keys.c.created_at.desc(), api_keys.c.id)
        )
        return [_api_key(row) for row in rows]

    def get(self, key_id: str) -> ApiKey | None:
        row = self._db.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return _api_key(row) if row else None

    def revoke(self, key_id: str, *, now: datetime) -> bool:
        result = self._db.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1

    def user_for(self, secret_hash: str) -> tuple[User, ApiKey] | None:
        row = self._db.execute(
            select(api_keys).where(
                api_keys.c.secret_hash == secret_hash, api_keys.c.revoked_at.is_(None)
            )
        ).first()
        if row is None:
            return None
        user = self._db.execute(select(users).where(users.c.id == row.user_id)).first()
        return (_user(user), _api_key(row)) if user else None

    def touch(self, key_id: str, *, now: datetime) -> None:
        self._db.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))


def _api_key(row: object) -> ApiKey:
    return ApiKey(
        id=row.id,  # type: ignore[attr-defined]
        user_id=row.user_id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        prefix=row.prefix,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        last_used_at=row.last_used_at,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )
