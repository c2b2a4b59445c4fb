"""Routers of the primary API."""
