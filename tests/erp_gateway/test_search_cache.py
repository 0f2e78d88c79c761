"""Remembered searches: a repeated page costs no ERP call; a changed customer, the TTL or a
live read sends the search to the ERP again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from erp_gateway.caching import CachingGateway
from erp_gateway.factory import build_cache
from erp_gateway.records import Address, AddressRole, CustomerQuery
from erp_gateway.resilience import ResilientGateway
from tests.erp_gateway.test_caching import Clock
from tests.support.erp import CountingGateway

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.support.erp import DemoErp

PAGE = CustomerQuery(limit=20)


@pytest.fixture
async def counting(demo_erp: DemoErp) -> CountingGateway:
    return CountingGateway(demo_erp.adapter())


@pytest.fixture
async def cached(
    counting: CountingGateway, cache_namespace: str
) -> AsyncIterator[tuple[CachingGateway, Clock]]:
    clock = Clock()
    gateway = CachingGateway(
        ResilientGateway(counting, retries=0),
        build_cache(None, cache_namespace),
        ttl=30,
        clock=clock,
    )
    yield gateway, clock
    await gateway.close()


async def test_a_repeated_page_is_served_from_the_cache(
    cached: tuple[CachingGateway, Clock], counting: CountingGateway
) -> None:
    gateway, _ = cached
    first = await gateway.search_customers(PAGE)
    second = await gateway.search_customers(PAGE)
    assert counting.calls == {"search_customers": 1}
    assert second == first
    await gateway.search_customers(CustomerQuery(limit=20, after=first.items[-1].number))
    assert counting.calls == {"search_customers": 2}  # another page is another search


async def test_a_change_the_erp_announces_is_never_served_from_a_remembered_page(
    cached: tuple[CachingGateway, Clock], counting: CountingGateway
) -> None:
    gateway, _ = cached
    before = await gateway.search_customers(PAGE)
    target = before.items[3]
    moved = Address(street="Neue Strasse 1", city="Bern", postal_code="3000", country="CH")
    await gateway.update_address(target.number, AddressRole.BILLING, moved)
    after = await gateway.search_customers(PAGE)
    assert counting.calls["search_customers"] == 2
    changed = next(r for r in after.items if r.number == target.number)
    assert changed.billing_address is not None
    assert changed.billing_address.city == "Bern"
    await gateway.invalidate(["C99999"])  # any invalidation forgets every remembered page
    await gateway.search_customers(PAGE)
    assert counting.calls["search_customers"] == 3


async def test_the_ttl_and_live_reads_go_to_the_erp(
    cached: tuple[CachingGateway, Clock], counting: CountingGateway
) -> None:
    gateway, clock = cached
    await gateway.search_customers(PAGE)
    await gateway.search_customers(PAGE, live=True)
    assert counting.calls == {"search_customers": 2}
    clock.now += 29
    await gateway.search_customers(PAGE)
    assert counting.calls == {"search_customers": 2}
    clock.now += 31
    await gateway.search_customers(PAGE)
    assert counting.calls == {"search_customers": 3}
