"""Readiness: can this process serve? The database answers, Redis answers when one is
configured, and some worker has beaten recently (ADR 0029). Liveness (``/health``)
stays trivial and checks nothing."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from farebridge.services.ports import Dependencies

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Readiness:
    """Each check's outcome: "ok" or why it failed; ``failing`` names the failed ones."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def failing(self) -> list[str]:
        return [name for name, outcome in self.checks.items() if outcome != "ok"]

    @property
    def ready(self) -> bool:
        return not self.failing


def readiness(
    deps: Dependencies,
    *,
    heartbeat_max_age: timedelta | None,
    extra_checks: Mapping[str, Callable[[], None]] = {},
) -> Readiness:
    """Check the database and the workers' heartbeats (``heartbeat_max_age`` None: no
    worker is expected), then each extra check (a callable that raises when failing)."""
    checks: dict[str, str] = {}
    try:
        with deps.uow(read_only=True) as uow:
            latest = uow.heartbeats.latest()
        checks["database"] = "ok"
    except Exception as exc:  # any failure to read is "database down" to a probe
        checks["database"] = f"unavailable: {type(exc).__name__}"
        latest = None
    if heartbeat_max_age is not None and checks["database"] == "ok":
        now = deps.clock.now()
        if latest is None:
            checks["worker"] = "no worker heartbeat recorded"
        elif now - latest > heartbeat_max_age:
            age = int((now - latest).total_seconds())
            checks["worker"] = f"last worker heartbeat {age} s ago"
        else:
            checks["worker"] = "ok"
    for name, check in extra_checks.items():
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"unavailable: {type(exc).__name__}"
    result = Readiness(checks)
    if not result.ready:
        log.warning("ready.failing", checks=result.failing)
    return result


def worker_identity() -> tuple[str, str, int]:
    """(worker id, host name, process id) of this process."""
    hostname = socket.gethostname()[:255]
    pid = os.getpid()
    return f"{hostname}:{pid}"[:120], hostname, pid


def record_heartbeat(deps: Dependencies, worker_id: str, *, hostname: str, pid: int) -> None:
    with deps.uow() as uow:
        uow.heartbeats.beat(worker_id, hostname=hostname, pid=pid, now=deps.clock.now())
        uow.heartbeats.forget_older_than(deps.clock.now() - timedelta(days=1))
        uow.commit()


def forget_worker(deps: Dependencies, worker_id: str) -> None:
    with deps.uow() as uow:
        uow.heartbeats.forget(worker_id)
        uow.commit()
