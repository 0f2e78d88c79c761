"""The planned executor answers exactly as graphql-core's on a schema made of the cases an
executor gets wrong (``edge_schema.py``): errors raised and returned, null where the type
says non-null and its propagation to the nearest nullable parent, lists of non-null items,
leaf values that do not serialize, awaitables in results and in lists, concurrent errors,
permission denials, objects of the wrong type, interfaces. Also compared: the resolvers
called, in order, and the DataLoader batches."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.execution import PlannedExecutor
from tests.resolvers.execution.edge_schema import Log, edge_schema
from tests.support.generated import query_documents

REFERENCE = edge_schema(StrawberryGraphQLCoreExecutionContext)
PLANNED = edge_schema(PlannedExecutor)
ROOTS = ("item", "item", "items", "items", "laterItems", "laterItems", "strict", "text")


async def run(
    schema: Any, document: str, variables: dict[str, Any] | None, *, deny: bool
) -> dict[str, Any]:
    log = Log(deny=deny)
    result = await schema.execute(document, variable_values=variables, context_value=log)
    answer = {
        # json keeps the order of keys: it must be the same too
        "data": json.dumps(result.data),
        "errors": [error.formatted for error in result.errors or ()],
        "calls": list(log.calls),
        "batches": list(log.batches),
    }
    await _settled()
    return answer


async def _settled() -> None:
    """Let the awaitables an execution left to settle in the background finish, so that
    they do not run in the middle of the next execution."""
    current = asyncio.current_task()
    for _ in range(100):
        if all(task is current for task in asyncio.all_tasks()):
            return
        await asyncio.sleep(0)


async def assert_same(
    document: str, variables: dict[str, Any] | None = None, *, deny: bool = False
) -> dict[str, Any]:
    reference = await run(REFERENCE, document, variables, deny=deny)
    planned = await run(PLANNED, document, variables, deny=deny)
    assert planned == reference
    return planned


async def test_null_propagates_to_the_nearest_nullable_parent() -> None:
    nested = await assert_same(
        "{ item(number: 7) { number strictChildren { number } } items(first: 3) { must } }"
    )
    # child 8 of [Item!]! is null: the list, then item 7 are nulled; items still answers
    assert json.loads(nested["data"]) == {
        "item": None,
        "items": [{"must": "must 1"}, {"must": "must 2"}, {"must": "must 3"}],
    }
    assert [e["path"] for e in nested["errors"]] == [["item", "strictChildren", 0]]
    whole = await assert_same("{ items(first: 3) { number } strict(start: 5) { number must } }")
    assert json.loads(whole["data"]) is None  # strict.must failed: nothing is left
    assert [(e["message"], e["path"]) for e in whole["errors"]] == [
        ("must failed at 5", ["strict", "must"])
    ]


async def test_errors_in_nullable_places_leave_the_rest() -> None:
    answer = await assert_same(
        "query($n: Int!) { a: item(number: $n) { number later laterMust wrong errorValue fragile "
        "secret impostor { number } awaitable awaitableItems matrix loaded { number } } "
        "b: laterItems(first: 7) { number later children(first: 2) { number must } } }",
        {"n": 4},
    )
    paths = [e["path"] for e in answer["errors"]]
    assert ["a", "later"] in paths
    assert ["a", "secret"] in paths
    assert json.loads(answer["data"])["a"]["number"] == 4


async def test_fragments_aliases_directives_and_typename() -> None:
    await assert_same(
        """query($yes: Boolean!, $no: Boolean = false) {
          item(number: 7) { ...Parts first: number, first: number @include(if: $yes)
            named { __typename name ... on Item { number atHand } }
            ... on Item @skip(if: $no) { children { ...Parts } } }
          items(first: 3) { __typename a: atHand b: atHand ... { number @skip(if: $yes) } }
        }
        fragment Parts on Item { name color at amount doubled huge }""",
        {"yes": True},
    )


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_documents_over_the_edge_cases(data: st.DataObject) -> None:
    document = data.draw(
        query_documents(PLANNED._schema, (), roots=ROOTS, max_depth=4), label="document"
    )
    note(document.text)
    await assert_same(document.text, document.variables, deny=data.draw(st.booleans()))


def test_synchronous_execution_answers_as_graphql_core() -> None:
    for document in (
        "{ items(first: 4) { number name must wrong children { number huge } } }",
        "{ strict(start: 5) { must } }",
    ):
        answers = []
        for schema in (REFERENCE, PLANNED):
            result = schema.execute_sync(document, context_value=Log())
            answers.append((json.dumps(result.data), [e.formatted for e in result.errors or ()]))
        assert answers[0] == answers[1]
