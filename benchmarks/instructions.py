"""Instructions per request inside the API process (issue 14): ``python -m
benchmarks.instructions [N]``, ``make bench-instructions``.

Timings on a shared machine move by a third from run to run; the instructions a
request executes do not. For each step of ``benchmarks.request_cost`` named in
``BENCH_STEPS`` (default ``search_offers,get_order``), the same process (the app on a
fresh SQLite file, its account, order and offers, then three warm-up calls of the step)
is run twice under ``valgrind --tool=callgrind``: once with no more calls, once with
``N`` (10) more; the difference divided by ``N`` is printed, in millions (two runs of
the same tree differ by about 1 % of a search's figure). It is run once without valgrind
first, so that what a first run caches on disk is cached for both. Compare two
trees by running it in each (``PYTHONPATH=<tree>/src:<tree>``). The token cache is
kept for an hour, as under load (``FAREBRIDGE_TOKEN_CACHE_SECONDS``). Needs valgrind (Debian:
``apt-get install -y valgrind``); each step takes a few minutes.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WARM_UP = 3


def _run(step: str, count: int) -> None:
    """In the process valgrind watches: set up, warm up, then ``count`` calls of ``step``."""
    from benchmarks.request_cost import prepare

    _, steps = prepare()
    call = steps[step]

    async def calls(first: int, many: int) -> None:
        for index in range(first, first + many):
            await call(index)

    asyncio.run(calls(0, WARM_UP))
    asyncio.run(calls(WARM_UP, count))


def _instructions(step: str, count: int, folder: Path) -> int:
    out = folder / f"callgrind.{step}.{count}"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    command += [sys.executable, "-m", "benchmarks.instructions", "--run", step, str(count)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{step} x {count} under callgrind failed:\n{done.stderr[-2000:]}")
    found = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"no instruction total in {out}")
    return int(found.group(1))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--run":
        _run(sys.argv[2], int(sys.argv[3]))
        return
    if shutil.which("valgrind") is None:
        print("instructions per request: skipped, valgrind is not installed")
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    # Under valgrind a call takes some fifty times as long: the token cache's two seconds
    # would lapse between calls now and then, and a request that reads its token from
    # the database would be counted. Under load a client's token stays cached.
    os.environ.setdefault("FAREBRIDGE_TOKEN_CACHE_SECONDS", "3600")
    steps = os.environ.get("BENCH_STEPS", "search_offers,get_order").split(",")
    print(f"instructions per request inside the API process (SQLite, callgrind, {count} calls):")
    # Once without valgrind first: whatever a first run caches on disk (the sandbox's
    # network) is then cached for both counted runs alike.
    _native = [sys.executable, "-m", "benchmarks.instructions", "--run", steps[0], "0"]
    subprocess.run(_native, check=True, capture_output=True)  # noqa: S603
    with tempfile.TemporaryDirectory(prefix="fb-instructions-") as folder:
        for step in steps:
            base = _instructions(step, 0, Path(folder))
            more = _instructions(step, count, Path(folder))
            print(f"  {step}: {(more - base) / count / 1e6:.1f} million")


if __name__ == "__main__":
    main()
