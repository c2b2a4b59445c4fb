"""Fares and pricing: fare brands with their conditions and baggage, prices and
taxes (``pricing.py``), fare rules (``fare_rules.py``), paid extras such as bags
(``extras.py``), and itineraries turned into priced offers (``offers.py``)."""
