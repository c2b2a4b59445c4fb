"""Finding itineraries for one slice: the rules an itinerary obeys
(``itineraries.py``), the date-independent index of the timetable (``index.py``),
the indexed connection search (``connections.py``), its entry point
(``engine.py``) and the plain enumerator that checks it (``exhaustive.py``)."""
