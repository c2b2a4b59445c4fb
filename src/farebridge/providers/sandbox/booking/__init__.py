"""Inventory and booking: the port to the seats left per flight, the bookings and
their tickets (``inventory.py``; SQL in ``store/sandbox_inventory.py``), and the
simulated payment gateway with its ledger (``payments.py``)."""
