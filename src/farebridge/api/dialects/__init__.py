"""Wire dialects: one folder each, registered in ``farebridge.api.app.DIALECTS``.

A dialect translates between its own wire format and the use cases: its routes,
request schemas, response models, presenters and error envelope live in its
folder, and it is served as a FastAPI sub-application with its own OpenAPI
document under its own prefix. See docs/adr/0005-dialects.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI


@dataclass(frozen=True, slots=True)
class Dialect:
    """``build()`` makes the sub-application that the root app mounts at ``prefix``."""

    name: str
    prefix: str
    build: Callable[[], FastAPI]
