"""Routers of the native dialect (mounted at ``/api``)."""
