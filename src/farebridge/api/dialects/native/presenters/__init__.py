"""Domain objects → the native dialect's response models (one function per resource).

Instants are UTC with ``Z``; flight times are airport-local wall time; money
is a decimal string next to its currency; passport numbers are masked.
"""
