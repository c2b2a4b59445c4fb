"""Roles and agencies, the flight manifest and the audit log (ADR 0021).

Roles are given by an admin through the API or by an operator with the command line
(``farebridge users set-role``); the command line acts as nobody (``actor`` None).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from farebridge.domain.access import require_role
from farebridge.domain.account import Agency, Role, User
from farebridge.domain.audit import AuditAction, AuditEntry
from farebridge.domain.errors import NotFound, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.manifest import FlightKey, ManifestEntry, manifest_entry
from farebridge.services.ports import Dependencies, UnitOfWork

MAX_AGENCY_NAME = 200


@dataclass(frozen=True, slots=True)
class RoleChange:
    """What to set: a field left None is kept; ``clear_agency`` takes the user out of
    their agency."""

    role: Role | None = None
    agency_name: str | None = None
    clear_agency: bool = False


def set_role(
    deps: Dependencies, *, actor: User | None, user_id: str, change: RoleChange
) -> tuple[User, Agency | None]:
    """Give a user a role and/or an agency (made on first use, by name). ``actor`` None:
    the command line; otherwise only an admin may (403)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    now = deps.clock.now()
    with deps.uow() as uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.", code="user_not_found")
        agency = _agency(uow, user, change, now=now)
        role = change.role or user.role
        agency_id = agency.id if agency is not None else None
        if not uow.users.set_role(user.id, role, agency_id):
            raise NotFound(f"No user {user_id}.", code="user_not_found")
        uow.audit.record(
            AuditEntry(
                AuditAction.USER_ROLE_SET,
                actor.id if actor is not None else None,
                now,
                subject_user_id=user.id,
                data={
                    "role": role.value,
                    "agency_id": agency_id,
                    "previous_role": user.role.value,
                    "previous_agency_id": user.agency_id,
                },
            )
        )
        uow.commit()
    deps.tokens.forget_user(user.id)
    return replace(user, role=role, agency_id=agency_id), agency


def set_role_by_email(
    deps: Dependencies, *, email: str, change: RoleChange
) -> tuple[User, Agency | None]:
    """The command line's ``users set-role EMAIL ROLE [--agency NAME]``."""
    with deps.uow(read_only=True) as uow:
        user = uow.users.get_by_email(email.strip().lower())
    if user is None:
        raise NotFound(f"No user with email {email}.", code="user_not_found", field="email")
    return set_role(deps, actor=None, user_id=user.id, change=change)


def _agency(uow: UnitOfWork, user: User, change: RoleChange, *, now: datetime) -> Agency | None:
    if change.clear_agency:
        return None
    if change.agency_name is None:
        return uow.agencies.get(user.agency_id) if user.agency_id else None
    name = " ".join(change.agency_name.split())
    if not name or len(name) > MAX_AGENCY_NAME:
        raise ValidationFailed(
            f"An agency name has 1 to {MAX_AGENCY_NAME} characters.",
            field="agency",
            code="invalid_agency",
        )
    return uow.agencies.add_or_get(Agency(new_id("agy"), name, now))


def list_users(deps: Dependencies, *, actor: User | None) -> list[tuple[User, Agency | None]]:
    """Every user with their agency, oldest first (admins; ``actor`` None: the CLI)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    with deps.uow(read_only=True) as uow:
        agencies = {agency.id: agency for agency in uow.agencies.list()}
        return [(u, agencies.get(u.agency_id or "")) for u in uow.users.list()]


def flight_manifest(
    deps: Dependencies, *, actor: User, flight: str, departure_on: date
) -> tuple[FlightKey, list[ManifestEntry]]:
    """Every booking on ``flight`` (e.g. BA117) leaving on ``departure_on`` (local date)."""
    require_role(actor, Role.ADMIN)
    key = FlightKey.parse(flight, departure_on)
    with deps.uow(read_only=True) as uow:
        orders = uow.orders.on_flight(key)
    entries = [manifest_entry(order, key) for order in orders]
    return key, [entry for entry in entries if entry is not None]


def audit_log(
    deps: Dependencies,
    *,
    actor: User,
    before_id: int | None = None,
    order_id: str | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The audit log, newest first (admins)."""
    require_role(actor, Role.ADMIN)
    with deps.uow(read_only=True) as uow:
        return uow.audit.list(before_id=before_id, order_id=order_id, limit=limit)
