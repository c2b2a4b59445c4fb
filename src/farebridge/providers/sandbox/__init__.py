"""The sandbox GDS: a deterministic, seeded simulation of the airline side.

Where each rule lives:

- ``world/``: the world the sandbox flies in: airlines, airports, aircraft, the
  route network and its timetable (schedule patterns materialised per date);
- ``search/``: finding itineraries for one slice over the timetable (the indexed
  connection search, and the plain enumerator it is checked against);
- ``fares/``: fare brands, prices, taxes, conditions, fare rules, paid extras,
  and turning itineraries into offers;
- ``booking/``: the port to the seat inventory and bookings (SQL in ``store/``)
  and the simulated payment gateway;
- ``seats/``: seat maps and the seats chosen at order time;
- ``faults/``: scripted and random faults (timeouts, sold out, price change…);
- ``provider.py``: ``SandboxProvider``, the ``Provider`` that ties them together.
"""
