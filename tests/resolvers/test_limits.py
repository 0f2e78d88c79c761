"""Document limits at their defaults: each rejects a document just over it, accepts one at it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import strawberry

from resolvers.limits import DocumentLimits, QueryLimits


@strawberry.type
class Item:
    id: int

    @strawberry.field
    def child(self) -> Item:
        return Item(id=self.id + 1)

    @strawberry.field
    def total(self, values: list[int]) -> int:
        return sum(values)

    @strawberry.field
    def items(self, first: int | None = None) -> list[Item]:
        return [Item(id=i) for i in range(first if first is not None else 2)]


@strawberry.type
class Query:
    @strawberry.field
    def item(self) -> Item:
        return Item(id=0)


schema = strawberry.Schema(query=Query, extensions=[DocumentLimits])


async def run(
    document: str, limits: QueryLimits | None = None, variables: dict[str, Any] | None = None
) -> Any:
    context = SimpleNamespace(limits=limits or QueryLimits())
    return await schema.execute(document, context_value=context, variable_values=variables)


def rejection(result: Any) -> dict[str, Any]:
    assert result.data is None
    (error,) = result.errors
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX", error
    return {"message": error.message, **error.extensions}


def nested(depth: int) -> str:
    """A document of exactly ``depth`` levels: item, child..., id."""
    return "{ item { " + "child { " * (depth - 2) + "id" + " }" * (depth - 2) + " } }"


async def test_depth() -> None:
    assert (await run(nested(10))).errors is None
    error = rejection(await run(nested(11)))
    assert (error["limit"], error["maximum"], error["value"]) == ("depth", 10, 11)
    assert "depth is 11, the limit is 10" in error["message"]


async def test_aliases() -> None:
    def aliased(n: int) -> str:
        return "{ item { " + " ".join(f"a{i}: id" for i in range(n)) + " } }"

    assert (await run(aliased(15))).errors is None
    error = rejection(await run(aliased(16)))
    assert (error["limit"], error["maximum"], error["value"]) == ("aliases", 15, 16)


async def test_tokens() -> None:
    def tokens(n: int) -> str:
        # `{ item { total ( values : [` ... `] ) } }` is 12 tokens around the numbers.
        return "{ item { total(values: [" + " ".join(["1"] * (n - 12)) + "]) } }"

    assert (await run(tokens(2000))).errors is None
    error = rejection(await run(tokens(2001)))
    assert (error["limit"], error["maximum"]) == ("tokens", 2000)
    assert error["value"] > 2000


async def test_comments_are_not_tokens() -> None:
    document = "# " + "word " * 3000 + "\n{ item { id } }"
    assert (await run(document)).errors is None


async def test_root_fields() -> None:
    def roots(n: int) -> str:
        return "{ " + " ".join(f"r{i}: item {{ id }}" for i in range(n)) + " }"

    assert (await run(roots(10))).errors is None
    error = rejection(await run(roots(11)))
    assert (error["limit"], error["maximum"], error["value"]) == ("root fields", 10, 11)


async def test_root_fields_count_through_fragments() -> None:
    document = (
        "{ ...F r9: item { id } } fragment F on Query { "
        + " ".join(f"r{i}: item {{ id }}" for i in range(10))
        + " }"
    )
    assert rejection(await run(document))["value"] == 11


async def test_cost_multiplies_lists_by_first() -> None:
    query = "query($n: Int) { item { items(first: $n) { id } } }"
    # item (1) + items (1) + first * id (1): 9998 items cost 10,000, the default budget.
    assert (await run(query, variables={"n": 9998})).errors is None
    error = rejection(await run(query, variables={"n": 9999}))
    assert (error["limit"], error["maximum"], error["value"]) == ("cost", 10_000, 10_001)


async def test_cost_of_nested_lists_and_the_default_list_size() -> None:
    nested_lists = "{ item { items(first: 10) { items(first: 10) { id } } } }"
    error = rejection(await run(nested_lists, QueryLimits(max_cost=111)))
    assert error["value"] == 1 + 1 + 10 * (1 + 10 * 1)
    default_size = "{ item { items { id } } }"
    error = rejection(await run(default_size, QueryLimits(max_cost=10)))
    assert error["value"] == 1 + 1 + 50


async def test_introspection_is_measured_but_not_for_depth() -> None:
    document = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType {"
    document += " ofType { ofType { ofType { name } } } } } } } } } } } }"
    assert (await run(document)).errors is None


async def test_introspection_can_be_disabled() -> None:
    off = QueryLimits(introspection=False)
    result = await run("{ __schema { queryType { name } } }", off)
    assert result.data is None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    assert (await run("{ __typename item { id } }", off)).errors is None


@pytest.mark.parametrize("depth", [1, 5])
async def test_lowered_limits_apply(depth: int) -> None:
    limits = QueryLimits(max_depth=depth)
    assert (await run(nested(depth + 1) if depth > 1 else "{ item { id } }", limits)).data is None


async def test_a_remembered_pass_holds_only_for_the_same_variables_and_limits() -> None:
    """With the parser cache the document object repeats; a pass is remembered per variables
    and limits, so a bigger `first` or a lower limit is still refused."""
    from strawberry.extensions import ParserCache

    cached = strawberry.Schema(query=Query, extensions=[DocumentLimits, ParserCache])
    document = "query Q($n: Int) { item { items(first: $n) { id } } }"

    async def run_cached(n: int, limits: QueryLimits) -> Any:
        context = SimpleNamespace(limits=limits)
        return await cached.execute(document, context_value=context, variable_values={"n": n})

    assert (await run_cached(5, QueryLimits())).errors is None
    assert (await run_cached(5, QueryLimits())).errors is None
    assert rejection(await run_cached(20_000, QueryLimits()))["limit"] == "cost"
    assert rejection(await run_cached(5, QueryLimits(max_cost=3)))["limit"] == "cost"
