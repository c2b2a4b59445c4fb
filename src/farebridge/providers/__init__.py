"""Upstream inventory sources behind one Protocol (``providers.base.Provider``)."""
