"""Seat maps (``seatmap.py``: layouts, occupied seats, seat prices) and the seats a
passenger chooses at order time (``selection.py``)."""
