"""Limits a document must keep before it is executed: tokens, depth, aliases, root fields, cost.

Each is measured on the document (and, for the cost, on the variables that give list sizes)
before execution; an excess is an error coded ``QUERY_TOO_COMPLEX`` that names the limit,
the limit's value and the document's value. Introspection fields (``__schema``, ``__type``)
count towards tokens and aliases but not towards depth and cost, so that tools keep working.

Cost: every field costs 1; a field that takes a ``first`` argument multiplies the cost of
its selection by ``first`` (by ``default_list_size`` when ``first`` is not given), so
``customers(first: 20) { edges { node { name } } }`` costs 1 + 20 * 3 = 61.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableNode,
    get_named_type,
)
from graphql.language.lexer import Lexer
from graphql.type.definition import GraphQLInterfaceType
from graphql.validation import NoSchemaIntrospectionCustomRule, validate
from strawberry.extensions import SchemaExtension

from resolvers.document_memo import DocumentMemo
from resolvers.errors import ErrorCode, FrontdeskError


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryLimits:
    max_tokens: int = 2000
    max_depth: int = 10
    max_aliases: int = 15
    max_root_fields: int = 10
    max_cost: int = 10_000
    default_list_size: int = 50
    """The list size assumed for a ``first`` that is not given (the default page size)."""
    introspection: bool = True


def too_complex(limit: str, maximum: int, value: int) -> FrontdeskError:
    return FrontdeskError(
        f"Query too complex: {limit} is {value}, the limit is {maximum}.",
        code=ErrorCode.QUERY_TOO_COMPLEX,
        limit=limit,
        maximum=maximum,
        value=value,
    )


@lru_cache(maxsize=1024)
def count_tokens(query: str, stop_after: int) -> int:
    """Lexical tokens of ``query`` (comments excluded), counting no further than ``stop_after``.

    A document that does not lex is left for the parser to reject.
    """
    lexer = Lexer(Source(query))
    count = 0
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            count += 1
            if count >= stop_after:
                break
    except GraphQLError:
        pass
    return count


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    default_list_size: int

    def fields(
        self, selections: SelectionSetNode | None, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, frozenset[str]]]:
        """The fields of a selection set, fragments expanded (each fragment once per path)."""
        if selections is None:
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, seen
            elif isinstance(selection, InlineFragmentNode):
                yield from self.fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self.fields(fragment.selection_set, seen | {name})

    def depth(self, selections: SelectionSetNode | None, seen: frozenset[str]) -> int:
        deepest = 0
        for field, path in self.fields(selections, seen):
            if field.name.value.startswith("__"):
                continue
            deepest = max(deepest, 1 + self.depth(field.selection_set, path))
        return deepest

    def cost(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str],
    ) -> int:
        total = 0
        for field, path in self.fields(selections, seen):
            name = field.name.value
            if name.startswith("__"):
                continue
            child: GraphQLNamedType | None = None
            takes_first = False
            if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                definition = parent.fields.get(name)
                if definition is not None:
                    child = get_named_type(definition.type)
                    takes_first = "first" in definition.args
            inner = self.cost(field.selection_set, child, path)
            total += 1 + (self._first(field) * inner if takes_first else inner)
        return total

    def _first(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 0)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(given, 0)
        return self.default_list_size


def check_document(
    schema: GraphQLSchema,
    document: Any,
    variables: Mapping[str, Any] | None,
    limits: QueryLimits,
) -> None:
    """Raise ``QUERY_TOO_COMPLEX`` for the first limit the document exceeds."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, variables or {}, limits.default_list_size)
    aliases = _count_aliases(document)
    if aliases > limits.max_aliases:
        raise too_complex("aliases", limits.max_aliases, aliases)
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        roots = sum(1 for _ in walk.fields(operation.selection_set, frozenset()))
        if roots > limits.max_root_fields:
            raise too_complex("root fields", limits.max_root_fields, roots)
        depth = walk.depth(operation.selection_set, frozenset())
        if depth > limits.max_depth:
            raise too_complex("depth", limits.max_depth, depth)
        root_type = schema.get_root_type(operation.operation)
        cost = walk.cost(operation.selection_set, root_type, frozenset())
        if cost > limits.max_cost:
            raise too_complex("cost", limits.max_cost, cost)


_PASSED: DocumentMemo[bool] = DocumentMemo()
_SIZE_VARIABLES: DocumentMemo[tuple[str, ...]] = DocumentMemo()


def _size_variables(document: Any) -> tuple[str, ...]:
    """The variables the document passes as ``first``: the only ones its cost depends on."""
    names: set[str] = set()
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                if argument.name.value == "first" and isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return tuple(sorted(names))


def checked_document(
    schema: GraphQLSchema,
    document: Any,
    variables: Mapping[str, Any] | None,
    limits: QueryLimits,
) -> None:
    """``check_document``, remembered once it passes for the document, the limits and the
    values of the variables given as ``first`` (nothing else changes the outcome): the walk
    costs more than executing a small query, and clients repeat their documents."""
    names = _SIZE_VARIABLES.get(document)
    if names is None:
        names = _SIZE_VARIABLES.put(document, _size_variables(document))
    given = variables or {}
    sizes = tuple(given.get(name) for name in names)
    if not all(size is None or type(size) is int for size in sizes):
        check_document(schema, document, variables, limits)  # not a plain size: no memo
        return
    key = (limits, sizes)
    if _PASSED.get(document, key):
        return
    check_document(schema, document, variables, limits)
    _PASSED.put(document, True, key)


def _count_aliases(document: Any) -> int:
    count = 0
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.alias is not None:
            count += 1
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return count


class DocumentLimits(SchemaExtension):
    """Applies the request's ``QueryLimits`` (from the context) before execution."""

    def _limits(self) -> QueryLimits:
        limits = getattr(self.execution_context.context, "limits", None)
        return limits if isinstance(limits, QueryLimits) else QueryLimits()

    def on_parse(self) -> Iterator[None]:
        self._check_tokens()
        yield

    def on_validate(self) -> Iterator[None]:
        self._check_document()
        yield

    def _check_tokens(self) -> None:
        limits = self._limits()
        query = self.execution_context.query
        if query:
            tokens = count_tokens(query, limits.max_tokens + 1)
            if tokens > limits.max_tokens:
                raise too_complex("tokens", limits.max_tokens, tokens)

    def _check_document(self) -> None:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            limits = self._limits()
            schema = context.schema._schema
            if not limits.introspection:
                errors = validate(schema, document, [NoSchemaIntrospectionCustomRule])
                if errors:
                    raise FrontdeskError(errors[0].message, code=ErrorCode.FORBIDDEN)
            checked_document(schema, document, context.variables, limits)
