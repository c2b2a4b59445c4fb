"""The table of decoded orders (store/orders, ADR 0053) under threads: bounded, least
recently used out first, and never an order under another key."""

from __future__ import annotations

import threading
from dataclasses import replace

from farebridge.store.orders import _DecodedOrders
from tests.factories import create_order


def test_least_recently_used_goes_first_and_the_size_holds() -> None:
    table = _DecodedOrders(2)
    a, b, c = (replace(create_order(), id=name) for name in ("ord_a", "ord_b", "ord_c"))
    table.put(("a",), a)
    table.put(("b",), b)
    assert table.get(("a",)) is a  # now the most recent
    table.put(("c",), c)
    assert table.get(("b",)) is None
    assert table.get(("a",)) is a and table.get(("c",)) is c


def test_threads_reading_and_writing_at_once_get_only_what_was_put_under_the_key() -> None:
    table = _DecodedOrders(16)
    orders = [replace(create_order(), id=f"ord_{n}") for n in range(64)]
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for turn in range(2_000):
            n = (offset * 7 + turn) % len(orders)
            found = table.get((n,))
            if found is None:
                table.put((n,), orders[n])
            elif found.id != f"ord_{n}":
                wrong.append(found.id)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert len(table._items) <= 16
