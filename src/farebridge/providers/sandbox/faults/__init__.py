"""Scripted and random faults of the simulated airline (``plan.py``)."""
