"""Start the CRM loads a customer's selection will ask for while its ERP record is read.

``customer(number)`` must wait for the ERP (the customer is null when the ERP has none), and
its CRM fields only resolve after that: without help, the CRM query would run after the ERP
call instead of during it. ``prefetch_crm`` reads the selection under the ``customer`` field
and calls the ``interactions_by_customer`` loader for each plain ``interactions(first, after)``
it finds, *before* the resolver awaits the ERP: both loaders dispatch in the same tick, the
SQL runs while the ERP call is in flight, and the field later finds its slice in the
loader's cache (same key, same future). Selections it does not recognise (filters by kind or
date, bad arguments) are left to the field resolver, which reports any error itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    StringValueNode,
    VariableNode,
)

from resolvers.crm.interactions.paging import interaction_page
from resolvers.document_memo import DocumentMemo
from resolvers.errors import FrontdeskError
from resolvers.execution.read_ahead import retrieved

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from graphql import FragmentDefinitionNode, SelectionSetNode, ValueNode

    from resolvers.context import Info
    from resolvers.loaders import Loaders

PLAIN_ARGUMENTS = frozenset({"first", "after"})
UNKNOWN = object()
"""An argument value the prefetch does not interpret: the field resolver will."""


@dataclass(frozen=True, slots=True)
class _Wanted:
    """One plain ``interactions`` field under the customer: its argument nodes."""

    first: ValueNode | None
    after: ValueNode | None


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> Iterator[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value == "interactions":
                yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                yield from _fields(fragment.selection_set, fragments, seen | {name})


def _plan(
    field_nodes: Sequence[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[_Wanted, ...]:
    wanted: list[_Wanted] = []
    for node in field_nodes:
        for field in _fields(node.selection_set, fragments):
            arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
            if PLAIN_ARGUMENTS.issuperset(arguments):
                wanted.append(_Wanted(arguments.get("first"), arguments.get("after")))
    return tuple(wanted)


_PLANS: DocumentMemo[tuple[_Wanted, ...]] = DocumentMemo()


def _value(node: ValueNode | None, variables: Mapping[str, Any]) -> object:
    """The argument's value as the resolver will get it; ``UNKNOWN`` for anything else."""
    if node is None or isinstance(node, NullValueNode):
        return None
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, StringValueNode):
        return node.value
    return UNKNOWN


def prefetch_crm(info: Info, number: str) -> None:
    """Queue the customer's plain ``interactions`` pages on their loader (no await)."""
    raw = info._raw_info
    # graphql-core's ``VariableValues``; a plain dict where a caller built the info itself
    given: Any = raw.variable_values
    variables: Mapping[str, Any] = getattr(given, "coerced", given)
    queue_interactions(info.context.loaders, number, raw.field_nodes, raw.fragments, variables)


def queue_interactions(
    loaders: Loaders,
    number: str,
    field_nodes: Sequence[FieldNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> None:
    """Queue the plain ``interactions`` pages the selection of ``field_nodes`` (a customer
    field) asks for, on their loader (no await), with the request's coerced ``variables``
    (from the resolver's info, or before execution: ``read_ahead.py``).

    Which fields to prefetch is read from the document once (``DocumentMemo``): the
    selection is the same on every request that sends the same query text."""
    if not field_nodes:
        return
    plan = _PLANS.get(field_nodes[0], len(field_nodes))
    if plan is None:
        plan = _PLANS.put(field_nodes[0], _plan(field_nodes, fragments), len(field_nodes))
    for wanted in plan:
        first, after = _value(wanted.first, variables), _value(wanted.after, variables)
        if first is not None and (not isinstance(first, int) or isinstance(first, bool)):
            continue
        if after is not None and not isinstance(after, str):
            continue
        try:
            page = interaction_page(first=first, after=after, kind=None, since=None, until=None)
        except FrontdeskError:
            continue
        loading = loaders.interactions_by_customer.load((number, page))
        asyncio.ensure_future(loading).add_done_callback(retrieved)
