"""Hypothesis strategies for differential tests: variable values and whole query documents.

``variables_for`` draws values for an operation's variables from what the seeded store
holds (real ids of every kind, customer numbers in and out of a partner's scope) and from
values that fail (an unknown id, a malformed cursor, an out-of-range ``first``, a naive
datetime). ``query_documents`` draws valid query documents over the schema, starting from
the customer, contact, lead and interaction fields: random selections with aliases, merged
duplicate fields, inline and named fragments, ``@include``/``@skip`` on literals and on
variables, ``__typename``, and arguments given as literals or variables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.utilities import type_from_ast
from hypothesis import strategies as st

from resolvers.node import from_global_id
from resolvers.pagination import encode_cursor
from tests.support.scoping import MINE, THEIRS

ABSENT: Any = object()

ROOT_FIELDS = (
    "customer",
    "customers",
    "contact",
    "interaction",
    "lead",
    "leads",
    "node",
    "complaints",
    "opportunities",
    "campaigns",
    "payments",
)
"""Where generated documents start; the first seven are drawn more often."""

SKIPPED_FIELDS = frozenset({"_entities", "_service", "kpis", "previewPaymentNotice"})
"""Federation internals and answers that depend on the clock."""

SMALL_PAGES = (1, 2, 3)


def string_values(name: str) -> list[Any]:
    """Strings worth trying for an argument or variable called ``name``."""
    if name in ("after", "before"):
        return [encode_cursor(["C10002"]), "not-a-cursor", encode_cursor([1, 2, 3])]
    numbers = [MINE[0], THEIRS, "C10042", "C99999"]
    if name in ("number", "customerNumber", "n", "customer"):
        return numbers
    return [*numbers, "a", "Call", ""]


def candidates(of_type: GraphQLInputType, name: str, ids: tuple[str, ...]) -> list[Any]:
    """Values worth trying for a (non-null) value of ``of_type`` named ``name``."""
    if isinstance(of_type, GraphQLNonNull):
        return candidates(of_type.of_type, name, ids)
    if isinstance(of_type, GraphQLList):
        inner = candidates(of_type.of_type, name, ids)
        return [[inner[0]], inner[:2], []]
    if isinstance(of_type, GraphQLEnumType):
        return list(of_type.values)
    if isinstance(of_type, GraphQLInputObjectType):
        return [
            {
                key: candidates(value.type, key, ids)[0]
                for key, value in of_type.fields.items()
                if isinstance(value.type, GraphQLNonNull)
            }
        ]
    scalar = of_type.name
    if scalar == "ID":
        return sorted(ids, key=lambda id: not _names_type_of(id, name))
    if scalar == "_Any":
        return [{"__typename": "Customer", "number": MINE[0]}, {"__typename": "Customer"}]
    if scalar == "String":
        return string_values(name)
    if scalar == "Int":
        return [2, 1, 5, 0, 1000] if name in ("first", "last", "f") else [1, 2]
    if scalar == "Boolean":
        return [True, False]
    if scalar == "Float":
        return [1.5, 0.0]
    if scalar == "DateTime":
        recent, later = "2020-01-01T00:00:00+00:00", "2031-06-01T12:00:00+02:00"
        return [later if name in ("until", "before") else recent, later, "2024-06-01T00:00:00"]
    if scalar == "Date":
        return ["2026-01-01", "2020-01-01"]
    if scalar == "Decimal":
        return ["10.00", "0"]
    return ["x"]


def _names_type_of(global_id: str, name: str) -> bool:
    """Whether the variable ``name`` (``paymentId``, ``contact``) asks for this id's type."""
    decoded = from_global_id(global_id)
    return decoded is not None and decoded[0].lower() in name.lower()


