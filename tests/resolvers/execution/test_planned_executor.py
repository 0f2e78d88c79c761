"""What the planned executor plans, what it leaves to graphql-core, how its plans are kept,
and that the differential harness does catch an executor that answers differently."""

from __future__ import annotations

import asyncio
import gc
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from graphql import parse
from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from structlog.testing import capture_logs

from resolvers.execution import PlannedExecutor
from resolvers.execution import executor as executor_module
from resolvers.execution.cache import PlanCache, condition_variables
from resolvers.execution.compiled import source_of
from resolvers.execution.plan import AT_HAND, ATTRIBUTE, BATCHED, RESOLVER, Compiler, ObjectPlan
from resolvers.schema import build_schema
from tests.resolvers.execution.edge_schema import edge_schema
from tests.resolvers.execution.test_edge_cases import assert_same, run
from tests.support.differential import Differential, RecordingExecutor

if TYPE_CHECKING:
    from tests.resolvers.execution.conftest import Seeded

ON_SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
PAGE = (Path(__file__).parents[3] / "bench" / "queries" / "customers_page.graphql").read_text()
CUSTOMER = """query($number: String!) {
  customer(number: $number) { id number name creditLimit { amount } billingAddress { city }
    erpStale interactions(first: 2) { edges { node { kind subject } } } } }"""


CUSTOMER_PAGES = """query($first: Int, $after: String, $kind: InteractionKind, $since: DateTime) {
  customers(first: 6) { edges { node { number
    interactions(first: $first, after: $after, kind: $kind, since: $since) {
      totalCount edges { cursor node { id kind subject occurredAt } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } }"""
CONTACT_PAGES = """query($first: Int, $after: String) {
  customer(number: "C10001") { number contacts { name
    interactions(first: $first, after: $after) { totalCount edges { cursor node { subject } } }
  } } }"""
LEAD_PAGES = """query($first: Int, $after: String) {
  leads(first: 6) { edges { node { name
    interactions(first: $first, after: $after) { totalCount edges { cursor node { kind } } }
  } } } }"""
NOT_A_CURSOR = "bm9wZQ"  # base64 of "nope"


def _codes(answer: bytes) -> dict[tuple[Any, ...], str]:
    body = json.loads(answer)
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


@ON_SQLITE
async def test_a_page_runs_planned_and_keeps_forbidden_fields_to_their_path(
    seeded: Seeded,
) -> None:
    variables = {"first": 20, "interactions": 5}
    _, planned = await seeded.up.compare(PAGE, variables, principal="sales")
    seeded.assert_no_mismatch()
    assert planned.planned
    edges = json.loads(planned.body)["data"]["customers"]["edges"]
    assert len(edges) == 20
    assert all(edge["node"]["creditLimit"] is None for edge in edges)
    assert all(edge["node"]["name"] and edge["node"]["creditHold"] is not None for edge in edges)
    codes = _codes(planned.body)
    assert codes[("customers", "edges", 0, "node", "creditLimit")] == "FORBIDDEN"
    assert set(codes.values()) == {"FORBIDDEN"}
    assert {path[-1] for path in codes} == {"creditLimit", "paymentTerms", "balance"}


