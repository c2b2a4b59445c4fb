"""A toy dialect, only for tests: proof that a dialect is one folder plus one registry line.

Its wire is deliberately unlike the native one: ``{"places": [...]}``,
``{"booking": {"ref", "state"}}`` and errors as ``{"error": {"reason", "detail", "http"}}``.
"""

from __future__ import annotations

from farebridge.api.dialects import Dialect
from tests.e2e.toy_dialect.app import build

dialect = Dialect(name="toy", prefix="/toy", build=build)
