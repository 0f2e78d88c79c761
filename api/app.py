"""The composition root: ``create_app(settings)`` wires every part of Frontdesk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from api.erp import erp_events
from api.graphql_view import FrontdeskGraphQL
from api.health import healthz, readyz
from api.lifespan import Overrides, build_lifespan, with_security
from api.metrics import metrics_endpoint
from api.middleware import RequestIdMiddleware
from api.security import build_security
from api.security_middleware import AuthenticationMiddleware, BodySizeLimitMiddleware
from resolvers.debug_counters import DebugCounters
from resolvers.schema import build_schema

if TYPE_CHECKING:
    from api.settings import Settings


MULTIPART_OVERHEAD = 64 * 1024
"""Room for the multipart framing and the GraphQL document around an uploaded file."""


def cors_middleware(settings: Settings) -> list[Middleware]:
    """CORS headers for the configured browser origins; nothing at all when there are none
    (no origin could be allowed, and the middleware wraps every response)."""
    if not settings.cors_allow_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allow_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-API-Key",
                "X-Request-ID",
                "GraphQL-Preflight",
            ],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        ),
    ]


def create_app(settings: Settings, *, overrides: Overrides | None = None) -> Starlette:
    """Build the ASGI application for ``settings``.

    Keys the app keeps in Redis (ERP cache, rate limits, persisted queries) are prefixed with
    ``FRONTDESK_CACHE_NAMESPACE``, so that deployments (and tests) sharing one Redis do not
    see each other's keys.
    """
    schema = build_schema(planned_execution=settings.planned_execution)
    if settings.debug_counters:
        schema.extensions = (*schema.extensions, DebugCounters)
    graphql = FrontdeskGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        max_subscriptions_per_connection=settings.subscriptions_per_connection,
        multipart_uploads_enabled=True,
        plain_queries=settings.plain_queries,
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/erp/events", erp_events, methods=["POST"]),
    ]
    lifespan: Any = build_lifespan(settings, overrides or Overrides())
    security = build_security(settings, lambda: app.state.frontdesk.sessionmaker)
    secured: Any = with_security(lifespan, security)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            *cors_middleware(settings),
            Middleware(
                BodySizeLimitMiddleware,
                max_bytes=settings.max_body_bytes,
                multipart_max_bytes=max(
                    settings.max_body_bytes,
                    settings.payments_import_max_bytes + MULTIPART_OVERHEAD,
                ),
            ),
            Middleware(
                AuthenticationMiddleware,
                security=security,
                graphiql=settings.graphiql_enabled,
                metrics_public=settings.metrics_public,
            ),
        ],
        lifespan=secured,
    )
    app.state.security = security
    return app
