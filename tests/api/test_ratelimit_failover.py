"""The rate limit when Redis stops answering: requests go on, limited per process, and the
shared buckets come back with Redis. The outage is real: ``CLIENT PAUSE`` stops the Redis
server from answering any client for a while."""

from __future__ import annotations

import asyncio
import secrets

from redis.asyncio import Redis

from api.ratelimit import (
    REDIS_TIMEOUT_S,
    FailoverTokenBucket,
    MemoryTokenBucket,
    RedisTokenBucket,
)
from tests.support.erp import redis_url_for_tests


def failover(url: str, *, burst: int = 3) -> FailoverTokenBucket:
    client = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=0.25)
    shared = RedisTokenBucket(
        client, per_minute=6, burst=burst, namespace=f"test-rl-{secrets.token_hex(4)}:"
    )
    return FailoverTokenBucket(shared, MemoryTokenBucket(per_minute=6, burst=burst))


async def test_an_unreachable_redis_limits_per_process_instead_of_failing() -> None:
    limiter = failover("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        answers = [await limiter.take("key") for _ in range(4)]
    finally:
        await limiter.aclose()
    assert answers[:3] == [None, None, None]
    assert answers[3] is not None
    assert answers[3] > 0
    assert limiter.redis_down


async def test_a_paused_redis_falls_back_and_the_shared_buckets_return_with_it() -> None:
    url = redis_url_for_tests()
    limiter = failover(url, burst=5)
    admin = Redis.from_url(url)
    try:
        assert await limiter.take("key") is None  # shared bucket: 4 tokens left
        assert not limiter.redis_down
        await admin.execute_command("CLIENT", "PAUSE", "1000", "ALL")
        assert await limiter.take("key") is None  # the process's own bucket decides
        assert limiter.redis_down
        await asyncio.sleep(1.1)  # the pause ends
        answers = [await limiter.take("key") for _ in range(4)]
        assert not limiter.redis_down
        # Back on the shared bucket, which still holds what was taken before the outage.
        assert answers == [None, None, None, None]
        assert await limiter.take("key") is not None
    finally:
        await admin.execute_command("CLIENT", "UNPAUSE")
        await admin.aclose()
        await limiter.aclose()
