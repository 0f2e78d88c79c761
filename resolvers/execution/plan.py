"""An execution plan: an operation's fields collected once, each bound to how it resolves.

``compile_operation`` collects fields with graphql-core's own ``collect_fields`` and
``collect_subfields`` (so merging, fragments, ``@skip``/``@include`` and ordering are
graphql-core's), then decides for each field how ``PlannedExecutor`` gets its value:

- ``ATTRIBUTE``: a strawberry field without resolver or extensions, read with ``getattr``
  exactly as strawberry's default resolver does;
- ``AT_HAND``: a sync resolver that declared a ``read`` of its source (``hints.py``), tried
  first, the real resolver otherwise;
- ``RESOLVER``: the field's real resolver (strawberry's wrapper: arguments, permission
  classes, field extensions), with a resolve info as graphql-core builds it;
- ``BATCHED``: an async resolver that declared a ``load_many`` (``hints.py``), under a list
  of objects that answers it for all its items at once where it can (``executor.py``);
  exactly one such field below a list level (not below a deeper list) is batched, and only
  when what it returns completes without resolvers of its own;
- ``TYPENAME``: ``__typename`` of an object type, known when the plan is made;
- ``GENERIC``: anything else (introspection, abstract types, custom ``is_type_of``) runs
  through graphql-core's own ``execute_field`` at that point of the tree.

How a value completes (``Completion``) is decided per type level too: leaf serialization is
bound ahead of time, with the identity fast path of built-in scalars and a name table for
strawberry enums. A document the plan cannot hold at all (``@defer``/``@stream``, fragment
variables, a mutation or subscription) raises ``Unsupported`` and graphql-core runs it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues
from graphql.type import is_abstract_type, is_leaf_type, is_object_type
from strawberry.permission import PermissionExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from resolvers.execution.hints import ContextPermission, LoadMany, Read, load_many_of, read_of

ATTRIBUTE: Final = 0
AT_HAND: Final = 1
RESOLVER: Final = 2
TYPENAME: Final = 3
GENERIC: Final = 4
BATCHED: Final = 5

LEAF: Final = 0
OBJECT: Final = 1
LIST: Final = 2


class _NoFastType:
    """Stands for "no value completes to itself": ``type(value)`` is never this class."""


def _identity_type(leaf: Any) -> type:
    """The type whose values a built-in scalar's output coercion returns unchanged."""
    if leaf is GraphQLString or leaf is GraphQLID:
        return str
    if leaf is GraphQLBoolean:
        return bool
    return _NoFastType


_BASIC_RESOLVER = "_get_basic_result"
"""The name of strawberry's resolver for fields that read an attribute (``from_resolver``)."""


class Unsupported(Exception):
    """The plan does not cover this; graphql-core's executor runs it instead."""


@dataclass(slots=True, eq=False)
class Completion:
    """How a resolved value completes at one level of a field's type."""

    kind: int
    nullable: GraphQLOutputType
    """The nullable type at this level (what graphql-core's own completion would take)."""
    declared_type: GraphQLOutputType
    """The type at this level as declared, non-null wrapper included."""
    non_null: bool
    null_message: str
    fast_type: type = _NoFastType
    """A value of exactly this type completes to itself."""
    coerce: Callable[[Any], Any] | None = None
    enum_class: type[Enum] | None = None
    enum_names: dict[Any, str] | None = None
    plan: ObjectPlan | None = None
    is_type_of: Callable[[Any, Any], Any] | None = None
    item: Completion | None = None
    iterable_message: str = ""
    batched: FieldPlan | None = None
    """A list level: the one field below its items that it answers for all items at once."""
    chain: tuple[FieldPlan, ...] = ()
    """A list level: the object fields leading from an item to the ``batched`` field's
    source (none when the item is the source)."""


@dataclass(slots=True, eq=False)
class FieldPlan:
    """One response key of an object: how it resolves and completes."""

    response_name: str
    kind: int
    details: FieldDetailsList
    nodes: list[FieldNode]
    parent_type: GraphQLObjectType
    parent_name: str
    definition: GraphQLField
    completion: Completion | None = None
    fast_type: type = _NoFastType
    attribute: str = ""
    resolve: Callable[..., Any] | None = None
    takes_arguments: bool = False
    read: Read | None = None
    gate: tuple[ContextPermission, ...] = ()
    load_many: LoadMany | None = None
    strawberry_field: StrawberryField | None = None
    chain: bool = False
    """The field is ``BATCHED`` or leads to one: a placeholder may sit below it."""

    @property
    def return_type(self) -> GraphQLOutputType:
        return self.definition.type


