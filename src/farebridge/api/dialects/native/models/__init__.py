"""The native dialect's response models: what the OpenAPI document says is sent.

Routes return them and FastAPI serialises them straight to JSON, so the
document cannot drift from the wire. Presenters build them with
``model_construct``: the pydantic mypy plugin checks every key and type of
those calls statically (it does not for ``__init__``), and the e2e suite
validates every response against the document, so nothing is validated
again per request. Amounts and instants are strings on the wire, so they are
strings here too, with their format documented.
"""
