"""The ASGI entry point used by ``farebridge api`` (uvicorn)."""

from __future__ import annotations

from farebridge.api.app import create_app
from farebridge.bootstrap import build, settle_heap
from farebridge.observability import configure_logging
from farebridge.settings import get_settings

settings = get_settings()
configure_logging(settings.log_level, json=settings.log_json)
app = create_app(build(settings), settings)
settle_heap()