def first_values(
    operation: OperationDefinitionNode, schema: GraphQLSchema, ids: tuple[str, ...]
) -> dict[str, Any]:
    """The first candidate for every variable: the most realistic assignment."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        of_type = type_from_ast(schema, definition.type)
        if of_type is None:
            continue
        name = definition.variable.name.value
        if name in ("after", "before") and not isinstance(of_type, GraphQLNonNull):
            values[name] = None  # the first page
            continue
        values[name] = candidates(of_type, name, ids)[0]  # type: ignore[arg-type]
    return values


@st.composite
def variables_for(
    draw: st.DrawFn,
    operation: OperationDefinitionNode,
    schema: GraphQLSchema,
    ids: tuple[str, ...],
) -> dict[str, Any]:
    """Values for the operation's variables; a nullable one may be null or left out."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        of_type = type_from_ast(schema, definition.type)
        if of_type is None:
            continue
        name = definition.variable.name.value
        options = candidates(of_type, name, ids)  # type: ignore[arg-type]
        if not isinstance(of_type, GraphQLNonNull):
            options = [*options, None, ABSENT]
        value = draw(st.sampled_from(options))
        if value is not ABSENT:
            values[name] = value
    return values


def literal(value: Any, of_type: GraphQLInputType) -> str:
    """``value`` written as a GraphQL literal of ``of_type``."""
    named = get_named_type(of_type)
    if value is None:
        return "null"
    if isinstance(named, GraphQLEnumType) and isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        inner = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
        item_type = inner.of_type if isinstance(inner, GraphQLList) else inner
        return "[" + ", ".join(literal(item, item_type) for item in value) + "]"
    if isinstance(value, dict) and isinstance(named, GraphQLInputObjectType):
        fields = named.fields
        return "{" + ", ".join(f"{k}: {literal(v, fields[k].type)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {value!r}")


@dataclass
class _Scope:
    """The response names of one grouped field set (fragments included): a name reused for a
    different field or arguments would not validate, so it gets an alias instead."""

    used: dict[str, str] = field(default_factory=dict)
    children: dict[str, _Scope] = field(default_factory=dict)
    """The scopes of the sub-selections by response name: merged fields share theirs."""

    def child(self, response: str) -> _Scope:
        return self.children.setdefault(response, _Scope())


