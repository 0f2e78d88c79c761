"""An ERP gateway wrapper that adds a fixed delay to every call and counts the calls.

The benchmark puts it in front of the demo ERP so that "ERP latency" is a known quantity
(20 ms per call by default) and so that it can report ERP calls per request. The counts are
kept twice: ``calls`` for the life of the wrapper and, through ``erp_gateway.call_count``,
for the operation being served (see ``track_calls``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

from erp_gateway.call_count import record_call

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

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

    async def _enter(self, method: str) -> None:
        self.calls[method] += 1
        record_call()
        if self.latency_s > 0:
            await asyncio.sleep(self.latency_s)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        await self._enter("get_customers")
        return await self._inner.get_customers(numbers)

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        await self._enter("search_customers")
        return await self._inner.search_customers(query)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        await self._enter("update_address")
        return await self._inner.update_address(
            number, role, address, expected_version=expected_version
        )

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        await self._enter("create_customer")
        return await self._inner.create_customer(draft, idempotency_key=idempotency_key)

    async def ping(self) -> None:
        await self._enter("ping")
        await self._inner.ping()

    async def close(self) -> None:
        await self._inner.close()
