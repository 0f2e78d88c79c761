"""The event bus behind subscriptions: "this customer / lead / interaction changed".

One bus per process. Subscribers (GraphQL subscriptions) take a queue for a topic and,
optionally, the keys they care about. Events reach every instance exactly once:

- without Redis, ``publish`` hands the events to this process's subscribers directly;
- with Redis (``FRONTDESK_CACHE_URL``), ``publish`` sends them on the channel that already
  carries cache invalidation (``erp_gateway.invalidation``) and every instance, the sender
  included, hands what it receives to its own subscribers. The sender never delivers
  locally as well, so nobody gets an event twice.

Customer events are not published here: an ERP change is a cache invalidation (webhook,
Frontdesk's own writes, the change-feed poller), and the cache wrapper tells the bus which
numbers it dropped, once per instance (``customers_changed``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import structlog

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator, Sequence

log = structlog.get_logger("frontdesk.events")

QUEUE_SIZE = 1000
"""Events held per subscriber before it is considered too slow (further ones are dropped)."""


class Topic(StrEnum):
    CUSTOMER = "customer"
    """key: the customer number."""
    INTERACTION = "interaction"
    """key: the customer number; ref: the interaction's row id."""
    LEAD = "lead"
    """key: the lead's row id."""


@dataclass(frozen=True, slots=True)
class Event:
    topic: Topic
    key: str
    ref: str = ""

    def to_wire(self) -> dict[str, str]:
        return {"topic": self.topic.value, "key": self.key, "ref": self.ref}

    @classmethod
    def from_wire(cls, data: Any) -> Event | None:
        """The event in a channel message, or None for anything malformed."""
        if not isinstance(data, dict):
            return None
        try:
            topic = Topic(str(data.get("topic")))
        except ValueError:
            return None
        key, ref = data.get("key"), data.get("ref", "")
        if not isinstance(key, str) or not isinstance(ref, str):
            return None
        return cls(topic, key, ref)


class EventTransport(Protocol):
    """Carries events to every instance (``erp_gateway.invalidation.RedisInvalidations``)."""

    async def publish_events(self, events: Sequence[dict[str, str]]) -> None: ...


@dataclass(slots=True, eq=False)
class _Subscriber:
    topic: Topic
    keys: frozenset[str] | None
    queue: asyncio.Queue[Event]


class EventBus:
    def __init__(self, transport: EventTransport | None = None) -> None:
        self.transport = transport
        self._subscribers: set[_Subscriber] = set()
        self.delivered = 0
        """Events handed to subscribers' queues here (observable for tests and metrics)."""

    async def publish(self, events: Sequence[Event]) -> None:
        """Every instance's subscribers get ``events`` once."""
        if not events:
            return
        if self.transport is None:
            self.deliver(events)
        else:
            await self.transport.publish_events([event.to_wire() for event in events])

    def deliver(self, events: Iterable[Event]) -> None:
        """Hand ``events`` to this process's matching subscribers (never blocks)."""
        for event in events:
            for subscriber in list(self._subscribers):
                if subscriber.topic is not event.topic:
                    continue
                if subscriber.keys is not None and event.key not in subscriber.keys:
                    continue
                try:
                    subscriber.queue.put_nowait(event)
                    self.delivered += 1
                except asyncio.QueueFull:
                    log.warning("subscriber too slow: event dropped", topic=event.topic)

    def deliver_wire(self, payloads: Iterable[Any]) -> None:
        """``deliver`` for events as they come off the channel."""
        self.deliver(e for e in map(Event.from_wire, payloads) if e is not None)

    async def customers_changed(self, numbers: Sequence[str]) -> None:
        """The cache dropped ``numbers`` on this instance: tell its subscribers."""
        self.deliver(Event(Topic.CUSTOMER, number) for number in dict.fromkeys(numbers))

    @contextlib.contextmanager
    def subscription(
        self, topic: Topic, keys: Iterable[str] | None = None
    ) -> Iterator[asyncio.Queue[Event]]:
        """A queue receiving ``topic``'s events (for ``keys`` only, when given)."""
        subscriber = _Subscriber(
            topic, frozenset(keys) if keys is not None else None, asyncio.Queue(QUEUE_SIZE)
        )
        self._subscribers.add(subscriber)
        try:
            yield subscriber.queue
        finally:
            self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)


async def events_of(queue: asyncio.Queue[Event]) -> AsyncIterator[Event]:
    """The events put on ``queue``, as they come."""
    while True:
        yield await queue.get()
