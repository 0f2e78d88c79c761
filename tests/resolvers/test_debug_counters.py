"""``extensions.counters``: exact ERP calls and SQL statements of one operation."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from sqlalchemy import text

from api.settings import Settings
from bench.baselines.data import demo_customers
from bench.baselines.memory_erp import InMemoryErpGateway
from crm_store.statement_count import install_statement_counter
from crm_store.unit_of_work import UnitOfWork
from erp_gateway.latency import LatencyErpGateway
from resolvers.context import Context, Info
from resolvers.debug_counters import DebugCounters
from resolvers.loaders import Loaders
from resolvers.schema import extensions
from tests.support.databases import Store
from tests.support.erp import running_app
from tests.support.graphql import gql

ERP = LatencyErpGateway(InMemoryErpGateway(demo_customers()), latency_s=0)


@strawberry.type
class Query:
    @strawberry.field
    async def rows(self, info: Info, times: int) -> int:
        total = 0
        for _ in range(times):
            async with info.context.uow.session() as session:
                total += (await session.execute(text("SELECT 1"))).scalar_one()
        return total

    @strawberry.field
    async def erp(self, numbers: list[str]) -> int:
        found = 0
        for number in numbers:
            found += len(await ERP.get_customers([number]))
        return found


schema = strawberry.Schema(query=Query, extensions=[*extensions(), DebugCounters])


async def _run(store: Store, document: str) -> Any:
    uow = UnitOfWork(store.sessionmaker)
    context = Context(
        request=None,  # type: ignore[arg-type]
        response=None,
        request_id="req-1",
        uow=uow,
        loaders=Loaders.create(uow=uow),
    )
    return await schema.execute(document, context_value=context)


async def test_counts_the_statements_and_erp_calls_of_one_operation(store: Store) -> None:
    install_statement_counter(store.engine)
    result = await _run(store, '{ rows(times: 3) erp(numbers: ["C00001", "C00002", "X"]) }')
    assert result.errors is None
    assert result.data == {"rows": 3, "erp": 2}
    assert result.extensions["counters"] == {"erpCalls": 3, "sqlStatements": 3}


async def test_each_operation_has_its_own_tally(store: Store) -> None:
    install_statement_counter(store.engine)
    first = await _run(store, "{ rows(times: 2) }")
    second = await _run(store, '{ erp(numbers: ["C00001"]) }')
    assert first.extensions["counters"] == {"erpCalls": 0, "sqlStatements": 2}
    assert second.extensions["counters"] == {"erpCalls": 1, "sqlStatements": 0}


@pytest.mark.parametrize("enabled", [True, False])
async def test_the_setting_adds_the_counters_to_http_answers(
    enabled: bool, settings: Settings, store: Store
) -> None:
    configured = settings.model_copy(update={"debug_counters": enabled})
    async with running_app(configured, store) as (client, _):
        body = await gql(client, "query Q { apiVersion }")
    extensions_ = body.get("extensions") or {}
    if enabled:
        assert extensions_["counters"] == {"erpCalls": 0, "sqlStatements": 0}
    else:
        assert "counters" not in extensions_
