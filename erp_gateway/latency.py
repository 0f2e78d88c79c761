"""An ERP gateway wrapper that makes every call last a known time and counts the calls.

The benchmark puts it in front of the demo ERP so that "ERP latency" is a known quantity
(20 ms per call by default) and so that it can report ERP calls per request. A call lasts
``latency_s`` from the moment it is made, whatever the inner gateway's own work: the demo
ERP is a database read in this very process, and that work stands for what a remote ERP does
on its own machine during the call; the delay is the rest of the round trip. An inner call
that takes longer than ``latency_s`` lasts as long as it takes.

The call ends at its deadline, not up to a millisecond after it: asyncio's timers wake late by
up to the poller's resolution (epoll counts milliseconds), which a real ERP's answer, arriving
on a socket, does not. The wrapper sleeps until ``TIMER_SLACK_S`` before the deadline, then
yields to the loop (other requests run meanwhile) until the deadline has passed. The counts are
kept twice: ``calls`` for the life of the wrapper and, through ``erp_gateway.call_count``,
for the operation being served (see ``track_calls``).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, TypeVar

from erp_gateway.call_count import record_call

if TYPE_CHECKING:
    from collections.abc import Awaitable, Mapping, Sequence

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
        Page,
    )

DEFAULT_LATENCY_S = 0.020
TIMER_SLACK_S = 0.0015
"""How early the timer is set: more than the poller's millisecond rounding."""
T = TypeVar("T")


async def _until(deadline: float) -> None:
    """Return once ``time.monotonic()`` has passed ``deadline``, without the timer's lateness.

    The clock is the process's, not the loop's: uvloop's ``loop.time()`` counts whole
    milliseconds, as its timers do."""
    early = deadline - TIMER_SLACK_S - time.monotonic()
    if early > 0:
        await asyncio.sleep(early)
    while time.monotonic() < deadline:  # noqa: ASYNC110 - waiting on the clock itself
        await asyncio.sleep(0)


class LatencyErpGateway:
    """Delegates to ``inner`` after sleeping ``latency_s`` on every call (``close`` aside)."""

    def __init__(self, inner: ErpGateway, *, latency_s: float = DEFAULT_LATENCY_S) -> None:
        if latency_s < 0:
            raise ValueError("latency_s must not be negative")
        self._inner = inner
        self.latency_s = latency_s
        self.calls: Counter[str] = Counter()
        """Calls by method name since the wrapper was built."""

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    async def _call(self, method: str, call: Awaitable[T]) -> T:
        """``call``'s outcome, no sooner than ``latency_s`` after the call was made."""
        self.calls[method] += 1
        record_call()
        if self.latency_s <= 0:
            return await call
        done_at = time.monotonic() + self.latency_s
        try:
            result = await call
        except Exception:
            await _until(done_at)  # errors take the trip too
            raise
        await _until(done_at)
        return result

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        return await self._call("get_customers", self._inner.get_customers(numbers))

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        return await self._call("search_customers", self._inner.search_customers(query))

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        return await self._call(
            "update_address",
            self._inner.update_address(number, role, address, expected_version=expected_version),
        )

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        return await self._call(
            "create_customer", self._inner.create_customer(draft, idempotency_key=idempotency_key)
        )

    async def ping(self) -> None:
        await self._call("ping", self._inner.ping())

    async def close(self) -> None:
        await self._inner.close()
