"""The latency wrapper: it delays, delegates, and counts calls overall and per scope."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from bench.baselines.data import demo_customers
from bench.baselines.memory_erp import InMemoryErpGateway
from erp_gateway.call_count import track_calls
from erp_gateway.errors import ErpUnavailable
from erp_gateway.latency import LatencyErpGateway
from erp_gateway.port import ErpGateway
from erp_gateway.records import Address, AddressRole, CustomerQuery

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from erp_gateway.records import ErpCustomer


def _gateway(latency_s: float = 0.0) -> LatencyErpGateway:
    return LatencyErpGateway(InMemoryErpGateway(demo_customers()), latency_s=latency_s)


def test_it_implements_the_port() -> None:
    assert isinstance(_gateway(), ErpGateway)


async def test_it_delegates_and_counts_every_call() -> None:
    gateway = _gateway()
    found = await gateway.get_customers(["C00001", "C00002", "NOPE"])
    assert sorted(found) == ["C00001", "C00002"]
    page = await gateway.search_customers(CustomerQuery(limit=3))
    assert [c.number for c in page.items] == ["C00001", "C00002", "C00003"]
    updated = await gateway.update_address("C00001", AddressRole.SHIPPING, Address(city="Nice"))
    assert updated.shipping_address == Address(city="Nice")
    await gateway.ping()
    await gateway.close()
    assert dict(gateway.calls) == {
        "get_customers": 1,
        "search_customers": 1,
        "update_address": 1,
        "ping": 1,
    }
    assert gateway.total_calls == 4


async def test_calls_are_counted_per_scope_including_concurrent_tasks() -> None:
    gateway = _gateway()
    await gateway.ping()  # outside any scope: not in the tally below
    with track_calls() as tally:
        await asyncio.gather(*(gateway.get_customers([f"C0000{i}"]) for i in range(1, 4)))
    with track_calls() as other:
        await gateway.ping()
    assert tally.calls == 3
    assert other.calls == 1
    assert gateway.total_calls == 5


async def test_every_call_waits_at_least_the_configured_delay() -> None:
    gateway = _gateway(latency_s=0.03)
    started = time.perf_counter()
    await gateway.get_customers(["C00001"])
    assert time.perf_counter() - started >= 0.03


class SlowInner(InMemoryErpGateway):
    """An ERP that works ``work_s`` on every read (or fails after it)."""

    def __init__(self, work_s: float, *, fail: bool = False) -> None:
        super().__init__(demo_customers())
        self.work_s = work_s
        self.fail = fail

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        await asyncio.sleep(self.work_s)
        if self.fail:
            raise ErpUnavailable("down", operation="get_customers")
        return await super().get_customers(numbers)


async def test_the_delay_is_the_whole_call_not_added_to_the_erps_own_work() -> None:
    """ERP latency is a known quantity: a call whose inner work takes 0.2 s of a 0.3 s
    latency lasts about 0.3 s, not the 0.5 s of work plus delay."""
    gateway = LatencyErpGateway(SlowInner(0.2), latency_s=0.3)
    started = time.perf_counter()
    found = await gateway.get_customers(["C00001"])
    elapsed = time.perf_counter() - started
    assert list(found) == ["C00001"]
    assert 0.3 <= elapsed < 0.45


async def test_an_inner_call_longer_than_the_delay_lasts_as_long_as_it_takes() -> None:
    gateway = LatencyErpGateway(SlowInner(0.2), latency_s=0.05)
    started = time.perf_counter()
    await gateway.get_customers(["C00001"])
    assert time.perf_counter() - started >= 0.2


async def test_an_error_also_comes_back_after_the_delay() -> None:
    gateway = LatencyErpGateway(SlowInner(0.0, fail=True), latency_s=0.05)
    started = time.perf_counter()
    with pytest.raises(ErpUnavailable):
        await gateway.get_customers(["C00001"])
    assert time.perf_counter() - started >= 0.05
    assert gateway.calls == {"get_customers": 1}


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        _gateway(latency_s=-1)