@ON_SQLITE
async def test_an_answered_page_leaves_its_context_to_reference_counting(seeded: Seeded) -> None:
    """Nothing of an answered operation waits for the cycle collector: not the executor,
    not the context, not what its loaders read (a page's records, a thousand objects)."""
    client = seeded.up.clients["admin"]
    payload = {"query": PAGE, "variables": {"first": 20, "interactions": 5}}
    for _ in range(PlannedExecutor.compile_after + 1):  # warm, and the plan written out
        assert (await client.post("/graphql", json=payload)).status_code == 200
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = await client.post("/graphql", json=payload)
        await asyncio.sleep(0.05)  # the session is closed after the response
        gc.collect()
        left = {type(found).__name__ for found in gc.garbage}
        executors = [found for found in gc.garbage if isinstance(found, PlannedExecutor)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert response.status_code == 200
    assert len(json.loads(response.content)["data"]["customers"]["edges"]) == 20
    assert not executors
    assert not left & {"Context", "Loaders", "InteractionSlice"}


@ON_SQLITE
async def test_erp_fields_of_a_customer_without_its_record_report_the_erp_down(
    seeded: Seeded,
) -> None:
    _, planned = await seeded.down.compare(CUSTOMER, {"number": "C10001"})
    seeded.assert_no_mismatch()
    assert planned.planned
    customer = json.loads(planned.body)["data"]["customer"]
    assert customer["number"] == "C10001"
    assert customer["interactions"]["edges"]  # the CRM half answers
    assert customer["erpStale"] is False
    assert _codes(planned.body) == {
        ("customer", "name"): "ERP_UNAVAILABLE",
        ("customer", "creditLimit"): "ERP_UNAVAILABLE",
        ("customer", "billingAddress"): "ERP_UNAVAILABLE",
    }


@ON_SQLITE
async def test_mutations_and_subscriptions_are_left_to_graphql_core(seeded: Seeded) -> None:
    mutation = """mutation($input: CreateLeadInput!) {
      createLead(input: $input) { lead { name } userErrors { code } } }"""
    answer = await seeded.up.answer(
        RecordingExecutor, "admin", mutation, {"input": {"name": "Ada"}}, None
    )
    assert answer.planned is False
    assert json.loads(answer.body)["data"]["createLead"]["lead"] == {"name": "Ada"}


@ON_SQLITE
async def test_introspection_answers_as_graphql_core(seeded: Seeded) -> None:
    document = """{ __schema { queryType { name } types { name kind } }
      __type(name: "Customer") { fields { name type { name ofType { name } } } }
      customer(number: "C10001") { __typename number } }"""
    _, planned = await seeded.up.compare(document)
    seeded.assert_no_mismatch()
    assert planned.planned  # planned, with __schema and __type run by graphql-core


class _CountingBatches(RecordingExecutor):
    """The planned executor, counting the list levels that answered a field at once."""

    batches: ClassVar[int] = 0

    def _finish_batch(self, *args: Any) -> Any:
        _CountingBatches.batches += 1
        return super()._finish_batch(*args)


@ON_SQLITE
async def test_interactions_of_a_list_answer_at_once_as_graphql_core_would(
    seeded: Seeded,
) -> None:
    up = Differential(seeded.up.schema, seeded.up.clients, planned_executor=_CountingBatches)
    down = Differential(seeded.down.schema, seeded.down.clients, planned_executor=_CountingBatches)
    first_page, _ = await up.compare(CUSTOMER_PAGES, {"first": 2})
    edges = json.loads(first_page.body)["data"]["customers"]["edges"]
    cursor = edges[0]["node"]["interactions"]["pageInfo"]["endCursor"]
    assert cursor is not None
    variable_sets: list[dict[str, Any]] = [
        {"first": 2},
        {"first": 2, "after": cursor},  # a real cursor, used on every customer
        {"first": 2, "after": NOT_A_CURSOR},
        {"first": 0},
        {"first": 3, "kind": "CALL"},
        {"since": "2024-01-01T00:00:00"},  # no offset: refused
        {},
    ]
    before = _CountingBatches.batches
    for document in (CUSTOMER_PAGES, CONTACT_PAGES, LEAD_PAGES):
        for variables in variable_sets:
            if document is not CUSTOMER_PAGES:
                variables = {k: v for k, v in variables.items() if k in ("first", "after")}
            for principal in sorted(up.clients):
                await up.compare(document, variables, principal=principal)
            for principal in ("admin", "partner"):
                await down.compare(document, variables, principal=principal)
    up.assert_no_mismatch()
    down.assert_no_mismatch()
    assert _CountingBatches.batches > before  # the batched path answered, not the resolvers
    refused = await up.assert_same(CUSTOMER_PAGES, {"first": 2, "after": NOT_A_CURSOR})
    body = json.loads(refused.body)
    assert body["data"] is None  # non-null all the way up: the first error nulls the page
    assert [(e["message"], e["path"]) for e in body["errors"]] == [
        (
            "`after` is not a cursor this list gave out",
            ["customers", "edges", 0, "node", "interactions"],
        )
    ]


class _PermissionBlind(RecordingExecutor):
    """Broken on purpose: reads declared values without asking the permission classes."""

    def _allowed(self, field: Any) -> bool:
        return True


class _NullTolerant(PlannedExecutor):
    """Broken on purpose: lets null through where the type says non-null."""

    def _complete(self, completion: Any, field: Any, result: Any, path: Any, info: Any) -> Any:
        if result is None:
            return None
        return super()._complete(completion, field, result, path, info)


@ON_SQLITE
async def test_the_harness_catches_a_field_leaked_past_its_permission(seeded: Seeded) -> None:
    broken = Differential(seeded.up.schema, seeded.up.clients, planned_executor=_PermissionBlind)
    await broken.compare(PAGE, {"first": 3, "interactions": 1}, principal="marketing")
    (mismatch,) = broken.mismatches
    assert set(_codes(mismatch.reference.body).values()) == {"FORBIDDEN"}
    assert _codes(mismatch.planned.body) == {}  # marketing would have read the credit limit


async def test_the_harness_catches_null_let_through_a_non_null_field() -> None:
    document = "{ items(first: 5) { number must } }"
    reference = await run(
        edge_schema(StrawberryGraphQLCoreExecutionContext), document, None, deny=False
    )
    broken = await run(edge_schema(_NullTolerant), document, None, deny=False)
    assert broken != reference
    assert reference["data"] == "null"


async def test_a_plan_is_kept_per_value_of_the_variables_directives_read() -> None:
    document = """query($with: Boolean!, $first: Int!) {
      items(first: $first) { number name @include(if: $with) ... @skip(if: $with) { color } } }"""
    for with_name in (True, False, True):
        for first in (1, 3):
            await assert_same(document, {"with": with_name, "first": first})
    schema = edge_schema(PlannedExecutor)
    await schema.execute(document, variable_values={"with": True, "first": 1})
    await schema.execute(document, variable_values={"with": True, "first": 2})
    await schema.execute(document, variable_values={"with": False, "first": 2})
    cache = PlannedExecutor.plan_caches[schema._schema]
    assert len(cache) == 1
    (entry,) = cache._operations.values()
    assert entry.conditions == ("with",)
    assert len(entry.plans) == 2


def test_a_page_reads_its_fields_without_resolvers_where_it_can() -> None:
    """The benchmark's page: attributes and declared reads, resolvers only where needed."""
    schema = build_schema()._schema
    executor = Executor.build(
        schema, parse(PAGE), raw_variable_values={"first": 100, "interactions": 5}
    )
    assert isinstance(executor, Executor)
    plan = Compiler(schema, executor.fragments, executor.variable_values, executor.operation).root()
    kinds: dict[str, int] = {}

    def walk(object_plan: ObjectPlan, prefix: str) -> None:
        for field in object_plan.fields:
            name = f"{prefix}{field.response_name}"
            kinds[name] = field.kind
            completion = field.completion
            while completion is not None and completion.item is not None:
                completion = completion.item
            if completion is not None and completion.plan is not None:
                walk(completion.plan, f"{name}.")

    walk(plan, "")
    node = "customers.edges.node."
    assert kinds["customers"] == RESOLVER
    assert kinds[f"{node}interactions"] == BATCHED  # one load_many for the page's customers
    assert {kinds[f"{node}{name}"] for name in ("id", "number")} == {ATTRIBUTE}
    erp_fields = ("name", "taxId", "creditHold", "creditLimit", "paymentTerms", "balance")
    erp_fields += ("email", "billingAddress", "shippingAddress", "erpFetchedAt", "erpStale")
    assert {kinds[f"{node}{name}"] for name in erp_fields} == {AT_HAND}
    assert kinds[f"{node}interactions.edges.node.occurredAt"] == ATTRIBUTE


async def test_a_plan_runs_field_by_field_until_it_is_hot_then_written_out() -> None:
    document = "{ items(first: 3) { number color wrapped { label item { name } } } }"
    schema = edge_schema(PlannedExecutor)
    reference = await run(
        edge_schema(StrawberryGraphQLCoreExecutionContext), document, None, deny=False
    )
    written: list[bool] = []
    for _ in range(PlannedExecutor.compile_after + 2):
        assert await run(schema, document, None, deny=False) == reference
        (entry,) = PlannedExecutor.plan_caches[schema._schema]._operations.values()
        (plan,) = entry.plans.values()
        assert plan is not None
        written.append(plan.run is not None)
    assert written == [False] * PlannedExecutor.compile_after + [True, True]
    source = source_of(plan)
    assert source.startswith("def run(self, source, path):")
    assert "# Query.items" in source
    # the same selection in another document shares the compiled code, not the constants
    other = "query Other { items(first: 3) { number color wrapped { label item { name } } } }"
    for _ in range(PlannedExecutor.compile_after + 1):
        await run(schema, other, None, deny=False)
    plans = [
        entry.plans[()]
        for entry in PlannedExecutor.plan_caches[schema._schema]._operations.values()
    ]
    first, second = (found.run for found in plans)  # type: ignore[union-attr]
    assert first is not second
    assert first.__code__ is second.__code__  # type: ignore[union-attr]


async def test_a_plan_whose_loops_cannot_be_written_stays_field_by_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(plan: ObjectPlan) -> None:
        raise SyntaxError("cannot be written")

    monkeypatch.setattr(executor_module, "compile_plan", refuse)
    document = "{ items(first: 2) { number name } }"
    schema = edge_schema(RecordingExecutor)  # written out from the first run
    reference = await run(
        edge_schema(StrawberryGraphQLCoreExecutionContext), document, None, deny=False
    )
    with capture_logs() as logs:
        for _ in range(3):
            assert await run(schema, document, None, deny=False) == reference
            assert RecordingExecutor.outcomes[-1] is True  # planned, only not written out
    (entry,) = PlannedExecutor.plan_caches[schema._schema]._operations.values()
    (plan,) = entry.plans.values()
    assert plan is not None
    assert plan.run is None
    # tried once: a plan that cannot be written is not tried again on every request
    assert [log["event"] for log in logs] == [
        "query plan could not be compiled; it runs interpreted"
    ]


def test_the_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    cache = PlanCache(maxsize=2)
    operations = [parse(f"{{ a{i} }}").definitions[0] for i in range(3)]
    compiled: list[int] = []

    def compile_for(index: int) -> Any:
        def compile_plan() -> ObjectPlan | None:
            compiled.append(index)
            return None

        return compile_plan

    for index in (0, 1, 0, 2, 0, 1):
        cache.plan(operations[index], {}, {}, compile_for(index))  # type: ignore[arg-type]
    assert compiled == [0, 1, 2, 1]  # 1 was the least recently used when 2 came
    assert len(cache) == 2


def test_condition_variables_are_found_in_fragments_too() -> None:
    document = parse(
        """query($a: Boolean!, $b: Boolean!, $c: Int) { x @skip(if: $a) ...F }
        fragment F on Query { y { z @include(if: $b) w(n: $c) } }"""
    )
    from graphql.execution.collect_fields import FragmentDetails

    operation, fragment = document.definitions
    fragments = {"F": FragmentDetails(fragment)}  # type: ignore[arg-type]
    assert condition_variables(operation, fragments) == ("a", "b")  # type: ignore[arg-type]
