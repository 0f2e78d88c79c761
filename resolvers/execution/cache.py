"""Plans kept per operation, bounded: the hot documents of a process are compiled once.

A plan depends on the operation and on the values of the variables that its ``@skip`` and
``@include`` directives read (field collection does); nothing else in the variables changes
it. So the cache keys each operation (by identity: the parse cache of ``PreparedDocuments``
hands out one document per query text) and, within it, the tuple of those values.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from graphql import OperationDefinitionNode, SelectionSetNode, VariableNode
from graphql.execution.collect_fields import FragmentDetails

from resolvers.execution.plan import ObjectPlan

_CONDITIONS: Final = frozenset({"skip", "include"})
_ABSENT: Final = object()


def condition_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDetails]
) -> tuple[str, ...]:
    """The variables that ``@skip(if:)`` and ``@include(if:)`` read, in the operation and in
    every fragment of its document."""
    names: set[str] = set()
    stack: list[SelectionSetNode] = [operation.selection_set]
    stack.extend(details.definition.selection_set for details in fragments.values())
    while stack:
        for selection in stack.pop().selections:
            for directive in selection.directives or ():
                if directive.name.value not in _CONDITIONS:
                    continue
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                stack.append(inner)
    return tuple(sorted(names))


@dataclass(slots=True)
class _Operation:
    node: OperationDefinitionNode
    """Kept alive so that its id cannot be reused while the entry exists."""
    conditions: tuple[str, ...]
    plans: dict[Hashable, ObjectPlan | None] = field(default_factory=dict)


class PlanCache:
    """Up to ``maxsize`` operations, least recently used out first, each with up to
    ``variants`` plans (one per combination of its condition variables' values).

    ``None`` is cached too: a document the plan does not cover is not compiled again.
    """

    def __init__(self, maxsize: int = 256, variants: int = 16) -> None:
        self.maxsize = maxsize
        self.variants = variants
        self._operations: OrderedDict[int, _Operation] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._operations)

    def plan(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDetails],
        variables: Mapping[str, Any],
        compile_plan: Callable[[], ObjectPlan | None],
    ) -> ObjectPlan | None:
        key = id(operation)
        with self._lock:
            entry = self._operations.get(key)
            if entry is not None and entry.node is operation:
                self._operations.move_to_end(key)
            else:
                entry = _Operation(operation, condition_variables(operation, fragments))
                self._operations[key] = entry
                while len(self._operations) > self.maxsize:
                    self._operations.popitem(last=False)
            values = tuple(variables.get(name, _ABSENT) for name in entry.conditions)
            try:
                found = entry.plans.get(values, _ABSENT)
            except TypeError:  # an unhashable value: plan this request alone
                return compile_plan()
            if found is not _ABSENT:
                return found  # type: ignore[return-value]
        planned = compile_plan()
        with self._lock:
            if len(entry.plans) < self.variants:
                entry.plans[values] = planned
        return planned
