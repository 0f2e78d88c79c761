"""The read-through cache over the real demo ERP, in memory and on real Redis."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from erp_gateway.caching import CachingGateway
from erp_gateway.errors import ErpUnavailable
from erp_gateway.factory import build_cache
from erp_gateway.invalidation import RedisInvalidations
from erp_gateway.observer import NullObserver
from erp_gateway.records import Address, AddressRole
from erp_gateway.resilience import ResilientGateway
from tests.support.erp import CountingGateway

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Mapping, Sequence

    from erp_gateway.observer import CacheResult
    from erp_gateway.records import ErpCustomer
    from tests.support.erp import DemoErp


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def make_cache(
    request: pytest.FixtureRequest, redis_url: str, cache_namespace: str
) -> Callable[[], object]:
    url = redis_url if request.param == "redis" else None
    return lambda: build_cache(url, cache_namespace)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def counting(demo_erp: DemoErp) -> CountingGateway:
    return CountingGateway(demo_erp.adapter())


@pytest.fixture
async def cached(
    counting: CountingGateway, make_cache: Callable[[], object], clock: Clock
) -> AsyncIterator[CachingGateway]:
    gateway = CachingGateway(
        ResilientGateway(counting, retries=0),
        make_cache(),
        ttl=30,
        stale_limit=3600,
        clock=clock,
    )
    yield gateway
    await gateway.close()


async def test_a_batch_of_misses_is_one_erp_call_and_then_none(
    cached: CachingGateway, counting: CountingGateway
) -> None:
    numbers = [f"C{n}" for n in range(10001, 10101)]
    first = await cached.get_customers(numbers)
    second = await cached.get_customers(numbers)
    assert counting.calls["get_customers"] == 1
    assert len(counting.batches[0]) == 100
    assert second == first  # exactly the same records back from the cache (Decimal, datetime)


async def test_only_the_misses_of_a_batch_go_to_the_erp(
    cached: CachingGateway, counting: CountingGateway
) -> None:
    await cached.get_customers(["C10001", "C10002"])
    await cached.get_customers(["C10001", "C10002", "C10003", "C10004"])
    assert counting.batches == [("C10001", "C10002"), ("C10003", "C10004")]


async def test_a_record_is_read_again_once_the_ttl_has_passed(
    cached: CachingGateway, counting: CountingGateway, clock: Clock
) -> None:
    first = (await cached.get_customers(["C10001"]))["C10001"]
    clock.now += 29
    await cached.get_customers(["C10001"])
    assert counting.calls["get_customers"] == 1
    clock.now += 1
    again = (await cached.get_customers(["C10001"]))["C10001"]
    assert counting.calls["get_customers"] == 2
    assert again.fetched_at > first.fetched_at


async def test_fifty_concurrent_misses_share_one_erp_call(
    cached: CachingGateway, counting: CountingGateway
) -> None:
    results = await asyncio.gather(*(cached.get_customers(["C10001"]) for _ in range(50)))
    assert counting.calls["get_customers"] == 1
    assert all(r["C10001"] == results[0]["C10001"] for r in results)


async def test_when_the_erp_fails_the_last_known_record_is_served_stale(
    cached: CachingGateway, demo_erp: DemoErp, clock: Clock
) -> None:
    known = (await cached.get_customers(["C10001"]))["C10001"]
    clock.now += 60
    demo_erp.take_down()
    reads = await cached.read_customers(["C10001", "C10002"])
    assert reads.found["C10001"].record == known
    assert reads.found["C10001"].stale
    assert set(reads.unavailable) == {"C10002"}  # never cached: nothing to fall back on
    with pytest.raises(ErpUnavailable):
        await cached.get_customers(["C10002"])


async def test_nothing_older_than_the_stale_limit_is_served(
    cached: CachingGateway, demo_erp: DemoErp, clock: Clock
) -> None:
    await cached.get_customers(["C10001"])
    clock.now += 3601
    demo_erp.take_down()
    reads = await cached.read_customers(["C10001"])
    assert reads.found == {}
    assert set(reads.unavailable) == {"C10001"}


async def test_a_live_read_never_serves_stale_and_refreshes_the_cache(
    cached: CachingGateway, counting: CountingGateway, demo_erp: DemoErp
) -> None:
    await cached.get_customers(["C10001"])
    live = await cached.read_customers(["C10001"], live=True)
    assert counting.calls["get_customers"] == 2
    assert not live.found["C10001"].stale
    await cached.get_customers(["C10001"])  # the live value is now the cached one
    assert counting.calls["get_customers"] == 2
    demo_erp.take_down()
    failed = await cached.read_customers(["C10001"], live=True)
    assert failed.found == {}
    assert set(failed.unavailable) == {"C10001"}


async def test_a_write_passes_through_and_invalidates(
    cached: CachingGateway, counting: CountingGateway
) -> None:
    before = (await cached.get_customers(["C10009"]))["C10009"]
    await cached.update_address("C10009", AddressRole.BILLING, Address(city="Graz", country="AT"))
    after = (await cached.get_customers(["C10009"]))["C10009"]
    assert counting.calls["get_customers"] == 2  # the write dropped the cached copy
    assert after.billing_address == Address(city="Graz", country="AT")
    assert after.version != before.version


async def test_invalidation_reaches_every_instance_over_redis(
    demo_erp: DemoErp, redis_url: str, cache_namespace: str
) -> None:
    instances = []
    for _ in range(2):
        counting = CountingGateway(demo_erp.adapter())
        gateway = CachingGateway(
            counting,
            build_cache(None, cache_namespace),  # each instance with its own memory cache
            invalidations=RedisInvalidations(redis_url, channel=f"{cache_namespace}:inv"),
        )
        await gateway.start()
        instances.append((gateway, counting))
    (a, _), (b, b_counting) = instances
    try:
        await b.get_customers(["C10001"])
        await a.invalidate(["C10001"])
        for _ in range(200):
            if "C10001" in b.dropped_by_others:
                break
            await asyncio.sleep(0.01)
        await b.get_customers(["C10001"])
        assert b_counting.calls["get_customers"] == 2
    finally:
        for gateway, _ in instances:
            await gateway.close()


@dataclass
class HeldGateway(CountingGateway):
    """The demo ERP, whose reads are counted when made and answer once ``release`` is set."""

    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        self.calls["get_customers"] += 1
        await self.release.wait()
        return await self.inner.get_customers(numbers)


class Misses(NullObserver):
    """Counts the cache's misses: a reader reports its miss just before it asks the ERP or
    waits for the read another reader is making."""

    def __init__(self) -> None:
        self.missed = asyncio.Event()

    def cache(self, result: CacheResult, count: int = 1) -> None:
        if result == "miss" and count:
            self.missed.set()


@pytest.fixture
async def held(
    demo_erp: DemoErp, make_cache: Callable[[], object], clock: Clock
) -> AsyncIterator[tuple[CachingGateway, HeldGateway]]:
    erp = HeldGateway(demo_erp.adapter())
    gateway = CachingGateway(
        ResilientGateway(erp, retries=0),
        make_cache(),
        ttl=30,
        stale_limit=3600,
        clock=clock,
        observer=Misses(),
    )
    yield gateway, erp
    await gateway.close()


async def reading(gateway: CachingGateway, number: str) -> asyncio.Task[Mapping[str, Any]]:
    """A read of ``number`` in a task of its own, once it is asking the ERP or waiting for
    another reader's answer (the cache's lookup before that is a round trip on Redis)."""
    observer = gateway.observer
    assert isinstance(observer, Misses)
    observer.missed.clear()
    task = asyncio.get_running_loop().create_task(gateway.get_customers([number]))
    async with asyncio.timeout(5):
        await observer.missed.wait()
    return task


async def test_a_cancelled_waiter_leaves_the_read_to_the_others(
    held: tuple[CachingGateway, HeldGateway],
) -> None:
    cached, erp = held
    maker = await reading(cached, "C10001")
    waiters = [await reading(cached, "C10001") for _ in range(3)]
    waiters[0].cancel()
    erp.release.set()
    answers = await asyncio.gather(maker, *waiters[1:])
    assert {answer["C10001"].number for answer in answers} == {"C10001"}
    assert waiters[0].cancelled()
    assert erp.calls["get_customers"] == 1


async def test_when_the_caller_making_the_read_is_cancelled_the_others_still_get_theirs(
    held: tuple[CachingGateway, HeldGateway],
) -> None:
    cached, erp = held
    maker = await reading(cached, "C10001")
    waiter = await reading(cached, "C10001")
    maker.cancel()
    await asyncio.sleep(0)
    erp.release.set()
    answer = await waiter
    assert answer["C10001"].number == "C10001"
    assert maker.cancelled()
    assert erp.calls["get_customers"] == 2  # made again for the waiter
    await cached.get_customers(["C10001"])  # and cached by that second read
    assert erp.calls["get_customers"] == 2


async def test_a_cancelled_read_nobody_waits_for_is_abandoned(
    held: tuple[CachingGateway, HeldGateway],
) -> None:
    cached, erp = held
    maker = await reading(cached, "C10001")
    maker.cancel()
    await asyncio.sleep(0)
    erp.release.set()
    await cached.get_customers(["C10001"])
    assert maker.cancelled()
    assert erp.calls["get_customers"] == 2  # nothing was cached: the next read asks again