@dataclass(slots=True, eq=False)
class ObjectPlan:
    """The fields of one selection set on one object type, in response order."""

    object_type: GraphQLObjectType
    name: str
    fields: list[FieldPlan] = field(default_factory=list)
    run: Callable[..., Any] | None = None
    """``_execute_fields`` for this plan, written out (``compiled.py``), once it is hot."""
    runs: int = 0
    """Operations run with this (root) plan so far, while it has no ``run``."""


@dataclass(slots=True)
class Compiler:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDetails]
    variable_values: VariableValues
    operation: OperationDefinitionNode
    hide_suggestions: bool = False

    def root(self) -> ObjectPlan:
        if self.operation.operation is not OperationType.QUERY:
            raise Unsupported("only queries are planned")
        if any(details.variable_signatures for details in self.fragments.values()):
            raise Unsupported("fragment variables")
        root_type = self.schema.get_root_type(OperationType.QUERY)
        if root_type is None:
            raise Unsupported("no query type")
        try:
            collected = collect_fields(
                self.schema,
                self.fragments,
                self.variable_values,
                root_type,
                self.operation,
                self.hide_suggestions,
            )
            if collected.new_defer_usages or collected.forbidden_directive_instances:
                raise Unsupported("@defer")
            return self.object_plan(root_type, collected.grouped_field_set)
        except RecursionError as exc:
            raise Unsupported("selections nested too deeply") from exc

    def object_plan(self, object_type: GraphQLObjectType, grouped: GroupedFieldSet) -> ObjectPlan:
        plan = ObjectPlan(object_type, object_type.name)
        for response_name, details in grouped.items():
            planned = self.field_plan(object_type, response_name, details)
            if planned is not None:
                plan.fields.append(planned)
        return plan

    def field_plan(
        self, parent: GraphQLObjectType, response_name: str, details: FieldDetailsList
    ) -> FieldPlan | None:
        node = details[0].node
        name = node.name.value
        definition = self.schema.get_field(parent, name)
        if definition is None:
            return None  # graphql-core leaves the key out of the response
        if any(detail.node.directives and _streams(detail.node) for detail in details):
            raise Unsupported("@stream")
        plan = FieldPlan(
            response_name=response_name,
            kind=GENERIC,
            details=details,
            nodes=[detail.node for detail in details],
            parent_type=parent,
            parent_name=parent.name,
            definition=definition,
        )
        if name == "__typename":
            plan.kind = TYPENAME
            return plan
        if name.startswith("__") or definition.resolve is None:
            return plan
        try:
            plan.completion = self.completion(definition.type, parent, name, details)
        except Unsupported:
            return plan
        if plan.completion.kind == LEAF:
            plan.fast_type = plan.completion.fast_type
        self.bind_resolver(plan, node)
        return plan

    def bind_resolver(self, plan: FieldPlan, node: FieldNode) -> None:
        definition = plan.definition
        resolve = definition.resolve
        strawberry_field = definition.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        plan.kind = RESOLVER
        plan.resolve = resolve
        plan.takes_arguments = bool(definition.args or node.arguments)
        if not isinstance(strawberry_field, StrawberryField):
            return
        if (
            getattr(resolve, "__name__", None) == _BASIC_RESOLVER
            and strawberry_field.is_basic_field
            and type(strawberry_field).get_result is StrawberryField.get_result
            and strawberry_field.default_resolver is builtins.getattr
        ):
            plan.kind = ATTRIBUTE
            plan.attribute = strawberry_field.python_name
            return
        read = read_of(strawberry_field.metadata)
        gate = context_gate(strawberry_field)
        if (
            read is not None
            and gate is not None
            and not plan.takes_arguments
            and strawberry_field.base_resolver is not None
            and not strawberry_field.is_async
        ):
            plan.kind = AT_HAND
            plan.read = read
            plan.gate = gate
            return
        load_many = load_many_of(strawberry_field.metadata)
        if (
            load_many is not None
            and gate is not None
            and strawberry_field.is_async
            and strawberry_field.base_resolver is not None
            and not _has_exception_handlers(self.schema)
        ):
            # stays RESOLVER until a list level claims it (``_claim_batched``)
            plan.load_many = load_many
            plan.gate = gate
            plan.strawberry_field = strawberry_field

    def completion(
        self,
        of_type: GraphQLOutputType,
        parent: GraphQLObjectType,
        name: str,
        details: FieldDetailsList,
    ) -> Completion:
        non_null = isinstance(of_type, GraphQLNonNull)
        nullable: Any = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
        null_message = f"Cannot return null for non-nullable field {parent}.{name}."
        if isinstance(nullable, GraphQLList):
            item = self.completion(nullable.of_type, parent, name, details)
            listed = Completion(
                LIST,
                nullable,
                of_type,
                non_null,
                null_message,
                item=item,
                iterable_message=(
                    f"Expected Iterable, but did not find one for field '{parent}.{name}'."
                ),
            )
            if item.kind == OBJECT and item.plan is not None:
                _claim_batched(listed, item.plan)
            return listed
        if is_leaf_type(nullable):
            completion = Completion(LEAF, nullable, of_type, non_null, null_message)
            completion.coerce = nullable.coerce_output_value
            completion.fast_type = _identity_type(nullable)
            if isinstance(nullable, GraphQLEnumType):
                _bind_enum(completion, nullable)
            return completion
        if is_abstract_type(nullable) or not is_object_type(nullable):
            raise Unsupported("abstract type")
        object_type: GraphQLObjectType = nullable
        completion = Completion(OBJECT, object_type, of_type, non_null, null_message)
        if object_type.is_type_of is not None:
            definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if definition is None or getattr(definition, "is_type_of", True) is not None:
                raise Unsupported("a custom is_type_of may read the resolve info")
            # strawberry's own is_type_of (types implementing an interface) ignores the info
            completion.is_type_of = object_type.is_type_of
        collected = collect_subfields(
            self.schema,
            self.fragments,
            self.variable_values,
            self.operation,
            object_type,
            details,
            self.hide_suggestions,
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise Unsupported("@defer")
        completion.plan = self.object_plan(object_type, collected.grouped_field_set)
        return completion


def _batch_candidates(
    plan: ObjectPlan, chain: tuple[FieldPlan, ...]
) -> list[tuple[FieldPlan, tuple[FieldPlan, ...]]]:
    """Fields with a ``load_many`` below an item, through single objects (not lists)."""
    found: list[tuple[FieldPlan, tuple[FieldPlan, ...]]] = []
    for planned in plan.fields:
        completion = planned.completion
        if planned.load_many is not None and planned.kind == RESOLVER:
            found.append((planned, chain))
        elif (
            planned.kind in (ATTRIBUTE, AT_HAND, RESOLVER)
            and completion is not None
            and completion.kind == OBJECT
            and completion.plan is not None
        ):
            found.extend(_batch_candidates(completion.plan, (*chain, planned)))
    return found


def _settles_at_once(completion: Completion | None) -> bool:
    """Whether a value completes without calling a resolver that may return an awaitable:
    attributes, declared reads (sync resolvers) and ``__typename`` all the way down."""
    if completion is None:
        return False
    if completion.kind == LEAF:
        return True
    if completion.kind == LIST:
        return _settles_at_once(completion.item)
    if completion.plan is None:
        return False
    return all(
        planned.kind == TYPENAME
        or (planned.kind in (ATTRIBUTE, AT_HAND) and _settles_at_once(planned.completion))
        for planned in completion.plan.fields
    )


def _claim_batched(listed: Completion, item_plan: ObjectPlan) -> None:
    """Let the list level answer its one batchable field for all items at once."""
    found = _batch_candidates(item_plan, ())
    if len(found) != 1:
        return  # several: the items' resolvers would interleave; left to them
    batched, chain = found[0]
    if not _settles_at_once(batched.completion):
        return
    batched.kind = BATCHED
    batched.chain = True
    for step in chain:
        step.chain = True
    listed.batched = batched
    listed.chain = chain


def _has_exception_handlers(schema: GraphQLSchema) -> bool:
    """strawberry's exception handlers rewrite a resolver's errors; a batch would not."""
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    converter = getattr(strawberry_schema, "schema_converter", None)
    return converter is None or bool(getattr(converter, "_exception_handler_specs", ()))


def _streams(node: FieldNode) -> bool:
    return any(directive.name.value == "stream" for directive in node.directives or ())


def context_gate(strawberry_field: StrawberryField) -> tuple[ContextPermission, ...] | None:
    """The field's permissions when every extension is a permission check on the context
    alone; ``None`` when any extension could depend on more."""
    gate: list[ContextPermission] = []
    for extension in strawberry_field.extensions:
        if type(extension) is not PermissionExtension:
            return None
        for permission in extension.permissions:
            if not isinstance(permission, ContextPermission):
                return None
            gate.append(permission)
    return tuple(gate)


def _bind_enum(completion: Completion, enum_type: GraphQLEnumType) -> None:
    """A member -> name table for strawberry's enums (``CustomGraphQLEnumType``)."""
    wrapped = getattr(enum_type, "wrapped_cls", None)
    if not (isinstance(wrapped, type) and issubclass(wrapped, Enum)):
        return
    names: dict[Any, str] = {}
    for member in wrapped:
        try:
            names[member] = enum_type.coerce_output_value(member)
        except Exception:  # left to the real coercion at run time
            continue
    if hasattr(wrapped, "__await__"):
        return  # its members would be awaited by graphql-core: left to the real coercion
    completion.enum_class = wrapped
    completion.enum_names = names
