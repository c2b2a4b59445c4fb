"""A database out of reach is a 503 with Retry-After (code ``database_unavailable``),
never a 500, in every dialect; the API serves again as soon as the database is back, with
no restart; a connection dropped in the middle of a unit of work leaves nothing written
and the next unit of work gets a new one (a job that meets it is retried, not failed:
``test_database_pool``).

PostgreSQL is reached through a TCP relay the test cuts and restores (the server going
away and coming back); an SQLite file through its folder, moved away and back."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from starlette.routing import Mount

from farebridge.api.app import create_app
from farebridge.bootstrap import build
from farebridge.domain.ids import new_id
from farebridge.services.ports import StoreUnreachable
from farebridge.settings import Settings
from farebridge.store.database import make_engine
from farebridge.store.tables import users
from farebridge.store.unit_of_work import SqlUnitOfWork

SETTINGS = Settings(database_url="sqlite://")


class Relay:
    """Forwards a local port to ``target``; ``cut()`` closes the port and every relayed
    connection (the server is gone), ``restore()`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        assert self._listener is not None
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


class Outage:
    """An engine on the test's database that ``down()`` puts out of reach and ``up()``
    brings back."""

    def __init__(self, engine: Engine, tmp_path: Path) -> None:
        self.relay: Relay | None = None
        url = engine.url
        if url.get_backend_name() == "sqlite":
            folder = tmp_path / "reachable"
            folder.mkdir()
            assert url.database is not None
            path = folder / "farebridge.db"
            path.write_bytes(Path(url.database).read_bytes())
            self.folder, self.away = folder, tmp_path / "away"
            self.engine = make_engine(f"sqlite:///{path}")
        else:
            self.relay = Relay((url.host or "127.0.0.1", url.port or 5432))
            relayed = make_url(url.render_as_string(hide_password=False)).set(
                host="127.0.0.1", port=self.relay.port
            )
            self.engine = make_engine(relayed.render_as_string(hide_password=False))

    def down(self) -> None:
        if self.relay is not None:
            self.relay.cut()
        else:  # connections already open would keep the file: close them first
            self.engine.dispose()
            self.folder.rename(self.away)

    def up(self) -> None:
        if self.relay is not None:
            self.relay.restore()
        else:
            self.away.rename(self.folder)


@pytest.fixture
def outage(engine: Engine, tmp_path: Path) -> Iterator[Outage]:
    made = Outage(engine, tmp_path)
    yield made
    made.engine.dispose()
    if made.relay is not None and made.relay._listener is not None:
        made.relay.cut()


def test_the_api_answers_503_while_the_database_is_away_and_serves_when_it_is_back(
    outage: Outage,
) -> None:
    app = create_app(build(SETTINGS, engine=outage.engine), SETTINGS)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = {"email": "outage@test.com", "password": "correct-horse"}
        assert client.post("/api/auth/register", json=body).status_code == 201
        login = client.post("/api/auth/login", json=body)
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        assert client.get("/api/orders", headers=headers).status_code == 200

        outage.down()
        for method, path, payload in (
            ("GET", "/api/orders", None),
            ("GET", f"/api/orders/{new_id('ord')}", None),
            ("POST", "/api/auth/login", body),
            ("POST", "/api/auth/register", {**body, "email": "second@test.com"}),
        ):
            answer = client.request(method, path, json=payload, headers=headers)
            assert answer.status_code == 503, (path, answer.text)
            assert answer.headers["Retry-After"] == "2"
            (error,) = answer.json()["errors"]
            assert error["code"] == "database_unavailable"
            assert "retry" in error["message"]

        # A 405 is still a 405 (its Allow needs the document, which needs the database
        # the first time: then it has none), and the probes say how it stands.
        wrong = client.get("/api/offer-requests", headers=headers)
        assert wrong.status_code == 405, wrong.text
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503 and "database" in ready.text

        outage.up()
        assert client.get("/api/orders", headers=headers).status_code == 200
        assert client.get("/ready").status_code in (200, 503)  # 503: no worker beats here
        second = {**body, "email": "second@test.com"}
        assert client.post("/api/auth/register", json=second).status_code == 201, (
            "the register refused while the database was away wrote nothing"
        )


def test_every_dialect_answers_an_unreachable_database_as_its_own_503() -> None:
    def unreachable() -> None:
        raise StoreUnreachable("connection refused")

    app = create_app(build(SETTINGS), SETTINGS)
    mounted = [(r.path, r.app) for r in app.routes if isinstance(r, Mount)]
    dialects = [(path, sub) for path, sub in mounted if isinstance(sub, FastAPI)]
    assert len(dialects) >= 5
    for _, sub in dialects:
        sub.add_api_route("/test-unreachable", unreachable)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path, _ in dialects:
            answer = client.get(f"{path}/test-unreachable")
            assert answer.status_code == 503, (path, answer.text)
            assert answer.headers["Retry-After"] == "2", path
            assert "connection refused" not in answer.text, "the cause is logged, not sent"


def test_a_connection_dropped_in_a_unit_of_work_writes_nothing(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("an SQLite connection cannot be dropped from outside")
    user_id = new_id("usr")

    def write_and_lose_the_connection() -> None:
        with SqlUnitOfWork(engine) as uow:
            connection: Any = uow.users._db
            pid = connection.execute(text("select pg_backend_pid()")).scalar_one()
            connection.execute(
                users.insert().values(
                    id=user_id,
                    email=f"{user_id}@test.com",
                    role="customer",
                    password_hash="x",
                    created_at=datetime.now(UTC),
                )
            )
            with engine.connect() as other:
                other.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
            uow.commit()

    with pytest.raises(StoreUnreachable):
        write_and_lose_the_connection()
    with SqlUnitOfWork(engine) as uow:  # a new connection, and nothing was written
        assert uow.users.get(user_id) is None


def test_a_wrong_statement_is_not_an_unreachable_database(engine: Engine) -> None:
    """SQLite reports a bad statement with the same OperationalError as a file it cannot
    open; it must stay the bug it is (a 500), not become a 503 that says "retry"."""
    with pytest.raises(Exception) as raised, SqlUnitOfWork(engine) as uow:  # noqa: PT011
        uow.users._db.execute(text("select * from no_such_table"))
    assert not isinstance(raised.value, StoreUnreachable), raised.value
    with SqlUnitOfWork(engine) as uow:  # the connection is fine afterwards
        assert uow.users.get(new_id("usr")) is None
