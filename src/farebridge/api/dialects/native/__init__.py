"""The native dialect: farebridge's own Duffel-like API, served at ``/api``."""

from __future__ import annotations

from farebridge.api.dialects import Dialect
from farebridge.api.dialects.native.app import build

dialect = Dialect(name="native", prefix="/api", build=build)
