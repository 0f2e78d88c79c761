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

from tests.resolvers.execution.edge_schema import Log, edge_schema
from tests.support.differential import InterpretingExecutor, RecordingExecutor
from tests.support.generated import query_documents

REFERENCE = edge_schema(StrawberryGraphQLCoreExecutionContext)
PLANNED = edge_schema(RecordingExecutor)
"""Plans written out from their first run (``compiled.py``)."""
INTERPRETED = edge_schema(InterpretingExecutor)
"""Plans run field by field."""
ROOTS = ("item", "item", "items", "items", "laterItems", "laterItems", "strict", "text")


async def run(
    schema: Any,
    document: str,
    variables: dict[str, Any] | None,
    *,
    deny: bool,
    log: Log | None = None,
) -> dict[str, Any]:
    log = log if log is not None else Log(deny=deny)
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
    document: str,
    variables: dict[str, Any] | None = None,
    *,
    deny: bool = False,
    load_many_calls: int | None = None,
) -> dict[str, Any]:
    reference = await run(REFERENCE, document, variables, deny=deny)
    for schema in (PLANNED, INTERPRETED):
        log = Log(deny=deny)
        planned = await run(schema, document, variables, deny=deny, log=log)
        assert planned == reference
        if load_many_calls is not None:
            assert log.load_many_calls == load_many_calls
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


async def test_an_attribute_holding_an_object_of_the_wrong_class_is_an_error() -> None:
    answer = await assert_same("{ items(first: 2) { wrapped { impostor { number name } } } }")
    assert [(e["message"][:32], e["path"]) for e in answer["errors"]] == [
        ("Expected value of type 'Item' bu", ["items", 0, "wrapped", "impostor"])
    ]
    assert json.loads(answer["data"])["items"][1] == {
        "wrapped": {"impostor": {"number": 2, "name": "item 2"}}
    }


async def test_a_non_null_attribute_holding_null_nulls_its_parent() -> None:
    answer = await assert_same("{ items(first: 4) { number wrapped { promised { number } } } }")
    assert [(e["message"], e["path"]) for e in answer["errors"]] == [
        (
            "Cannot return null for non-nullable field Wrapper.promised.",
            ["items", 2, "wrapped", "promised"],
        )
    ]
    assert json.loads(answer["data"]) is None  # items is [Item!]!, wrapped is Wrapper!


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


async def test_a_list_answers_its_batched_field_at_once_with_the_same_errors() -> None:
    # pages behind a missing item (LookupError), pages with a null ``strict`` (nulled, and
    # the item with it where the page is non-null), items of [Item!]! and [Item]
    answer = await assert_same(
        "{ items(first: 9) { number maybePage { number label strict note lines } } }",
        load_many_calls=1,
    )
    paths = [e["path"] for e in answer["errors"]]
    assert ["items", 4, "maybePage"] in paths  # item 5: no page behind it
    assert ["items", 0, "maybePage", "strict"] in paths
    whole = await assert_same(
        "{ laterItems(first: 9) { wrapped { item { number page(first: 3) { label } } } } }",
        load_many_calls=1,
    )
    assert [e["path"] for e in whole["errors"]] == [["laterItems", 4, "wrapped", "item", "page"]]
    assert json.loads(whole["data"])["laterItems"][4] is None  # page! and item! nulled it
    await assert_same(
        "{ items(first: 9) { page(first: 2) { number strict } } }", load_many_calls=1
    )  # [Item!]!: the first error nulls everything, as graphql-core's first one
    await assert_same("{ laterItems(start: 20, first: 2) { maybePage { label } } }", None)
    # the same field outside a list: its resolver, while the list batches its own
    await assert_same(
        "{ items(first: 4) { maybePage { label } } item(number: 3) { maybePage { note } } }",
        load_many_calls=1,
    )


async def test_refused_arguments_are_reported_per_item_as_the_resolver_would() -> None:
    answer = await assert_same(
        "query($first: Int!) {"
        " laterItems(first: 5) { number maybePage(first: $first) { label } } }",
        {"first": 0},
        load_many_calls=1,
    )
    assert [e["message"] for e in answer["errors"]] == ["first must be positive, got 0"] * 5
    assert [e["path"][1] for e in answer["errors"]] == [0, 1, 2, 3, 4]


async def test_items_with_more_to_await_call_the_resolver_as_graphql_core_does() -> None:
    for document in (
        # other fields to await beside the batched one, at its level and above it
        "{ laterItems(first: 6) { number maybePage { label strict } later } }",
        "{ laterItems(first: 6) { later wrapped { item { maybePage { label } } } } }",
        "{ laterItems(first: 6) { wrapped { item { maybePage { label } loaded { number } } } } }",
        # a single item; two batchable fields below one list; a page that needs a resolver
        "{ laterItems(first: 1) { maybePage { label } } }",
        "{ items(first: 4) { page { label } maybePage { label } } }",
        # a sync error leaving a non-null item after its entry was placed: the list fails
        "{ items(first: 7) { maybePage { label } must } }",
    ):
        await assert_same(document, load_many_calls=0)
    # the same error nulls a nullable item: its entry is settled as its resolver, the
    # others are batched
    answer = await assert_same(
        "{ laterItems(first: 7) { maybePage { label } must } }", load_many_calls=1
    )
    assert json.loads(answer["data"])["laterItems"][4] is None


def test_synchronous_execution_answers_as_graphql_core() -> None:
    for document in (
        "{ items(first: 4) { number name must wrong children { number huge } } }",
        "{ strict(start: 5) { must } }",
    ):
        answers = []
        for schema in (REFERENCE, PLANNED, INTERPRETED):
            result = schema.execute_sync(document, context_value=Log())
            answers.append((json.dumps(result.data), [e.formatted for e in result.errors or ()]))
        assert answers[0] == answers[1] == answers[2]
