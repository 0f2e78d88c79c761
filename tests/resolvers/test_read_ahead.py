"""``customer(number:)`` sends its ERP read before execution starts (``read_ahead.py``): once,
on both query paths, and only where its resolver is sure to make that very read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from api.settings import Settings
from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from resolvers.execution.executor import PlannedExecutor
from tests.resolvers.test_level_counts import seed_interactions
from tests.support.erp import CountingGateway, running_app
from tests.support.graphql import gql
from tests.support.security import bearer, make_api_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    import httpx

    from erp_gateway.records import ErpCustomer
    from tests.support.databases import Store
    from tests.support.erp import DemoErp

CUSTOMER = """
query One($number: String!) {
  customer(number: $number) {
    name
    interactions(first: 3) { totalCount edges { node { subject } } }
  }
}"""


@dataclass
class OrderingGateway(CountingGateway):
    """Notes in ``events`` when an ERP read is made."""

    events: list[str] = field(default_factory=list)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        self.events.append("erp read")
        return await super().get_customers(numbers)


@pytest.fixture
def ordering(demo_erp: DemoErp, monkeypatch: pytest.MonkeyPatch) -> OrderingGateway:
    """The demo ERP, with the ERP reads and the start of every execution noted in order."""
    gateway = OrderingGateway(demo_erp.adapter())
    execute_operation = PlannedExecutor.execute_operation

    def noted(self: PlannedExecutor, *args: Any, **kwargs: Any) -> Any:
        gateway.events.append("execution")
        return execute_operation(self, *args, **kwargs)

    monkeypatch.setattr(PlannedExecutor, "execute_operation", noted)
    return gateway


def settings_for(tmp_path: Path, demo_erp: DemoErp) -> Settings:
    return Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0)


async def post(
    client: httpx.AsyncClient,
    document: str,
    variables: dict[str, Any],
    *,
    plain: bool = True,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A query on the plain path, or (``plain=False``, asking for the GraphQL response media
    type) on strawberry's standard one."""
    wanted = dict(headers or {})
    if not plain:
        wanted["Accept"] = "application/graphql-response+json"
    response = await client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=wanted
    )
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("plain", [True, False], ids=["plain path", "standard path"])
async def test_the_erp_read_goes_out_before_execution_and_is_made_once(
    tmp_path: Path, demo_erp: DemoErp, store: Store, ordering: OrderingGateway, plain: bool
) -> None:
    await seed_interactions(store, ["C10007"], each=4)
    async with running_app(settings_for(tmp_path, demo_erp), store, ordering) as (client, _):
        with store.count_queries() as counter:
            body = await post(client, CUSTOMER, {"number": "C10007"}, plain=plain)
    customer = body["data"]["customer"]
    assert customer["name"]
    assert customer["interactions"]["totalCount"] == 4
    assert [e["node"]["subject"] for e in customer["interactions"]["edges"]] == [
        f"C10007 call {i}" for i in (3, 2, 1)
    ]
    assert ordering.events == ["erp read", "execution"]
    assert ordering.calls == {"get_customers": 1}
    assert counter.count == 1  # the interactions queued ahead are the page the field used


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (
            "query One($number: String!, $show: Boolean!) {"
            " customer(number: $number) @include(if: $show) { name } }",
            {"number": "C10007", "show": True},
        ),
        (
            "query One($number: String!) { ...Found }"
            " fragment Found on Query { customer(number: $number) { name } }",
            {"number": "C10007"},
        ),
    ],
    ids=["with a directive", "in a fragment"],
)
async def test_a_field_its_resolver_might_skip_is_read_when_it_runs(
    tmp_path: Path,
    demo_erp: DemoErp,
    store: Store,
    ordering: OrderingGateway,
    document: str,
    variables: dict[str, Any],
) -> None:
    async with running_app(settings_for(tmp_path, demo_erp), store, ordering) as (client, _):
        body = await gql(client, document, variables)
    assert body["data"]["customer"]["name"]
    assert ordering.events == ["execution", "erp read"]
    assert ordering.calls == {"get_customers": 1}


WITH_PAGE_SIZE = """
query One($number: String!, $last: Int!) {
  customer(number: $number) { name interactions(first: $last) { totalCount } }
}"""


async def test_a_refused_request_reads_nothing_ahead(
    tmp_path: Path, demo_erp: DemoErp, store: Store, ordering: OrderingGateway
) -> None:
    settings = settings_for(tmp_path, demo_erp).model_copy(update={"query_max_cost": 5})
    async with running_app(settings, store, ordering) as (client, _):
        too_costly = await post(client, CUSTOMER, {"number": "C10007"})
    async with running_app(settings_for(tmp_path, demo_erp), store, ordering) as (client, _):
        not_a_number = await post(client, CUSTOMER, {"number": 10007})
        bad_page_size = await post(client, WITH_PAGE_SIZE, {"number": "C10007", "last": "five"})
        no_page_size = await post(client, WITH_PAGE_SIZE, {"number": "C10007"})
    assert too_costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    for refused in (not_a_number, bad_page_size, no_page_size):
        assert refused["data"] is None
        assert "Variable" in refused["errors"][0]["message"]
    assert ordering.events == []


async def test_a_partners_customer_is_read_only_once_its_assignment_allows(
    tmp_path: Path, demo_erp: DemoErp, store: Store, ordering: OrderingGateway
) -> None:
    async with store.sessionmaker() as session:
        await PartnerAssignmentRepository(session).assign("C10007", "P1")
        await session.commit()
    key = await make_api_key(store, "partner", partner="P1")
    async with running_app(settings_for(tmp_path, demo_erp), store, ordering) as (client, _):
        mine = await post(client, CUSTOMER, {"number": "C10007"}, headers=bearer(key))
        theirs = await post(client, CUSTOMER, {"number": "C10008"}, headers=bearer(key))
    assert mine["data"]["customer"]["name"]
    assert theirs["data"] == {"customer": None}
    # no read ahead for a partner: the assignment is checked first, and C10008 is never read
    assert ordering.events == ["execution", "erp read", "execution"]
    assert ordering.calls == {"get_customers": 1}
