"""``farebridge migrate | api | worker | ui | run | rates list|set|import | users list|set-role |
coupons add|list``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING

from farebridge.settings import Settings, get_settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from farebridge.domain.money import Money
    from farebridge.services.ports import Dependencies
    from farebridge.services.rates import RateChange


def _migrate() -> None:
    from farebridge.store.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    print(f"database migrated: {settings.database_url}")


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite")


def default_processes(database_url: str, cpus: int | None = None) -> tuple[int, int]:
    """(API processes, worker processes) when none is configured (ADR 0029). SQLite has
    one writer at a time: one worker, and an API process per CPU up to two (ADR 0052:
    the second serves about twice the reads, and the worker, ticketing in batches,
    keeps up with both). PostgreSQL: one API process per CPU up to 4, and two workers
    (jobs wait on airlines, not on the CPU)."""
    cores = max(1, cpus or os.cpu_count() or 1)
    if is_sqlite(database_url):
        return min(cores, 2), 1
    return min(cores, 4), 2


def default_ticketing_batch(settings: Settings) -> int:
    """Paid orders one worker thread tickets together (ADR 0052): 16 on SQLite with the
    sandbox as the only airline; 1 on PostgreSQL (no single writer to spare), and with
    Duffel (a batch would ask a remote airline for one order after another)."""
    from farebridge.jobs.worker import SQLITE_TICKETING_BATCH

    remote = settings.duffel_access_token is not None
    return SQLITE_TICKETING_BATCH if is_sqlite(settings.database_url) and not remote else 1


def process_counts(
    database_url: str, api_workers: int | None, worker_concurrency: int | None
) -> tuple[int, int]:
    """The configured counts, else the defaults; SQLite always gets one worker."""
    default_api, default_workers = default_processes(database_url)
    workers = worker_concurrency or default_workers
    if is_sqlite(database_url) and workers > 1:
        print("SQLite: one worker process (several need PostgreSQL)", file=sys.stderr)
        workers = 1
    return api_workers or default_api, workers


def _api(host: str, port: int, workers: int | None) -> None:
    import uvicorn

    settings = get_settings()
    count, _ = process_counts(settings.database_url, workers or settings.api_workers, 1)
    if count > 1:
        _fresh_metrics_dir()
    # uvicorn's own supervisor: N processes share the socket, each imports the app.
    uvicorn.run(
        "farebridge.api.main:app",
        host=host,
        port=port,
        log_level="warning",
        workers=count,
        proxy_headers=True,
        timeout_graceful_shutdown=20,
    )


def _fresh_metrics_dir() -> None:
    """Several processes: prometheus-client's multiprocess mode, in a directory emptied at
    start (stale files would add a dead process's counts)."""
    import shutil
    import tempfile

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory is None:
        directory = tempfile.mkdtemp(prefix="farebridge-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    else:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def _worker(concurrency: int | None) -> None:
    settings = get_settings()
    _, count = process_counts(settings.database_url, 1, concurrency or settings.worker_concurrency)
    if count > 1:
        _supervise(
            [[sys.executable, "-m", "farebridge.cli", "worker", "--concurrency", "1"]] * count,
            restart=True,
        )
        return
    from farebridge.bootstrap import build, settle_heap
    from farebridge.jobs.worker import Worker
    from farebridge.observability import configure_logging

    configure_logging(settings.log_level, json=settings.log_json)
    if settings.worker_nice and hasattr(os, "nice"):  # this process only (ADR 0044)
        os.nice(settings.worker_nice)
    worker = Worker(
        build(settings),
        poll_seconds=settings.worker_poll_seconds,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
        threads=settings.worker_threads,
        bulk_threads=settings.worker_bulk_threads,
        batch_size=settings.worker_ticketing_batch or default_ticketing_batch(settings),
    )
    settle_heap()
    worker.install_signal_handlers()
    worker.run_forever()


def _supervise(
    commands: list[list[str]],
    environments: list[dict[str, str] | None] | None = None,
    *,
    restart: bool = False,
) -> None:
    """Start every command; on Ctrl-C / SIGTERM stop them all. A child that exits is
    started again with ``restart`` (worker processes), else it stops the others."""
    envs = environments or [None] * len(commands)
    children = [
        subprocess.Popen(command, env=envs[i])  # noqa: S603
        for i, command in enumerate(commands)
    ]

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(0.5)
            exited = [i for i, child in enumerate(children) if child.poll() is not None]
            if exited and not restart:
                break
            for i in exited:
                print(f"process {children[i].pid} exited ({children[i].returncode}); restarting")
                time.sleep(1)  # no tight loop when a child cannot start
                children[i] = subprocess.Popen(commands[i], env=envs[i])  # noqa: S603
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def _administer(
    action: Callable[[Dependencies, argparse.Namespace], None],
) -> Callable[[argparse.Namespace], int]:
    """An administration command (rates, users, coupons) on the configured database: a
    refusal (a bad rate, an unknown email or role, bad coupon terms) changes nothing,
    prints why and exits 2."""

    def command(args: argparse.Namespace) -> int:
        import structlog

        from farebridge.bootstrap import build
        from farebridge.domain.errors import FarebridgeError
        from farebridge.store.database import make_engine

        # The command's answer is its standard output (scripts read it); log lines, such
        # as the development data key's warning, go to standard error.
        previous = structlog.get_config()
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
        settings = get_settings()
        engine = make_engine(settings.database_url)
        try:
            action(build(settings, engine=engine), args)
        except FarebridgeError as exc:
            print(f"error: {exc.message} (nothing was changed)", file=sys.stderr)
            return 2
        finally:
            engine.dispose()
            structlog.configure(**previous)
        return 0

    return command


def _rates_action(services: Dependencies, args: argparse.Namespace) -> None:
    from farebridge.services import rates

    if args.action == "list":
        for rate in rates.list_rates(services):
            print(f"{rate.currency}  {format(rate.usd_per_unit, 'f')}  {rate.updated_at:%F %R}")
        return
    if args.action == "set":
        table = dict([rates.parse_rate(args.currency, args.usd_per_unit)])
    else:
        table = rates.parse_rate_table(_read(args.file))
    _print_changes(rates.set_rates(services, table), len(table))


def _read(file: str) -> str:
    from farebridge.domain.errors import ValidationFailed

    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"cannot read {file}: {exc}", field="file") from exc


def _print_changes(changes: list[RateChange], given: int) -> None:
    for change in changes:
        before = "new" if change.before is None else format(change.before, "f")
        print(f"{change.currency}  {before} -> {format(change.after, 'f')} USD per unit")
    print(f"{len(changes)} changed, {given - len(changes)} unchanged")


def _users_action(services: Dependencies, args: argparse.Namespace) -> None:
    from farebridge.domain.account import Role
    from farebridge.services import admin

    if args.action == "list":
        for user, agency in admin.list_users(services, actor=None):
            print(f"{user.email}  {user.role.value}  {agency.name if agency else '-'}  {user.id}")
        return
    change = admin.RoleChange(
        role=Role(args.role), agency_name=args.agency, clear_agency=args.no_agency
    )
    user, agency = admin.set_role_by_email(services, email=args.email, change=change)
    print(f"{user.email} is now {user.role.value}" + (f" of {agency.name}" if agency else ""))


def _coupons_action(services: Dependencies, args: argparse.Namespace) -> None:
    from farebridge.domain.coupons import Coupon
    from farebridge.services import coupons

    def show(coupon: Coupon) -> str:
        off = f"{coupon.percent}%" if coupon.percent is not None else str(coupon.amount)
        limit = "unlimited" if coupon.max_uses is None else str(coupon.max_uses)
        until = f"{coupon.valid_until:%F %R}" if coupon.valid_until else "-"
        return f"{coupon.code}  {off} off  uses {coupon.uses}/{limit}  until {until}"

    if args.action == "list":
        for coupon in coupons.list_coupons(services, actor=None):
            print(show(coupon))
        return
    new = coupons.NewCoupon(
        code=args.code,
        amount=_cli_money(args.amount, args.currency, "amount"),
        percent=args.percent,
        valid_from=_cli_instant(args.valid_from, "valid_from"),
        valid_until=_cli_instant(args.valid_until, "valid_until", end_of_day=True),
        max_uses=args.max_uses,
        minimum_spend=_cli_money(args.minimum_spend, args.currency, "minimum_spend"),
    )
    print("added " + show(coupons.add_coupon(services, actor=None, new=new)))


def _cli_money(amount: str | None, currency: str | None, field: str) -> Money | None:
    from farebridge.domain.errors import ValidationFailed
    from farebridge.domain.money import Money

    if amount is None:
        return None
    if currency is None:
        raise ValidationFailed(f"--{field.replace('_', '-')} needs --currency", field="currency")
    try:
        return Money.of(amount, currency.upper())
    except ValueError as exc:
        raise ValidationFailed(f"--{field.replace('_', '-')}: {exc}", field=field) from exc


def _cli_instant(text: str | None, field: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 instant (UTC unless it has an offset), or a date: its start (UTC), or
    with ``end_of_day`` the start of the next day (valid until the end of that date)."""
    from farebridge.domain.errors import ValidationFailed

    if text is None:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + (timedelta(days=1) if end_of_day else timedelta())
            return datetime.combine(day, clock_time(0), tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"--{field.replace('_', '-')}: {exc}", field=field) from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _run(
    host: str, port: int, ui_port: int, api_workers: int | None, concurrency: int | None
) -> None:
    """Migrate, then start the API, the workers and the web UI; Ctrl-C stops them all.
    Process counts: as configured, else per database (``default_processes``)."""
    from farebridge.ui.launch import streamlit_command

    settings = get_settings()
    _migrate()
    apis, workers = process_counts(
        settings.database_url,
        api_workers or settings.api_workers,
        concurrency or settings.worker_concurrency,
    )
    executable = [sys.executable, "-m", "farebridge.cli"]
    ui_environment = {"FAREBRIDGE_UI_API_URL": f"http://{host}:{port}/api", **os.environ}
    # Where the API sends browsers back after signing in or out (ADR 0035).
    api_environment = {"FAREBRIDGE_SITE_URL": f"http://{host}:{ui_port}", **os.environ}
    api = [*executable, "api", "--host", host, "--port", str(port), "--workers", str(apis)]
    worker = [*executable, "worker", "--concurrency", str(workers)]
    print(f"\n  farebridge API   http://{host}:{port}/api")
    print(f"  API docs         http://{host}:{port}/docs")
    print(f"  Duffel dialect   http://{host}:{port}/duffel/   (official Duffel clients)")
    print(f"  Allmyles dialect http://{host}:{port}/allmyles  (X-Auth-Token: an API key)")
    print(f"  API processes    {apis}   (readiness /ready, metrics /metrics)")
    print(f"  worker processes {workers}   (jobs: search, ticketing, refunds, hold expiry)")
    print(f"  web UI           http://{host}:{ui_port}")
    print("  Ctrl-C stops everything.\n")
    _supervise(
        [api, worker, streamlit_command(host=host, port=ui_port)],
        [api_environment, None, ui_environment],
    )


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="farebridge")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations")
    for name in ("api", "run"):
        sub = commands.add_parser(name, help=f"start the {name}")
        sub.add_argument("--host", default=os.environ.get("HOST", settings.api_host))
        sub.add_argument("--port", type=int, default=settings.api_port)
        sub.add_argument(
            "--workers", type=int, default=None, help="API processes (default: per database)"
        )
        if name == "run":
            sub.add_argument("--ui-port", type=int, default=8501, help="the web UI's port")
            sub.add_argument(
                "--concurrency", type=int, default=None, help="worker processes (PostgreSQL)"
            )
    ui = commands.add_parser("ui", help="start the web UI alone (FAREBRIDGE_UI_API_URL)")
    ui.add_argument("--host", default=os.environ.get("HOST", settings.api_host))
    ui.add_argument("--port", type=int, default=8501)
    worker = commands.add_parser("worker", help="run the job worker")
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="worker processes (default: 2 on PostgreSQL; SQLite always 1)",
    )
    _add_rates_commands(commands.add_parser("rates", help="list or change exchange rates"))
    _add_users_commands(commands.add_parser("users", help="list users, give roles"))
    _add_coupons_commands(commands.add_parser("coupons", help="add or list coupons"))
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "api":
        _api(args.host, args.port, args.workers)
    elif args.command == "worker":
        _worker(args.concurrency)
    elif args.command == "ui":
        from farebridge.ui.launch import streamlit_command

        command = streamlit_command(host=args.host, port=args.port)
        os.execv(command[0], command)  # noqa: S606 (this interpreter, fixed arguments)
    elif args.command == "rates":
        sys.exit(_administer(_rates_action)(args))
    elif args.command == "users":
        sys.exit(_administer(_users_action)(args))
    elif args.command == "coupons":
        sys.exit(_administer(_coupons_action)(args))
    else:
        _run(args.host, args.port, args.ui_port, args.workers, args.concurrency)


def _add_rates_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every rate, in US dollars per unit")
    one = actions.add_parser("set", help="set one rate, e.g. rates set EUR 1.09")
    one.add_argument("currency", help="ISO 4217 code, e.g. EUR")
    one.add_argument("usd_per_unit", help="US dollars per unit, e.g. 1.09")
    many = actions.add_parser(
        "import", help="set many rates at once, all or none: a JSON object or a CSV file"
    )
    many.add_argument("file", help='{"EUR": "1.09", ...} or CSV rows currency,usd_per_unit')


def _add_users_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every user: email, role, agency, id")
    one = actions.add_parser(
        "set-role",
        help="give a user a role, e.g. users set-role bo@example.com agent --agency Acme",
    )
    one.add_argument("email")
    one.add_argument("role", choices=["customer", "agent", "admin"])
    where = one.add_mutually_exclusive_group()
    where.add_argument("--agency", help="the agency's name (made on first use)")
    where.add_argument("--no-agency", action="store_true", help="take the user out of an agency")


def _add_coupons_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every coupon with its uses")
    add = actions.add_parser(
        "add", help="add a coupon, e.g. coupons add SPRING10 --percent 10 --max-uses 100"
    )
    add.add_argument("code", help="3 to 40 letters, digits, - or _ (case-insensitive)")
    off = add.add_mutually_exclusive_group(required=True)
    off.add_argument("--amount", help="a fixed discount, e.g. 10 (needs --currency)")
    off.add_argument("--percent", type=int, help="a whole percentage of the fare, 1 to 100")
    add.add_argument("--currency", help="ISO 4217 code of --amount and --minimum-spend")
    add.add_argument("--valid-from", help="ISO 8601 instant or date (UTC)")
    add.add_argument("--valid-until", help="ISO 8601 instant, or a date: until its end (UTC)")
    add.add_argument("--max-uses", type=int, help="redemptions in total (default: unlimited)")
    add.add_argument("--minimum-spend", help="the least an order must cost (with --currency)")


if __name__ == "__main__":
    main()
