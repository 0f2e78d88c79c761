"""Exact ERP calls and SQL statements per query level (issue 10, scenario 1), and the CRM
query of ``customer(number)`` running while its ERP call is in flight (scenario 2)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from api.settings import Settings
from tests.support.crm import customer_calls
from tests.support.erp import CountingGateway, running_app
from tests.support.graphql import gql

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from erp_gateway.records import ErpCustomer
    from tests.support.databases import QueryCounter, Store
    from tests.support.erp import DemoErp

PAGE = """
query Page($first: Int!) {
  customers(first: $first) {
    totalCount
    edges { node {
      id number name taxId creditHold creditHoldReason creditLimit { amount currency }
      paymentTerms balance { amount currency } email
      billingAddress { street city postalCode region country }
      shippingAddress { street city postalCode region country }
      address(role: SHIPPING) { city }
      erpFetchedAt erpStale erpVersion
      interactions(first: 5) { totalCount edges { node { id subject occurredAt } } }
    } }
  }
}"""

CUSTOMER = """
query One($number: String!) {
  customer(number: $number) {
    name creditLimit { amount }
    interactions(first: 5) { totalCount edges { node { subject } } }
  }
}"""


def settings_for(tmp_path: Path, demo_erp: DemoErp) -> Settings:
    return Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0)


async def seed_interactions(store: Store, numbers: Sequence[str], each: int) -> None:
    async with store.sessionmaker() as session:
        for number in numbers:
            session.add_all(customer_calls(number, each))
        await session.commit()


async def test_a_page_of_100_customers_costs_one_erp_call_and_one_sql_statement(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    numbers = [f"C{10001 + i}" for i in range(100)]
    await seed_interactions(store, numbers[::3], each=7)  # 34 customers with 7 each
    counting = CountingGateway(demo_erp.adapter())
    async with running_app(settings_for(tmp_path, demo_erp), store, counting) as (client, _):
        with store.count_queries() as uncached:
            body = await gql(client, PAGE, {"first": 100})
        edges = body["data"]["customers"]["edges"]
        assert [e["node"]["number"] for e in edges] == numbers
        assert all(e["node"]["name"] and e["node"]["erpVersion"] for e in edges)
        with_history = edges[0]["node"]["interactions"]
        assert with_history["totalCount"] == 7
        assert [e["node"]["subject"] for e in with_history["edges"]] == [
            f"C10001 call {i}" for i in (6, 5, 4, 3, 2)
        ]
        assert edges[1]["node"]["interactions"] == {"totalCount": 0, "edges": []}
        # The page's one search brings every record: no per-customer ERP call.
        assert counting.calls == {"search_customers": 1}
        # One statement for the interactions of all 100 (pages and totals together).
        assert uncached.count == 1, "\n".join(uncached.statements)

        with store.count_queries() as cached:
            again = await gql(client, PAGE, {"first": 100})
        assert again["data"] == body["data"]
        assert counting.calls == {"search_customers": 1}  # cached: zero ERP calls
        assert cached.count == 1, "\n".join(cached.statements)


async def test_sql_statements_do_not_grow_with_the_page(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    await seed_interactions(store, ["C10001", "C10150"], each=2)
    counting = CountingGateway(demo_erp.adapter())
    async with running_app(settings_for(tmp_path, demo_erp), store, counting) as (client, _):
        counts = []
        for size in (10, 150):  # 150: under the default query cost limit
            with store.count_queries() as counter:
                body = await gql(client, PAGE, {"first": size})
            assert len(body["data"]["customers"]["edges"]) == size
            counts.append(counter.count)
    assert counts == [1, 1]
    assert counting.calls == {"search_customers": 2}


async def test_customers_by_number_in_one_level_cost_one_get_customers_call(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    await seed_interactions(store, ["C10002"], each=3)
    aliases = " ".join(
        f'c{i}: customer(number: "C{10001 + i}") {{ name balance {{ amount }} '
        "interactions(first: 5) { totalCount } }"
        for i in range(10)
    )
    counting = CountingGateway(demo_erp.adapter())
    async with running_app(settings_for(tmp_path, demo_erp), store, counting) as (client, _):
        with store.count_queries() as counter:
            body = await gql(client, "{ " + aliases + " }")
        assert body["data"]["c1"]["interactions"]["totalCount"] == 3
        assert all(body["data"][f"c{i}"]["name"] for i in range(10))
        assert counting.calls == {"get_customers": 1}
        assert counting.batches == [tuple(f"C{10001 + i}" for i in range(10))]
        assert counter.count == 1, "\n".join(counter.statements)
        await gql(client, "{ " + aliases + " }")
    assert counting.calls == {"get_customers": 1}  # cached: zero ERP calls


@dataclass
class WatchingGateway(CountingGateway):
    """Holds every ``get_customers`` call until the CRM store has run a statement (or 1.5 s
    pass), and notes whether it had: the CRM query ran while the ERP call was in flight."""

    counter: QueryCounter | None = None
    sql_during_erp_call: list[bool] = field(default_factory=list)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 1.5  # under the ERP timeout (2 s)
        # The counter is filled by a synchronous engine event: nothing to wait on but itself.
        while (self.counter is None or self.counter.count == 0) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        self.sql_during_erp_call.append(self.counter is not None and self.counter.count > 0)
        return await super().get_customers(numbers)


CUSTOMER_BY_FRAGMENT = """
query One($number: String!, $last: Int) {
  customer(number: $number) { ...History }
}
fragment History on Customer {
  name creditLimit { amount }
  ... on Customer { interactions(first: $last) { totalCount edges { node { subject } } } }
}"""


@pytest.mark.parametrize(
    ("document", "variables"),
    [(CUSTOMER, {}), (CUSTOMER_BY_FRAGMENT, {"last": 5})],
    ids=["literal", "fragment-and-variable"],
)
async def test_the_crm_query_runs_while_the_erp_call_is_in_flight(
    tmp_path: Path, demo_erp: DemoErp, store: Store, document: str, variables: dict[str, int]
) -> None:
    await seed_interactions(store, ["C10007"], each=6)
    watching = WatchingGateway(demo_erp.adapter())
    async with running_app(settings_for(tmp_path, demo_erp), store, watching) as (client, _):
        with store.count_queries() as counter:
            watching.counter = counter
            body = await gql(client, document, {"number": "C10007", **variables})
    customer = body["data"]["customer"]
    assert customer["name"]
    assert customer["interactions"]["totalCount"] == 6
    assert [e["node"]["subject"] for e in customer["interactions"]["edges"]] == [
        f"C10007 call {i}" for i in (5, 4, 3, 2, 1)
    ]
    assert watching.calls == {"get_customers": 1}
    assert watching.sql_during_erp_call == [True]
    assert counter.count == 1  # the prefetched page is the one the field used


async def test_an_unknown_customer_is_null_even_with_its_interactions_prefetched(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    counting = CountingGateway(demo_erp.adapter())
    async with running_app(settings_for(tmp_path, demo_erp), store, counting) as (client, _):
        body = await gql(client, CUSTOMER, {"number": "C99999"})
        assert body["data"] == {"customer": None}
        bad = await gql(
            client,
            '{ customer(number: "C10001") { interactions(first: 0) { totalCount } } }',
            expect_errors=True,
        )
    assert bad["errors"][0]["path"] == ["customer", "interactions"]
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
