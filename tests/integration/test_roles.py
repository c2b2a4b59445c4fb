"""Roles on a real database (ADR 0021): ``farebridge users list | set-role``, agencies
made once when many name a new one at once, the order scope of agents and the audit
entry written with the change it records (or not at all)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from farebridge.cli import main
from farebridge.domain.account import Role
from farebridge.domain.errors import NotFound, RoleRequired
from farebridge.services import admin
from farebridge.services.admin import RoleChange
from farebridge.services.ports import Dependencies
from farebridge.settings import get_settings
from farebridge.store.tables import agencies, audit_log, users
from tests.integration.conftest import create_user


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("FAREBRIDGE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def _run(*argv: str) -> int:
    with pytest.raises(SystemExit) as finished:
        main(["users", *argv])
    return int(finished.value.code or 0)


def _row(engine: Engine, email: str) -> tuple[str, str | None]:
    with engine.connect() as db:
        row = db.execute(
            select(users.c.role, agencies.c.name)
            .select_from(users.outerjoin(agencies, agencies.c.id == users.c.agency_id))
            .where(users.c.email == email)
        ).one()
    return row.role, row.name


def test_the_cli_gives_roles_and_lists_users(
    database: Engine, services: Dependencies, capsys: pytest.CaptureFixture[str]
) -> None:
    create_user(services, email="bo@test.com")
    create_user(services, email="al@test.com")
    assert _run("set-role", "BO@test.com", "agent", "--agency", "Acme Travel") == 0
    assert capsys.readouterr().out.strip() == "bo@test.com is now agent of Acme Travel"
    assert _row(database, "bo@test.com") == ("agent", "Acme Travel")
    assert _run("set-role", "al@test.com", "admin") == 0
    assert _row(database, "al@test.com") == ("admin", None)
    assert _run("set-role", "bo@test.com", "customer") == 0
    assert _row(database, "bo@test.com") == ("customer", "Acme Travel"), "agency kept"
    assert _run("set-role", "bo@test.com", "customer", "--no-agency") == 0
    assert _row(database, "bo@test.com") == ("customer", None)
    capsys.readouterr()

    assert _run("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(line.split("  ")[:3] for line in lines) == [
        ["al@test.com", "admin", "-"],
        ["bo@test.com", "customer", "-"],
    ]

    # An unknown email changes nothing and exits 2; a bad role is argparse's usage error.
    assert _run("set-role", "nobody@test.com", "agent") == 2
    assert "no user with email nobody@test.com" in capsys.readouterr().err.lower()
    assert _run("set-role", "al@test.com", "pilot") == 2
    assert _row(database, "al@test.com") == ("admin", None)
    with database.connect() as db:
        entries = db.execute(select(func.count()).select_from(audit_log)).scalar_one()
    assert entries == 4, "one audit entry per change, none for the refused"


def test_an_agency_named_by_many_at_once_is_made_once(
    services: Dependencies, engine: Engine
) -> None:
    people = [create_user(services) for _ in range(12)]

    def join(user_id: str) -> str | None:
        change = RoleChange(role=Role.AGENT, agency_name="Brand New Travel")
        return admin.set_role(services, actor=None, user_id=user_id, change=change)[0].agency_id

    with ThreadPoolExecutor(max_workers=12) as pool:
        agency_ids = set(pool.map(join, [p.id for p in people]))
    with engine.connect() as db:
        stored = db.execute(select(agencies.c.id)).scalars().all()
        members = db.execute(select(users.c.agency_id)).scalars().all()
    assert len(stored) == 1 and agency_ids == set(stored) == set(members)


def test_a_refused_role_change_writes_no_audit_entry(
    services: Dependencies, engine: Engine
) -> None:
    customer = create_user(services)
    with pytest.raises(NotFound):
        admin.set_role(services, actor=None, user_id="usr_nope", change=RoleChange(Role.ADMIN))
    with pytest.raises(RoleRequired):
        admin.set_role(services, actor=customer, user_id=customer.id, change=RoleChange(Role.ADMIN))
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(audit_log)).scalar_one() == 0
        assert db.execute(select(users.c.role)).scalar_one() == "customer"
