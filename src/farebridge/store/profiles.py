"""The flight_api dialect's user profiles (``domain.profiles``)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from farebridge.domain.errors import UsernameTaken
from farebridge.domain.profiles import Profile
from farebridge.store.tables import user_profiles


def _profile(row: object) -> Profile:
    return Profile(
        user_id=row.user_id,  # type: ignore[attr-defined]
        username=row.username,  # type: ignore[attr-defined]
        first_name=row.first_name,  # type: ignore[attr-defined]
        last_name=row.last_name,  # type: ignore[attr-defined]
        mobile_no=row.mobile_no,  # type: ignore[attr-defined]
        number=row.id,  # type: ignore[attr-defined]
    )


class ProfileRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, profile: Profile) -> Profile:
        """Stores ``profile``; the one with its integer id. A taken username: UsernameTaken."""
        values = {
            "user_id": profile.user_id,
            "username": profile.username,
            "username_key": profile.username.lower(),
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "mobile_no": profile.mobile_no,
        }
        try:
            with self._db.begin_nested():
                number = self._db.execute(
                    insert(user_profiles).values(**values).returning(user_profiles.c.id)
                ).scalar_one()
        except IntegrityError as exc:
            raise UsernameTaken(
                "A user with that username already exists.", field="username"
            ) from exc
        return Profile(
            profile.user_id,
            profile.username,
            profile.first_name,
            profile.last_name,
            profile.mobile_no,
            number,
        )

    def by_username(self, username: str) -> Profile | None:
        query = select(user_profiles).where(user_profiles.c.username_key == username.lower())
        row = self._db.execute(query).first()
        return _profile(row) if row else None

    def by_user(self, user_id: str) -> Profile | None:
        query = select(user_profiles).where(user_profiles.c.user_id == user_id)
        row = self._db.execute(query).first()
        return _profile(row) if row else None
