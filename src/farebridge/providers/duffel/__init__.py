"""Duffel (API v2) as an upstream provider; see provider.py."""
