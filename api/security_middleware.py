"""ASGI middleware: request body size limit, authentication and the per-principal rate limit.

Authentication guards ``/graphql`` (and ``/metrics`` unless it is configured public); the
health probes are public. Only the GraphiQL page itself (a static page, ``GET /graphql``
for a browser) is served without credentials; every operation needs them. The principal is
put in ``scope["state"]["principal"]`` for the GraphQL view.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import orjson
import structlog
from starlette.datastructures import Headers, QueryParams

from api.auth.authenticator import credentials_from_headers
from api.auth.jwt import AuthUnavailable

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from api.security import Security

log = structlog.get_logger("frontdesk.security")

GRAPHQL_PATH = "/graphql"
METRICS_PATH = "/metrics"


def error_body(message: str, code: str, **extra: object) -> bytes:
    """A GraphQL-shaped error answer for requests refused before any GraphQL runs."""
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code, **extra}}]})


async def send_error(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimitMiddleware:
    """Refuses a request body over ``max_bytes`` with 413, before the app reads it."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, multipart_max_bytes: int | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.multipart_max_bytes = multipart_max_bytes or max_bytes
        """File uploads (``multipart/form-data``, e.g. ``importPayments``) may be larger."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.max_bytes
        if headers.get("content-type", "").startswith("multipart/form-data"):
            limit = self.multipart_max_bytes
        too_large = error_body(
            f"The request body is larger than {limit} bytes.",
            "PAYLOAD_TOO_LARGE",
            limit=limit,
        )
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_error(send, 413, too_large)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _is_graphiql_page(scope: Scope, headers: Headers) -> bool:
    if scope["method"] != "GET" or scope["path"] != GRAPHQL_PATH:
        return False
    if QueryParams(scope.get("query_string", b"")).get("query") is not None:
        return False
    accept = headers.get("accept", "")
    return "text/html" in accept or "*/*" in accept


class AuthenticationMiddleware:
    def __init__(
        self, app: ASGIApp, *, security: Security, graphiql: bool, metrics_public: bool
    ) -> None:
        self.app = app
        self.security = security
        self.graphiql = graphiql
        self.protected = {GRAPHQL_PATH} if metrics_public else {GRAPHQL_PATH, METRICS_PATH}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] not in self.protected:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["type"] == "http" and self.graphiql and _is_graphiql_page(scope, headers):
            await self.app(scope, receive, send)
            return
        credentials = credentials_from_headers(headers)
        if scope["type"] == "websocket" and credentials is None:
            # Browsers cannot set headers on a socket: the view authenticates its
            # connection_init payload instead (api/websocket_auth.py).
            await self.app(scope, receive, send)
            return
        try:
            principal = (
                await self.security.authenticator.authenticate(credentials) if credentials else None
            )
        except AuthUnavailable as exc:
            await self._unavailable(scope, receive, send, exc)
            return
        if principal is None:
            await self._refuse(scope, receive, send, has_credentials=credentials is not None)
            return
        limiter = self.security.rate_limiter
        if limiter is not None and scope["type"] == "http":
            wait = await limiter.take(principal.rate_limit_key)
            if wait is not None:
                seconds = max(1, math.ceil(wait))
                body = error_body(
                    f"Too many requests: try again in {seconds} s.",
                    "RATE_LIMITED",
                    retryAfter=seconds,
                )
                await send_error(send, 429, body, [(b"retry-after", str(seconds).encode())])
                return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _unavailable(
        self, scope: Scope, receive: Receive, send: Send, exc: AuthUnavailable
    ) -> None:
        log.warning("credentials cannot be checked", reason=str(exc))
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1013, "reason": "Try again later"})
            return
        body = error_body(
            "The credentials cannot be checked right now; try again later.",
            "AUTH_UNAVAILABLE",
        )
        await send_error(send, 503, body, [(b"retry-after", b"5")])

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, *, has_credentials: bool
    ) -> None:
        if scope["type"] == "websocket":
            # Header credentials that do not authenticate: refused at the handshake.
            await receive()
            await send({"type": "websocket.close", "code": 4401, "reason": "Unauthorized"})
            return
        message = (
            "The credentials are not valid (unknown, revoked or expired)."
            if has_credentials
            else "Authentication required: send Authorization: Bearer <token or API key>."
        )
        challenge = b'Bearer realm="frontdesk"'
        if has_credentials:
            challenge += b', error="invalid_token"'
        await send_error(
            send,
            401,
            error_body(message, "UNAUTHENTICATED"),
            [(b"www-authenticate", challenge)],
        )
