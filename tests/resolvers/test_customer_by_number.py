"""``customer_by_number``: every Customer of a level loads in one ERP call.

Other domains build customers from a number only (``Customer.from_number``: an interaction's
customer, a payment's customer); a tiny schema here lists such customers the same way. The
CRM half of the proof (interactions per level in one SQL query) belongs to the CRM's tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import strawberry
from starlette.requests import Request

from crm_store.unit_of_work import UnitOfWork
from erp_gateway.caching import CachingGateway
from erp_gateway.factory import build_cache
from resolvers.context import Context
from resolvers.customers.erp_access import ErpAccess
from resolvers.customers.types import Customer
from resolvers.loaders import Loaders
from resolvers.principal import Principal, PrincipalKind, Role
from tests.support.erp import CountingGateway

if TYPE_CHECKING:
    from tests.support.databases import Store
    from tests.support.erp import DemoErp

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


@strawberry.type
class ListingQuery:
    @strawberry.field
    def listed(self, numbers: list[str]) -> list[Customer]:
        return [Customer.from_number(n) for n in numbers]


SCHEMA = strawberry.federation.Schema(query=ListingQuery)  # Customer is a federation entity
ADMIN = Principal(
    kind=PrincipalKind.SERVICE, subject="test", name="test", roles=frozenset({Role.ADMIN})
)
DOCUMENT = """query($numbers: [String!]!) { listed(numbers: $numbers) {
  number name taxId creditHold creditHoldReason creditLimit { amount currency } paymentTerms
  balance { amount currency } email billingAddress { city } shippingAddress { city }
  erpFetchedAt erpStale erpVersion } }"""


def context(store: Store, gateway: CachingGateway) -> Context:
    uow = UnitOfWork(store.sessionmaker)
    erp = ErpAccess(gateway=gateway)
    request = Request({"type": "http", "method": "POST", "headers": [], "path": "/graphql"})
    return Context(
        request=request,
        response=None,
        request_id="test",
        uow=uow,
        loaders=Loaders.create(uow=uow, erp=erp),
        erp=erp,
        extensions=erp.extensions,
        principal=ADMIN,  # reads every field, credit ones included
    )


async def test_a_hundred_customers_cost_one_erp_call_then_none_when_cached(
    store: Store, demo_erp: DemoErp, cache_namespace: str
) -> None:
    counting = CountingGateway(demo_erp.adapter())
    gateway = CachingGateway(counting, build_cache(None, cache_namespace))
    numbers = [f"C{n}" for n in range(10101, 10201)]
    try:
        first = await SCHEMA.execute(
            DOCUMENT, variable_values={"numbers": numbers}, context_value=context(store, gateway)
        )
        assert first.errors is None
        assert counting.calls["get_customers"] == 1
        assert sorted(counting.batches[0]) == numbers
        assert [c["number"] for c in first.data["listed"]] == numbers  # type: ignore[index]
        assert all(c["name"] and c["billingAddress"] for c in first.data["listed"])  # type: ignore[index]

        second = await SCHEMA.execute(
            DOCUMENT, variable_values={"numbers": numbers}, context_value=context(store, gateway)
        )
        assert second.errors is None
        assert counting.calls["get_customers"] == 1  # all from the cache
        assert second.data == first.data
    finally:
        await gateway.close()
