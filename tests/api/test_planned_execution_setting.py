"""``FRONTDESK_PLANNED_EXECUTION``: the switch between the planned executor and
graphql-core's; both answer the same, only the executor class differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from api.app import create_app
from api.settings import Settings
from resolvers.execution import PlannedExecutor
from tests.support.graphql import gql
from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.databases import Store
    from tests.support.erp import DemoErp
    from tests.support.security import AppWith

QUERY = """
query($first: Int!) {
  customers(first: $first) {
    edges { cursor node { number name creditLimit { amount currency } billingAddress { city }
                          interactions(first: 2) { totalCount edges { node { kind } } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_both_executors_answer_the_same(
    app_with: AppWith, store: Store, demo_erp: DemoErp, tmp_path: Path
) -> None:
    key = await make_api_key(store, "admin")
    answers = {}
    for planned in (True, False):
        app = await app_with(erp_sql_url=demo_erp.url, planned_execution=planned)
        async with http_client(app, key) as http:
            answers[planned] = await gql(http, QUERY, {"first": 5})
    assert answers[True]["data"] == answers[False]["data"]  # extensions carry fetch times
    for planned in (True, False):
        built = create_app(Settings(data_dir=tmp_path, planned_execution=planned))
        view = next(route for route in built.routes if getattr(route, "path", "") == "/graphql")
        schema = view.endpoint.schema  # type: ignore[attr-defined]
        assert (schema.execution_context_class is PlannedExecutor) is planned
    assert len(answers[True]["data"]["customers"]["edges"]) == 5


def test_the_plain_query_path_can_be_switched_off(tmp_path: Path) -> None:
    for plain in (True, False):
        built = create_app(Settings(data_dir=tmp_path, plain_queries=plain))
        view = next(route for route in built.routes if getattr(route, "path", "") == "/graphql")
        assert view.endpoint.plain_queries.usable is plain  # type: ignore[attr-defined]
