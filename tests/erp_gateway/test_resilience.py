"""Timeouts, retries and the circuit breaker, with the demo ERP really failing."""

from __future__ import annotations

import random
import sqlite3
from typing import TYPE_CHECKING

import pytest

from erp_gateway.errors import ErpUnavailable
from erp_gateway.resilience import CircuitBreaker, ResilientGateway
from tests.support.erp import CountingGateway

if TYPE_CHECKING:
    from tests.support.erp import DemoErp


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def resilient(
    demo_erp: DemoErp, *, retries: int = 0, threshold: int = 3, clock: Clock | None = None
) -> tuple[ResilientGateway, CountingGateway]:
    counting = CountingGateway(demo_erp.adapter())
    breaker = CircuitBreaker(threshold=threshold, cool_down=30.0, clock=clock or Clock())
    gateway = ResilientGateway(
        counting,
        timeout=2.0,
        retries=retries,
        backoff=0.001,
        breaker=breaker,
        rng=random.Random(1),
    )
    return gateway, counting


async def test_reads_are_retried_then_reported(demo_erp: DemoErp) -> None:
    gateway, counting = resilient(demo_erp, retries=2, threshold=10)
    demo_erp.take_down()
    with pytest.raises(ErpUnavailable):
        await gateway.get_customers(["C10001"])
    assert counting.calls["get_customers"] == 3
    await gateway.close()


async def test_writes_are_never_retried(demo_erp: DemoErp) -> None:
    from erp_gateway.records import Address, AddressRole

    gateway, counting = resilient(demo_erp, retries=2, threshold=10)
    demo_erp.take_down()
    with pytest.raises(ErpUnavailable):
        await gateway.update_address("C10001", AddressRole.BILLING, Address(city="Bonn"))
    assert counting.calls["update_address"] == 1
    await gateway.close()


async def test_the_breaker_opens_then_recovers_after_the_cool_down(demo_erp: DemoErp) -> None:
    clock = Clock()
    gateway, counting = resilient(demo_erp, threshold=3, clock=clock)
    demo_erp.take_down()
    for _ in range(3):
        with pytest.raises(ErpUnavailable):
            await gateway.get_customers(["C10001"])
    assert gateway.breaker.state == "open"
    with pytest.raises(ErpUnavailable, match="circuit is open"):
        await gateway.get_customers(["C10001"])
    assert counting.calls["get_customers"] == 3  # the open circuit spared the ERP

    demo_erp.bring_back()
    clock.now += 29
    with pytest.raises(ErpUnavailable, match="circuit is open"):
        await gateway.get_customers(["C10001"])
    clock.now += 1
    assert gateway.breaker.state == "half_open"
    assert "C10001" in await gateway.get_customers(["C10001"])
    assert gateway.breaker.state == "closed"
    assert counting.calls["get_customers"] == 4
    await gateway.close()


async def test_a_failed_trial_opens_the_circuit_again(demo_erp: DemoErp) -> None:
    clock = Clock()
    gateway, counting = resilient(demo_erp, threshold=2, clock=clock)
    demo_erp.take_down()
    for _ in range(2):
        with pytest.raises(ErpUnavailable):
            await gateway.ping()
    clock.now += 30
    with pytest.raises(ErpUnavailable):
        await gateway.ping()  # the half-open trial reaches the ERP and fails
    assert counting.calls["ping"] == 3
    assert gateway.breaker.state == "open"
    await gateway.close()


async def test_a_call_that_hangs_times_out(demo_erp: DemoErp) -> None:
    counting = CountingGateway(demo_erp.adapter())
    gateway = ResilientGateway(counting, timeout=0.2, retries=0)
    locker = sqlite3.connect(demo_erp.path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # the ERP's database is locked by a long batch job
    try:
        with pytest.raises(ErpUnavailable, match=r"did not answer within 0\.2 s"):
            await gateway.get_customers(["C10001"])
    finally:
        locker.rollback()
        locker.close()
    assert "C10001" in await gateway.get_customers(["C10001"])
    await gateway.close()
