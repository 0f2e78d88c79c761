"""Cache invalidation between instances over Redis pub/sub.

Every instance subscribes to one channel; ``publish(numbers)`` sends a JSON list of customer
numbers and each instance (the sender included) drops those keys from its cache.

The same channel carries subscription events (``workflows.events``):
``publish_events(events)`` sends ``{"events": [...]}`` and every instance hands them to
``on_events`` (set by the application) once. Invalidation lists and event objects are told
apart by their JSON type.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import orjson
import structlog
from redis.asyncio import Redis

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from redis.asyncio.client import PubSub

log = structlog.get_logger("frontdesk.erp.invalidation")


class RedisInvalidations:
    def __init__(self, url: str, *, channel: str) -> None:
        self.channel = channel
        self._redis: Redis[bytes] = Redis.from_url(url)
        self._task: asyncio.Task[None] | None = None
        self.on_events: Callable[[list[object]], None] | None = None
        """Receives the events of every ``publish_events`` on any instance."""

    async def publish(self, numbers: Sequence[str]) -> None:
        if numbers:
            await self._redis.publish(self.channel, orjson.dumps(list(numbers)))

    async def publish_events(self, events: Sequence[dict[str, str]]) -> None:
        if events:
            await self._redis.publish(self.channel, orjson.dumps({"events": list(events)}))

    async def start(self, on_numbers: Callable[[list[str]], Awaitable[None]]) -> None:
        """Subscribe, then listen in the background until ``close``."""
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.channel)
        self._task = asyncio.get_running_loop().create_task(self._listen(pubsub, on_numbers))

    async def _listen(
        self, pubsub: PubSub, on_numbers: Callable[[list[str]], Awaitable[None]]
    ) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    numbers = orjson.loads(message["data"])
                except orjson.JSONDecodeError:
                    log.warning("ignored a malformed invalidation", data=message["data"])
                    continue
                if isinstance(numbers, list):
                    await on_numbers([str(n) for n in numbers])
                elif isinstance(numbers, dict) and self.on_events is not None:
                    events = numbers.get("events")
                    if isinstance(events, list):
                        self.on_events(events)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[attr-defined]  # stubs predate redis 5

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()  # type: ignore[attr-defined]
