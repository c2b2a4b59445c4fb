"""Use cases. Each takes ``Dependencies`` and runs in one or more units of work."""
