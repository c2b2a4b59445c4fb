"""The table of decoded orders (store/orders, ADR 0053) under threads: bounded, least
recently used out first, and never an order under another key."""

from __future__ import annotations

import threading
from dataclasses import replace

from farebridge.store.orders import _DecodedOrders
from farebridge.store.sealing import DataCipher, development_cipher
from tests.factories import create_order

CIPHER = development_cipher()


def test_least_recently_used_goes_first_and_the_size_holds() -> None:
    table = _DecodedOrders(2)
    a, b, c = (replace(create_order(), id=name) for name in ("ord_a", "ord_b", "ord_c"))
    table.put((CIPHER, "ord_a"), ("row a",), a)
    table.put((CIPHER, "ord_b"), ("row b",), b)
    assert table.get((CIPHER, "ord_a"), ("row a",)) is a  # now the most recent
    table.put((CIPHER, "ord_c"), ("row c",), c)
    assert table.get((CIPHER, "ord_b"), ("row b",)) is None
    assert table.get((CIPHER, "ord_a"), ("row a",)) is a
    assert table.get((CIPHER, "ord_c"), ("row c",)) is c
    assert len(table) == 2


def test_an_order_read_otherwise_is_not_returned_and_is_replaced_in_its_slot() -> None:
    table = _DecodedOrders(4)
    before, after = create_order(), replace(create_order(), version=2)
    table.put((CIPHER, before.id), ("version 1",), before)
    assert table.get((CIPHER, before.id), ("version 2",)) is None  # changed since
    assert table.get((DataCipher("another key"), before.id), ("version 1",)) is None
    table.put((CIPHER, before.id), ("version 2",), after)
    assert table.get((CIPHER, before.id), ("version 2",)) is after
    assert table.get((CIPHER, before.id), ("version 1",)) is None
    assert len(table) == 1, "one slot per order, not one per version"


def test_threads_reading_and_writing_at_once_get_only_what_was_put_under_the_key() -> None:
    table = _DecodedOrders(16)
    orders = [replace(create_order(), id=f"ord_{n}") for n in range(64)]
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for turn in range(2_000):
            n = (offset * 7 + turn) % len(orders)
            found = table.get((CIPHER, f"ord_{n}"), (n,))
            if found is None:
                table.put((CIPHER, f"ord_{n}"), (n,), orders[n])
            elif found.id != f"ord_{n}":
                wrong.append(found.id)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert len(table) <= 16
