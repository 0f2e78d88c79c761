"""Credentials -> ``Principal``: the one function HTTP and WebSocket authentication share.

A valid API key is remembered in the process for ``key_cache_seconds`` (5 s by default,
``FRONTDESK_API_KEY_CACHE_SECONDS``): without it every request costs a round trip to the
store before any GraphQL runs. A revoked key therefore stops working within that window on
every instance. Keys that do not authenticate are never remembered, so a key created a
moment ago works at once; the re-checks of open subscriptions ask the store (``fresh``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from cachetools import TTLCache

from api.auth.api_keys import hash_key, matches, prefix_of
from api.auth.jwt import JwtVerifier, looks_like_jwt
from crm_store.repositories.api_keys import ApiKeyRepository
from resolvers.principal import Principal, PrincipalKind, Role, parse_roles

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from api.auth.jwt import JwtSettings


DEFAULT_KEY_CACHE_SECONDS = 5.0
KEY_CACHE_SIZE = 10_000


class Authenticator:
    """Shared by HTTP requests and WebSocket ``connection_init`` payloads (through
    ``credentials_from_connection_params``)."""

    def __init__(
        self,
        sessionmaker_of: Callable[[], async_sessionmaker[AsyncSession]],
        jwt_settings: JwtSettings,
        *,
        key_cache_seconds: float = DEFAULT_KEY_CACHE_SECONDS,
        key_cache_size: int = KEY_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessionmaker_of = sessionmaker_of
        self._jwt = JwtVerifier(jwt_settings) if jwt_settings.configured else None
        self._keys: TTLCache[str, Principal] | None = (
            TTLCache(maxsize=key_cache_size, ttl=key_cache_seconds, timer=clock)
            if key_cache_seconds > 0
            else None
        )

    async def authenticate(self, credentials: str, *, fresh: bool = False) -> Principal | None:
        """The principal for a JWT or an API key; ``None`` for anything not valid now.

        ``fresh`` asks the store even for a key remembered a moment ago."""
        credentials = credentials.strip()
        if not credentials:
            return None
        if looks_like_jwt(credentials):
            return await self._jwt.principal(credentials) if self._jwt is not None else None
        return await self._api_key(credentials, fresh=fresh)

    async def _api_key(self, key: str, *, fresh: bool) -> Principal | None:
        prefix = prefix_of(key)
        if prefix is None:
            return None
        if self._keys is None or fresh:
            return await self._look_up(prefix, key)
        digest = hash_key(key)  # the raw key is not kept in memory
        principal = self._keys.get(digest)
        if principal is None:
            principal = await self._look_up(prefix, key)
            if principal is not None:
                self._keys[digest] = principal
        return principal

    async def _look_up(self, prefix: str, key: str) -> Principal | None:
        async with self._sessionmaker_of()() as session:
            repository = ApiKeyRepository(session)
            row = await repository.by_prefix(prefix)
            if row is None or row.revoked_at is not None or not matches(row, key):
                return None
            if await repository.note_use(row):
                await session.commit()
            roles = parse_roles([row.role])
            partner_id = row.partner_id
            return Principal(
                kind=PrincipalKind.PARTNER if partner_id else PrincipalKind.SERVICE,
                subject=f"api-key:{row.id}",
                name=row.name,
                roles=roles | {Role.PARTNER} if partner_id else roles,
                partner_id=partner_id,
            )


def credentials_from_headers(headers: Mapping[str, str]) -> str | None:
    """``Authorization: Bearer <token or key>`` or ``X-API-Key: <key>``."""
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    api_key = headers.get("x-api-key")
    return api_key.strip() if api_key else None


def credentials_from_connection_params(payload: object) -> str | None:
    """The credentials in a graphql-transport-ws ``connection_init`` payload.

    Browsers cannot set headers on a WebSocket handshake, so clients send them in the
    payload, shaped like the headers (names in any case): ``{"Authorization": "Bearer
    <token or key>"}`` or ``{"X-API-Key": "<key>"}``. Pass the result to
    ``Authenticator.authenticate`` as for HTTP; anything else gives ``None``.
    """
    if not isinstance(payload, dict):
        return None
    headers = {str(k).lower(): v for k, v in payload.items() if isinstance(v, str)}
    return credentials_from_headers(headers)
