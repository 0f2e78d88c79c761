"""Plain settings values -> the wrapped gateway: adapter, resilience, cache, invalidation.

    CachingGateway (fresh / single flight / stale-if-error / invalidation)
      -> ResilientGateway (timeout, circuit breaker, retried reads)
        -> [LatencyErpGateway: delay and per-operation call count, benchmark/debug only]
          -> adapter (sql, or a vendor's)

The latency layer sits under the cache, so cache hits neither wait nor count, and under
resilience, so a retried read counts (and waits) once per attempt, as a real ERP would.

Takes plain values, never ``api``'s settings object. ``ErpStack`` keeps each layer reachable
(the breaker's state for ``extensions.erp`` and metrics, the cache for invalidation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from aiocache import RedisCache, SimpleMemoryCache

from erp_gateway.caching import CachingGateway
from erp_gateway.resilience import CircuitBreaker, ResilientGateway
from erp_gateway.serialization import CacheEntrySerializer
from erp_gateway.vendors import VENDOR_OPTIONS, build_vendor

if TYPE_CHECKING:
    from pathlib import Path

    from erp_gateway.observer import ErpObserver
    from erp_gateway.port import ErpGateway
    from erp_gateway.vendors import VendorOptions


class UnknownAdapter(ValueError):
    """No adapter of that name."""


ADAPTERS = ("sql", "tryton", "odoo", "erpnext")
"""Adapters this factory can build."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ErpConfig:
    adapter: str = "sql"
    sql_url: str | None = None
    sql_mapping: Path | None = None
    timeout: float = 2.0
    retries: int = 2
    backoff: float = 0.05
    backoff_max: float = 1.0
    breaker_threshold: int = 5
    breaker_cool_down: float = 30.0
    cache_url: str | None = None
    cache_namespace: str = "frontdesk"
    cache_ttl: float = 30.0
    stale_limit: float = 24 * 3600.0
    options: dict[str, Any] | None = None
    """Free-form extra values (unused by the shipped adapters)."""
    vendor: VendorOptions | None = None
    """The vendor adapter's own values (``erp_gateway/vendors.py``): URL, credentials ..."""
    latency_ms: float = 0.0
    """Benchmark: a delay before every call that reaches the adapter (see ``count_calls``)."""
    count_calls: bool = False
    """Count the calls that reach the adapter per operation (``erp_gateway.call_count``)."""


@dataclass(slots=True)
class ErpStack:
    gateway: CachingGateway
    """The outermost layer: what the application talks to."""
    resilient: ResilientGateway
    adapter: ErpGateway

    @property
    def breaker(self) -> CircuitBreaker:
        return self.resilient.breaker


def build_adapter(config: ErpConfig) -> ErpGateway:
    """The adapter named by ``config.adapter``.

    Vendor adapters (``tryton``, ``odoo``, ``erpnext``) are built from ``config.vendor``,
    which must be that adapter's options class (``erp_gateway/vendors.py``).
    """
    if config.adapter == "sql":
        from erp_gateway.adapters.sql import SqlGateway

        if config.sql_url is None:
            raise UnknownAdapter("the sql adapter needs FRONTDESK_ERP_SQL_URL")
        return SqlGateway.from_config(url=config.sql_url, mapping_path=config.sql_mapping)
    wanted = VENDOR_OPTIONS.get(config.adapter)
    if wanted is not None:
        if not isinstance(config.vendor, wanted):
            raise UnknownAdapter(f"the {config.adapter} adapter needs {wanted.__name__}")
        return build_vendor(config.vendor)
    raise UnknownAdapter(f"unknown ERP adapter {config.adapter!r}; known: {', '.join(ADAPTERS)}")


class _RedisCache(RedisCache):  # type: ignore[misc]
    """aiocache's RedisCache, closed with ``aclose()`` (its ``close()`` is deprecated in
    redis-py 5+, and warnings are errors in the test suite)."""

    async def _close(self, *args: Any, _conn: Any = None, **kwargs: Any) -> None:
        await self.client.aclose()


def build_cache(url: str | None, namespace: str) -> Any:
    """aiocache in memory (``url`` None) or on Redis (``redis://host:port/db``).

    The memory cache runs without aiocache's per-operation timeout: a dict lookup cannot
    hang, and the timeout wraps every operation in a task of its own (``asyncio.wait_for``),
    which let other work run between a cache miss and the ERP call it starts."""
    if url is None:
        return SimpleMemoryCache(namespace=namespace, timeout=None)
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError(f"FRONTDESK_CACHE_URL must be redis://..., got {parsed.scheme}://")
    db = parsed.path.strip("/") or "0"
    return _RedisCache(
        endpoint=parsed.hostname or "127.0.0.1",
        port=parsed.port or 6379,
        db=int(db),
        password=unquote(parsed.password) if parsed.password else None,
        ssl=parsed.scheme == "rediss",
        namespace=namespace,
        serializer=CacheEntrySerializer(),
    )


def build_stack(
    config: ErpConfig,
    *,
    observer: ErpObserver | None = None,
    adapter: ErpGateway | None = None,
) -> ErpStack:
    """Wrap ``adapter`` (or the one ``config`` names) in resilience and the cache."""
    inner = adapter if adapter is not None else build_adapter(config)
    reached: ErpGateway = inner
    if config.latency_ms > 0 or config.count_calls:
        from erp_gateway.latency import LatencyErpGateway

        reached = LatencyErpGateway(inner, latency_s=config.latency_ms / 1000)
    breaker = CircuitBreaker(
        threshold=config.breaker_threshold, cool_down=config.breaker_cool_down, observer=observer
    )
    resilient = ResilientGateway(
        reached,
        timeout=config.timeout,
        retries=config.retries,
        backoff=config.backoff,
        backoff_max=config.backoff_max,
        breaker=breaker,
        observer=observer,
    )
    invalidations = None
    if config.cache_url is not None:
        from erp_gateway.invalidation import RedisInvalidations

        invalidations = RedisInvalidations(
            config.cache_url, channel=f"{config.cache_namespace}:erp-invalidate"
        )
    gateway = CachingGateway(
        resilient,
        build_cache(config.cache_url, config.cache_namespace),
        ttl=config.cache_ttl,
        stale_limit=config.stale_limit,
        observer=observer,
        invalidations=invalidations,
    )
    return ErpStack(gateway=gateway, resilient=resilient, adapter=inner)
