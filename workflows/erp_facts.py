"""Live ERP facts for rules that decide on them: read through the gateway, never the cache.

A rule that needs the ERP (no won deal for a customer on credit hold) must not decide on a
cached or stale copy, so it reads with ``live=True``: the caching wrapper goes to the ERP,
and a failure is reported as unavailable rather than answered from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from erp_gateway.freshness import read_customers

if TYPE_CHECKING:
    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer


@dataclass(frozen=True, slots=True)
class LiveCustomer:
    """What the ERP said just now: the record, or none (absent), or that it did not answer."""

    record: ErpCustomer | None = None
    unavailable: bool = False


async def read_live_customer(gateway: ErpGateway | None, number: str) -> LiveCustomer:
    if gateway is None:
        return LiveCustomer(unavailable=True)
    reads = await read_customers(gateway, [number], live=True)
    if number in reads.unavailable:
        return LiveCustomer(unavailable=True)
    found = reads.found.get(number)
    if found is None:
        return LiveCustomer()
    if found.stale:  # never decide on a stale copy
        return LiveCustomer(unavailable=True)
    return LiveCustomer(record=found.record)
