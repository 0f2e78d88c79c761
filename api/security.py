"""The security parts of one application, built from the settings by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from api.auth.authenticator import Authenticator
from api.auth.jwt import JwtSettings
from api.persisted_queries import PersistedQueries, load_registry
from api.ratelimit import (
    REDIS_TIMEOUT_S,
    FailoverTokenBucket,
    MemoryTokenBucket,
    RateLimiter,
    RedisTokenBucket,
)
from resolvers.limits import QueryLimits

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from api.settings import Settings


@dataclass(slots=True, kw_only=True)
class Security:
    authenticator: Authenticator
    rate_limiter: RateLimiter | None
    persisted_queries: PersistedQueries
    limits: QueryLimits

    async def aclose(self) -> None:
        if self.rate_limiter is not None:
            await self.rate_limiter.aclose()
        await self.persisted_queries.aclose()


def jwt_settings(settings: Settings) -> JwtSettings:
    return JwtSettings(
        jwks_url=settings.jwt_jwks_url,
        public_key=settings.jwt_public_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        algorithms=tuple(settings.jwt_algorithms),
        roles_claim=settings.jwt_roles_claim,
        partner_claim=settings.jwt_partner_claim,
        name_claim=settings.jwt_name_claim,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


def query_limits(settings: Settings) -> QueryLimits:
    return QueryLimits(
        max_tokens=settings.query_max_tokens,
        max_depth=settings.query_max_depth,
        max_aliases=settings.query_max_aliases,
        max_root_fields=settings.query_max_root_fields,
        max_cost=settings.query_max_cost,
        default_list_size=settings.query_default_list_size,
        introspection=settings.introspection,
    )


def build_security(
    settings: Settings,
    sessionmaker_of: Callable[[], async_sessionmaker[AsyncSession]],
) -> Security:
    key_namespace = f"{settings.cache_namespace}:"
    limiter: RateLimiter | None = None
    if settings.rate_limit_per_minute > 0:
        local = MemoryTokenBucket(
            per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst
        )
        limiter = local
        if settings.cache_url:
            shared = RedisTokenBucket(
                Redis.from_url(
                    settings.cache_url,
                    socket_timeout=REDIS_TIMEOUT_S,
                    socket_connect_timeout=REDIS_TIMEOUT_S,
                ),
                per_minute=settings.rate_limit_per_minute,
                burst=settings.rate_limit_burst,
                namespace=f"{key_namespace}rl:",
            )
            limiter = FailoverTokenBucket(shared, local)
    return Security(
        authenticator=Authenticator(
            sessionmaker_of,
            jwt_settings(settings),
            key_cache_seconds=settings.api_key_cache_seconds,
        ),
        rate_limiter=limiter,
        persisted_queries=PersistedQueries(
            cache_url=settings.cache_url,
            namespace=f"{key_namespace}apq:",
            only_registered=settings.persisted_queries_only,
            registry=load_registry(settings.persisted_queries_file),
        ),
        limits=query_limits(settings),
    )
