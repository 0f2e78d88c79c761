"""The composition root: ``create_app(settings)`` wires every part of Frontdesk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from api.graphql_view import FrontdeskGraphQL
from api.health import healthz, readyz
from api.lifespan import Overrides, build_lifespan
from api.middleware import RequestIdMiddleware
from resolvers.debug_counters import DebugCounters
from resolvers.schema import build_schema

if TYPE_CHECKING:
    from api.settings import Settings


def create_app(settings: Settings, *, overrides: Overrides | None = None) -> Starlette:
    """Build the ASGI application for ``settings``."""
    schema = build_schema()
    if settings.debug_counters:
        schema.extensions = (*schema.extensions, DebugCounters)
    graphql = FrontdeskGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    lifespan: Any = build_lifespan(settings, overrides or Overrides())
    return Starlette(
        routes=routes,
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
