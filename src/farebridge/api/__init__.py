"""HTTP: the primary API at /api (and, later, the dialects)."""