@dataclass
class _Document:
    draw: st.DrawFn
    schema: GraphQLSchema
    ids: tuple[str, ...]
    max_depth: int
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    aliases: int = 0

    def variable(self, type_text: str, value: Any) -> str:
        name = f"v{len(self.variables)}"
        self.variables[name] = (type_text, value)
        return f"${name}"

    def flag(self) -> str:
        """A boolean for ``if:``: a literal, or a variable (with or without a default)."""
        kind = self.draw(st.sampled_from(["true", "false", "var", "var", "default"]))
        if kind in ("true", "false"):
            return kind
        value = self.draw(st.booleans())
        if kind == "default":
            name = f"v{len(self.variables)}"
            default = self.draw(st.booleans())
            given = self.draw(st.sampled_from([value, ABSENT]))
            self.variables[name] = (f"Boolean = {str(default).lower()}", given)
            return f"${name}"
        return self.variable("Boolean!", value)

    def directives(self) -> str:
        chosen = self.draw(st.sampled_from(["", "", "", "", "", "", "include", "skip", "both"]))
        if chosen == "both":
            return f" @skip(if: {self.flag()}) @include(if: {self.flag()})"
        return f" @{chosen}(if: {self.flag()})" if chosen else ""

    def arguments(self, definition: GraphQLField) -> str:
        given: list[str] = []
        for name, argument in definition.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if name == "first":
                value: Any = self.draw(st.sampled_from(SMALL_PAGES))
            elif required or self.draw(st.integers(0, 3)) == 3:
                value = self.draw(st.sampled_from(candidates(argument.type, name, self.ids)))
            else:
                continue
            if self.draw(st.booleans()):
                type_text = str(argument.type)
                given.append(f"{name}: {self.variable(type_text, value)}")
            else:
                given.append(f"{name}: {literal(value, argument.type)}")
        return f"({', '.join(given)})" if given else ""

    def field(self, parent: GraphQLNamedType, name: str, depth: int, scope: _Scope) -> str:
        definition = parent.fields[name]  # type: ignore[attr-defined]
        arguments = self.arguments(definition)
        named = get_named_type(definition.type)
        response = name
        signature = f"{name}{arguments}: {definition.type}"
        if scope.used.get(response, signature) != signature or (
            self.aliases < 8 and self.draw(st.integers(0, 5)) == 5
        ):
            self.aliases += 1
            response = f"a{self.aliases}"
        scope.used[response] = signature
        head = (f"{response}: " if response != name else "") + name + arguments
        if depth > 1:  # a skipped root field would leave little to compare
            head += self.directives()
        if is_leaf_type(named):
            return head
        return f"{head} {{ {self.selection_set(named, depth + 1, scope.child(response))} }}"

    def selectable(self, parent: GraphQLNamedType, depth: int) -> list[str]:
        """Leaves first (the simplest draws), objects unless the document is deep enough."""
        leaves: list[str] = []
        objects: list[str] = []
        for name, definition in parent.fields.items():  # type: ignore[attr-defined]
            if name in SKIPPED_FIELDS:
                continue
            if is_leaf_type(get_named_type(definition.type)):
                leaves.append(name)
            elif depth < self.max_depth:
                objects.append(name)
        return leaves + objects

    def selection_set(self, parent: GraphQLNamedType, depth: int, scope: _Scope) -> str:
        if isinstance(parent, GraphQLUnionType | GraphQLInterfaceType):
            return self.abstract_selection(parent, depth, scope)
        return " ".join(self.selections(parent, depth, scope))

    def selections(self, parent: GraphQLNamedType, depth: int, scope: _Scope) -> list[str]:
        names = self.selectable(parent, depth)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        parts = [self.field(parent, name, depth, scope) for name in chosen]
        if self.draw(st.integers(0, 3)) == 3:  # the same field again: merged by collection
            parts.append(self.field(parent, self.draw(st.sampled_from(chosen)), depth, scope))
        if self.draw(st.integers(0, 4)) == 4:
            parts.append("__typename")
        if self.draw(st.integers(0, 2)) == 2:
            inner = " ".join(self.selections(parent, depth, scope))
            wrap = self.draw(st.sampled_from(["inline", "typed", "named"]))
            if wrap == "inline":
                parts.append(f"...{self.directives()} {{ {inner} }}")
            elif wrap == "typed":
                parts.append(f"... on {parent.name}{self.directives()} {{ {inner} }}")
            else:
                fragment = f"F{len(self.fragments)}"
                self.fragments.append(f"fragment {fragment} on {parent.name} {{ {inner} }}")
                parts.append(f"...{fragment}{self.directives()}")
        order = self.draw(st.permutations(parts))
        return list(order)

    def abstract_selection(self, parent: GraphQLNamedType, depth: int, scope: _Scope) -> str:
        possible: list[GraphQLObjectType] = list(self.schema.get_possible_types(parent))  # type: ignore[arg-type]
        chosen = self.draw(
            st.lists(st.sampled_from(possible), min_size=1, max_size=3, unique_by=lambda t: t.name)
        )
        parts = ["__typename"]
        if isinstance(parent, GraphQLInterfaceType):
            parts.append(" ".join(self.selections(parent, depth, scope)))
        for object_type in chosen:
            inner = " ".join(self.selections(object_type, depth, scope))
            parts.append(f"... on {object_type.name} {{ {inner} }}")
        return " ".join(parts)

    def text(self, root: str) -> str:
        definitions = ", ".join(
            f"${name}: {type_text}" for name, (type_text, _) in self.variables.items()
        )
        head = f"query Generated({definitions})" if definitions else "query Generated"
        return "\n".join([f"{head} {{ {root} }}", *self.fragments])

    def values(self) -> dict[str, Any]:
        return {name: value for name, (_, value) in self.variables.items() if value is not ABSENT}


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    text: str
    variables: dict[str, Any]


@st.composite
def query_documents(
    draw: st.DrawFn,
    schema: GraphQLSchema,
    ids: tuple[str, ...],
    *,
    roots: tuple[str, ...] = ROOT_FIELDS[:7] * 2 + ROOT_FIELDS[7:],
    max_depth: int = 5,
) -> GeneratedDocument:
    """A valid query document over the schema starting from ``roots`` (repeat a name to
    draw it more often), with values for its variables."""
    query_type = schema.query_type
    assert query_type is not None
    document = _Document(draw, schema, ids, max_depth)
    chosen = draw(st.lists(st.sampled_from(roots), min_size=1, max_size=2, unique=True))
    scope = _Scope()
    root = " ".join(document.field(query_type, name, 1, scope) for name in chosen)
    text = document.text(root)
    errors = validate(schema, parse(text))
    if errors:  # a generator bug: say which document, rather than skip it
        raise AssertionError(f"generated an invalid document: {errors[0].message}\n{text}")
    return GeneratedDocument(text, document.values())
