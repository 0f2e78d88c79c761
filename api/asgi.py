"""ASGI entry point for servers: ``uvicorn --factory api.asgi:app_from_environment``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.app import create_app
from api.lifespan import Overrides
from api.logs import configure_logging
from api.settings import load_settings

if TYPE_CHECKING:
    from starlette.applications import Starlette


def app_from_environment() -> Starlette:
    settings = load_settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    return create_app(settings, overrides=Overrides(tune_gc=settings.gc_tuning))
