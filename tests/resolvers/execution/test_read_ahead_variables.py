"""The read ahead's shortcut for plain variables gives what graphql-core's coercion gives,
whenever it gives anything (``read_ahead._plainly``)."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, build_schema, parse
from graphql.execution.values import get_variable_values
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers.execution.read_ahead import _coerced, _plainly

SCHEMA = build_schema(
    "enum Color { RED GREEN } "
    "type Query { ok(s: String, i: Int, f: Float, d: ID, c: Color): Boolean }"
)
TYPES = [
    "String",
    "String!",
    "ID",
    "ID!",
    "Int",
    "Int!",
    "Float",
    "Float!",
    "Boolean",
    "Boolean!",
    "Int = 3",
    'String! = "x"',
    "[Int]",
    "Color",
]
MISSING = object()
VALUES = st.one_of(
    st.just(MISSING),
    st.none(),
    st.text(max_size=5),
    st.integers(min_value=-(2**33), max_value=2**33),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=2),
    st.sampled_from(["RED", "BLUE"]),
)


def definitions(types: list[str]) -> Any:
    names = ", ".join(f"$v{i}: {kind}" for i, kind in enumerate(types))
    operation = parse(f"query Q({names}) {{ ok }}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return tuple(operation.variable_definitions)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TYPES), VALUES), min_size=1, max_size=3))
def test_plain_variables_coerce_to_what_graphql_core_gives(
    variables: list[tuple[str, object]],
) -> None:
    defined = definitions([kind for kind, _ in variables])
    sent = {f"v{i}": value for i, (_, value) in enumerate(variables) if value is not MISSING}
    full = get_variable_values(SCHEMA, defined, dict(sent))
    plain = _plainly(defined, sent)
    if plain is not None:
        assert not isinstance(full, list), full
        assert plain == full.coerced
        assert [type(value) for value in plain.values()] == [
            type(value) for value in full.coerced.values()
        ]
    coerced = _coerced(SCHEMA, defined, sent)
    if isinstance(full, list):
        assert coerced is None
    else:
        assert coerced == full.coerced


def test_the_realistic_query_takes_the_shortcut() -> None:
    defined = definitions(["String!", "Int!"])
    assert _plainly(defined, {"v0": "C10001", "v1": 5}) == {"v0": "C10001", "v1": 5}
    assert _plainly(defined, {"v0": "C10001", "v1": "five"}) is None
    assert _coerced(SCHEMA, defined, {"v0": "C10001", "v1": "five"}) is None
