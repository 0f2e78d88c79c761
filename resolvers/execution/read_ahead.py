"""Reads a query's root fields will make, sent before execution starts.

A request spends a few hundred microseconds between its validated document and the moment
its first resolver asks the ERP for anything: the operation hook, building graphql-core's
execution context and coercing the variables, the root resolver's argument conversion and
permission checks, then a loop turn for the DataLoader to dispatch its batch and another
for the batch to make its call. For ``customer(number:)`` uncached, that is time added
to the ERP's own latency. A root field may declare the read it is about to make
(``metadata=read_ahead(start)``, ``hints.py``); before execution starts, ``send_reads``
calls ``start(asked, context)`` for each such field of the operation and lets the loop
turn until the reads it returns are on their way (or done, from cache), at most ``TURNS``
times. The resolver later makes the same read through the same DataLoader, whose cache hands
it the read already in flight: no read is made twice, none is made that execution would not
make. ``start`` may also queue reads the field's selection will make (the customer's
interactions), which execution does not wait for.

So a field is read ahead only when its resolver is sure to run with those arguments: a
field written directly in the operation's selection (not in a fragment), without
directives, whose permission classes decide on the context alone and allow it.
The variables are coerced first, as execution will coerce them: a request whose variables do
not coerce is answered with errors before any resolver runs, and reads nothing ahead.
``start`` gets the field's arguments from them (a literal's value as written, not coerced to
the argument's type) and checks them itself: it returns None to wait for nothing.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationType,
    VariableDefinitionNode,
    VariableNode,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import value_from_ast_untyped
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from resolvers.document_memo import DocumentMemo
from resolvers.execution.hints import read_ahead_of
from resolvers.execution.plan import context_gate

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from graphql import DocumentNode, GraphQLSchema

    from resolvers.execution.hints import ContextPermission, ReadAhead

TURNS: Final = 2
"""Loop turns execution waits at most for the reads to go out: the DataLoader dispatches
its batch on the next turn, and the batch, a task, makes its ERP call (or finds the record
in the in-memory cache) on the turn after. A cache on Redis answers later: the read then goes
out while execution starts, as it would without the read ahead."""


@dataclass(frozen=True, slots=True)
class Asked:
    """What ``start`` knows of its field."""

    arguments: Mapping[str, Any]
    """The field's arguments (see the module's docstring)."""
    node: FieldNode
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    """The request's variables, coerced."""


@dataclass(frozen=True, slots=True)
class _Ahead:
    node: FieldNode
    start: ReadAhead
    gate: tuple[ContextPermission, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    fields: tuple[_Ahead, ...]
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: tuple[VariableDefinitionNode, ...] = ()


_NOTHING: Final = _Plan((), {})
_PLANS: DocumentMemo[_Plan] = DocumentMemo()


def plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _Plan:
    """The operation's root fields that declare a read ahead (remembered per document)."""
    found = _PLANS.get(document, operation_name)
    if found is None:
        found = _PLANS.put(document, _plan(schema, document, operation_name), operation_name)
    return found


def _plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _Plan:
    operation = get_operation_ast(document, operation_name)
    root = schema.query_type
    if operation is None or operation.operation is not OperationType.QUERY or root is None:
        return _NOTHING
    found: list[_Ahead] = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            continue
        definition = root.fields.get(selection.name.value)
        if definition is None:
            continue
        strawberry_field = definition.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(strawberry_field, StrawberryField):
            continue
        start = read_ahead_of(strawberry_field.metadata)
        gate = context_gate(strawberry_field)
        if start is not None and gate is not None:
            found.append(_Ahead(selection, start, gate))
    if not found:
        return _NOTHING
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return _Plan(tuple(found), fragments, tuple(operation.variable_definitions or ()))


def _arguments(node: FieldNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The field's arguments: a variable's coerced value (left out when it has none), a
    literal's value as written."""
    given: dict[str, Any] = {}
    for argument in node.arguments or ():
        value = argument.value
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in variables:
                given[argument.name.value] = variables[name]
        else:
            given[argument.name.value] = value_from_ast_untyped(value)
    return given


_INT_RANGE = range(-(2**31), 2**31)
_PLAIN_SCALARS: dict[str, Callable[[object], bool]] = {
    "String": lambda value: type(value) is str,
    "ID": lambda value: type(value) is str,
    "Int": lambda value: type(value) is int and value in _INT_RANGE,
    "Float": lambda value: type(value) is float and math.isfinite(value),
    "Boolean": lambda value: type(value) is bool,
}
"""Built-in scalars, and the values that coerce to themselves as variables."""


def _plainly(
    definitions: tuple[VariableDefinitionNode, ...], given: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The coerced variables when each is of a built-in scalar type and given as a value
    that coerces to itself (or, nullable, omitted without a default): what graphql-core's
    coercion would give, without its cost, for a document that passed validation. None for
    anything else."""
    values: dict[str, Any] = {}
    for definition in definitions:
        name = definition.variable.name.value
        type_node = definition.type
        non_null = isinstance(type_node, NonNullTypeNode)
        named = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
        if not isinstance(named, NamedTypeNode):
            return None
        plain = _PLAIN_SCALARS.get(named.name.value)
        if plain is None:
            return None
        if name not in given:
            if non_null or definition.default_value is not None:
                return None
            continue
        value = given[name]
        if value is None:
            if non_null:
                return None
        elif not plain(value):
            return None
        values[name] = value
    return values


def _coerced(
    schema: GraphQLSchema,
    definitions: tuple[VariableDefinitionNode, ...],
    given: Mapping[str, Any],
) -> Mapping[str, Any] | None:
    """The request's variables coerced as execution will coerce them; None when they do not
    coerce (execution then answers the errors before any resolver runs)."""
    values = _plainly(definitions, given)
    if values is not None:
        return values
    coerced = get_variable_values(schema, definitions, dict(given), max_errors=1)
    return None if isinstance(coerced, list) else coerced.coerced


def retrieved(future: asyncio.Future[Any]) -> None:
    """A read started for a resolver that ends up not awaiting it (it failed first, or its
    customer was null) must not log its error: a done callback that retrieves it."""
    if not future.cancelled():
        future.exception()


async def send_reads(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    context: Any,
) -> None:
    """Start the reads the operation's root fields declare, and let them go out."""
    ahead = plan(schema, document, operation_name)
    if not ahead.fields:
        return
    given = _coerced(schema, ahead.variables, variables or {})
    if given is None:
        return
    sent: list[asyncio.Future[Any]] = []
    for field in ahead.fields:
        if not all(permission.allows(context) for permission in field.gate):
            continue
        asked = Asked(_arguments(field.node, given), field.node, ahead.fragments, given)
        try:
            started = field.start(asked, context)
        except Exception:  # the resolver meets it again, where it belongs
            continue
        if started is not None:
            future = asyncio.ensure_future(started)
            future.add_done_callback(retrieved)
            sent.append(future)
    for _ in range(TURNS):
        if all(future.done() for future in sent):
            return
        await asyncio.sleep(0)
