"""Fares and pricing: fare brands with their conditions and baggage, prices and
taxes in the airline's currency (``pricing.py``), their conversion into the
search's selling currency (``selling.py``), fare rules (``fare_rules.py``), paid
extras such as bags (``extras.py``), and itineraries turned into priced offers
(``offers.py``)."""
