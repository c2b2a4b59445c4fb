"""The native dialect's response models: what the OpenAPI document says is sent.

Presenters build them; routes return them (FastAPI checks the instance and
serialises it straight to JSON). Amounts and instants are strings on the wire,
so they are strings here too, with their format documented.
"""
