"""What the worker spends on an order's PDFs (issue 14): ``python -m benchmarks.documents
[ROUNDS]``, part of ``make bench-load``.

Every ticketed order gets an e-ticket (the ticket-issued e-mail carries it), rendered by
the worker; on two shared cores that CPU is taken from the API. Printed: the CPU time of
one e-ticket (two passengers, one flight, a seat, a card payment) and of one cancellation
receipt, each the median of ``ROUNDS`` (5) runs of 20 renders, with logging set up as the
processes have it (INFO), and each PDF's size.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable

from tests.unit.test_documents import NOW, cancelled, paid, quote_for, ticketed_order

from farebridge.domain.documents import cancellation_terms
from farebridge.observability import configure_logging
from farebridge.pdf.cancellation_receipt import render_cancellation_receipt
from farebridge.pdf.e_ticket import render_e_ticket

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
RENDERS = 20


def _median_ms(render: Callable[[], bytes]) -> tuple[float, int]:
    size = len(render())  # fonts and caches warm
    runs = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(RENDERS):
            render()
        runs.append((time.process_time() - started) * 1000 / RENDERS)
    return statistics.median(runs), size


def main() -> None:
    configure_logging("INFO")
    logging.getLogger().handlers[0].setStream(open("/dev/null", "w"))  # noqa: SIM115
    order = ticketed_order()
    payments = paid(order)
    quote = quote_for(order)
    done, events = cancelled(order, quote)
    terms = cancellation_terms(done, events, quote, payments)
    assert terms is not None
    print(f"PDF rendering in the worker (CPU, medians of {ROUNDS} runs of {RENDERS}):")
    for name, render in (
        ("e-ticket", lambda: render_e_ticket(order, payments, issued_at=NOW)),
        (
            "cancellation receipt",
            lambda: render_cancellation_receipt(done, terms, payments, issued_at=NOW),
        ),
    ):
        cpu, size = _median_ms(render)
        print(f"  {name}: {cpu:.1f} ms, {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
