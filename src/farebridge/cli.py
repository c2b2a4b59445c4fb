"""``farebridge migrate | api | worker | run``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from farebridge.settings import get_settings


def _migrate() -> None:
    from farebridge.store.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    print(f"database migrated: {settings.database_url}")


def _api(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run("farebridge.api.main:app", host=host, port=port, log_level="warning")


def _worker() -> None:
    from farebridge.bootstrap import build, settle_heap
    from farebridge.jobs.worker import Worker
    from farebridge.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    worker = Worker(build(settings), poll_seconds=settings.worker_poll_seconds)
    settle_heap()
    worker.install_signal_handlers()
    worker.run_forever()


def _run(host: str, port: int, ui_port: int) -> None:
    """Migrate, then start the API, a worker and the web UI; Ctrl-C stops all three."""
    from farebridge.ui.launch import streamlit_command

    _migrate()
    executable = [sys.executable, "-m", "farebridge.cli"]
    ui_environment = {"FAREBRIDGE_UI_API_URL": f"http://{host}:{port}/api", **os.environ}
    children = [
        subprocess.Popen([*executable, "api", "--host", host, "--port", str(port)]),  # noqa: S603
        subprocess.Popen([*executable, "worker"]),  # noqa: S603
        subprocess.Popen(  # noqa: S603
            streamlit_command(host=host, port=ui_port), env=ui_environment
        ),
    ]
    print(f"\n  farebridge API   http://{host}:{port}/api")
    print(f"  API docs         http://{host}:{port}/docs")
    print("  worker           running (jobs: search, ticketing, refunds, hold expiry)")
    print(f"  web UI           http://{host}:{ui_port}")
    print("  Ctrl-C stops everything.\n")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="farebridge")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations")
    for name in ("api", "run"):
        sub = commands.add_parser(name, help=f"start the {name}")
        sub.add_argument("--host", default=os.environ.get("HOST", settings.api_host))
        sub.add_argument("--port", type=int, default=settings.api_port)
        if name == "run":
            sub.add_argument("--ui-port", type=int, default=8501, help="the web UI's port")
    commands.add_parser("worker", help="run the job worker")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "api":
        _api(args.host, args.port)
    elif args.command == "worker":
        _worker()
    else:
        _run(args.host, args.port, args.ui_port)


if __name__ == "__main__":
    main()
