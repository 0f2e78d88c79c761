"""How fresh a customer is: the record plus whether it came from the cache after a failure.

``ErpCustomer`` stays a frozen record of what the ERP said; staleness is a fact about how
Frontdesk got it, so it travels alongside in ``Fetched``. ``read_customers`` works on any
gateway: the caching wrapper reports staleness, a bare adapter is always live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Protocol, cast

from erp_gateway.errors import ErpUnavailable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import CustomerQuery, ErpCustomer, Page


@dataclass(frozen=True, slots=True)
class Fetched:
    record: ErpCustomer
    stale: bool = False
    """True when served from the cache because the ERP could not answer."""


@dataclass(slots=True)
class Reads:
    """The outcome of reading a batch: found, unavailable, and (implicitly) absent numbers."""

    found: dict[str, Fetched] = field(default_factory=dict)
    unavailable: dict[str, ErpUnavailable] = field(default_factory=dict)


class FreshnessAware(Protocol):
    async def read_customers(self, numbers: Sequence[str], *, live: bool = False) -> Reads:
        """Read a batch; ``live`` bypasses the cache and never serves stale copies."""
        ...

    async def search_customers(
        self, query: CustomerQuery, *, live: bool = False
    ) -> Page[ErpCustomer]:
        """A page of a search; ``live`` asks the ERP whatever the cache holds."""
        ...


FRESHNESS_METHODS = ("read_customers", "search_customers")


@cache
def _freshness_aware(kind: type) -> bool:
    """Whether gateways of type ``kind`` are ``FreshnessAware``, decided once per type: a
    runtime protocol check walks the protocol's members on every call (~0.1 ms each)."""
    return all(callable(getattr(kind, name, None)) for name in FRESHNESS_METHODS)


async def read_customers(gateway: ErpGateway, numbers: Sequence[str], *, live: bool) -> Reads:
    """Read through ``gateway``, with staleness when it can tell."""
    if _freshness_aware(type(gateway)):
        return await cast("FreshnessAware", gateway).read_customers(numbers, live=live)
    try:
        found = await gateway.get_customers(numbers)
    except ErpUnavailable as exc:
        return Reads(unavailable=dict.fromkeys(numbers, exc))
    return Reads(found={n: Fetched(r) for n, r in found.items()})


async def search_customers(
    gateway: ErpGateway, query: CustomerQuery, *, live: bool
) -> Page[ErpCustomer]:
    """Search through ``gateway``, from its cache when it has one and ``live`` is false."""
    if _freshness_aware(type(gateway)):
        return await cast("FreshnessAware", gateway).search_customers(query, live=live)
    return await gateway.search_customers(query)
