"""The sandbox GDS: a deterministic, seeded simulation of the airline side."""

from farebridge.providers.sandbox.provider import SandboxProvider

__all__ = ["SandboxProvider"]
