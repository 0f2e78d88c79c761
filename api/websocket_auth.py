"""WebSocket authentication: credentials in ``connection_init``, re-checked while open.

A socket may bring its credentials in the handshake's headers (checked by the
authentication middleware) or in the ``connection_init`` payload, as browsers must:
``{"Authorization": "Bearer <key or JWT>"}`` or ``{"apiKey": "<key>"}``. The same
authenticator as HTTP turns them into a ``Principal``. While the socket is open its
credentials are checked again every ``FRONTDESK_SUBSCRIPTION_AUTH_RECHECK`` seconds; a key
revoked (or a token expired) in the meantime closes the socket with 4403.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog
from starlette.websockets import WebSocketState

from api.auth.authenticator import credentials_from_headers

if TYPE_CHECKING:
    from starlette.websockets import WebSocket

    from api.auth.authenticator import Authenticator

log = structlog.get_logger("frontdesk.websocket")

REVOKED = 4403


def credentials_from_payload(payload: object) -> str | None:
    """The credentials in a ``connection_init`` payload, or None."""
    if not isinstance(payload, dict):
        return None
    lowered = {str(k).lower(): v for k, v in payload.items()}
    authorization = lowered.get("authorization")
    if isinstance(authorization, str):
        scheme, _, value = authorization.partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    api_key = lowered.get("apikey") or lowered.get("x-api-key")
    return api_key.strip() if isinstance(api_key, str) and api_key.strip() else None


def credentials_of(websocket: WebSocket, payload: object) -> str | None:
    """The handshake's header credentials, else those of ``connection_init``."""
    return credentials_from_headers(websocket.headers) or credentials_from_payload(payload)


def _open(websocket: WebSocket) -> bool:
    return (
        websocket.client_state is not WebSocketState.DISCONNECTED
        and websocket.application_state is not WebSocketState.DISCONNECTED
    )


async def watch_credentials(
    websocket: WebSocket, authenticator: Authenticator, credentials: str, *, every: float
) -> None:
    """Close ``websocket`` once ``credentials`` stop authenticating (revoked, expired)."""
    while True:
        await asyncio.sleep(every)
        if not _open(websocket):
            return
        try:
            principal = await authenticator.authenticate(credentials, fresh=True)
        except Exception:
            log.warning("credential re-check failed; will retry", exc_info=True)
            continue
        if principal is None:
            if _open(websocket):
                with contextlib.suppress(RuntimeError):
                    await websocket.close(code=REVOKED, reason="Credentials revoked")
            return
