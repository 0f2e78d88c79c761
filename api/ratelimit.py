"""Per-principal rate limit: a token bucket, in Redis when configured, in memory otherwise.

Each principal has a bucket of ``burst`` tokens refilled at ``per_minute / 60`` tokens a
second; a request takes one token or is refused with the seconds until one is back. In Redis
the read-refill-take happens in one Lua script (atomic across processes), on Redis's clock.

Redis being down or slow does not fail requests: while it does not answer (within
``REDIS_TIMEOUT_S``), each process limits on its own in-memory bucket, and goes back to the
shared buckets as soon as Redis answers again; each switch is logged once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

import structlog
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = structlog.get_logger("frontdesk.ratelimit")

REDIS_TIMEOUT_S = 0.25
"""How long a request waits for Redis's answer before its process's own bucket decides."""


class RateLimiter(Protocol):
    async def take(self, key: str) -> float | None:
        """``None`` when the request may go ahead, else seconds until it may."""

    async def aclose(self) -> None: ...


class MemoryTokenBucket:
    def __init__(self, *, per_minute: int, burst: int) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    async def take(self, key: str) -> float | None:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - stamp) * self._rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return None
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self._rate

    async def aclose(self) -> None:
        self._buckets.clear()


_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisTokenBucket:
    def __init__(
        self,
        redis: Redis[bytes],
        *,
        per_minute: int,
        burst: int,
        namespace: str = "frontdesk:rl:",
    ) -> None:
        self._redis = redis
        self._rate = per_minute / 60.0
        self._burst = burst
        self._namespace = namespace
        self._script = redis.register_script(_TAKE)

    async def take(self, key: str) -> float | None:
        wait = float(
            await self._script(keys=[self._namespace + key], args=[self._rate, self._burst])
        )
        return wait if wait > 0 else None

    async def aclose(self) -> None:
        await self._redis.aclose()  # type: ignore[attr-defined]


class FailoverTokenBucket:
    """The shared Redis buckets while Redis answers, this process's buckets while it does not."""

    def __init__(self, shared: RedisTokenBucket, local: MemoryTokenBucket) -> None:
        self._shared = shared
        self._local = local
        self._redis_down = False

    @property
    def redis_down(self) -> bool:
        return self._redis_down

    async def take(self, key: str) -> float | None:
        try:
            wait = await self._shared.take(key)
        except (RedisError, OSError, TimeoutError) as exc:
            if not self._redis_down:
                self._redis_down = True
                log.warning("rate limit: Redis unavailable, limiting per process", error=str(exc))
            return await self._local.take(key)
        if self._redis_down:
            self._redis_down = False
            log.info("rate limit: Redis answers again, limits are shared")
        return wait

    async def aclose(self) -> None:
        await self._local.aclose()
        await self._shared.aclose()
