"""A toy second provider: the ADR's example of "one folder plus one registration line"."""
