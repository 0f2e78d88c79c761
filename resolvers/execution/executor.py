"""``PlannedExecutor``: graphql-core's executor, with planned queries run field by field.

Installed with ``Schema(execution_context_class=PlannedExecutor)``. For a query it looks up
(or compiles) the operation's plan (``plan.py``, ``cache.py``) and runs it; everything else
(mutations, subscriptions, an abort signal, hooks, resolver middleware, documents the plan
does not cover) goes to graphql-core's ``execute_operation`` unchanged.

Running a plan follows graphql-core's algorithm step for step, only with the decisions
taken once per document instead of once per value: the same resolver calls in the same
order, the same awaitables gathered at the same places (so DataLoader batches and the order
of errors are the same), the same ``handle_field_error`` and ``CollectedErrors`` (so null
propagation, error paths and locations are the same). What it saves is the per-field work
around the resolvers: collecting subfields, building a resolve info for fields that never
read one, dispatching on the return type, and argument coercion repeated for every item of
a list. Fields the plan marks ``GENERIC`` are handed to graphql-core's ``execute_field``.

A plan's objects run field by field (``_execute_fields``) for its first ``compile_after``
operations; then, once the document has shown it is sent again and again, each object plan's
loop is written out as Python (``compiled.py``): the same steps, with the common outcomes
taken in place and everything else through the same methods as here.

A list level that the plan lets answer a ``BATCHED`` field (``plan.py``) leaves a
placeholder (``_Entry``) in each item's result where graphql-core would start the field's
resolver coroutine, and, when every item completed without anything else to await, answers
all of them with one call of the field's ``load_many`` (``hints.py``) in one coroutine that
keeps graphql-core's timing: it loads where the items' tasks would take their first step,
fills in each answer in item order with the same error handling and null propagation, and
returns when graphql-core's gather would. Wherever that could differ, the placeholders turn
back into the very coroutines graphql-core would have made, before anything ran:
at a level that has other fields to await, at a list with other items to await, when an
error leaves the level (they are settled in the background as graphql-core settles its
own), for a single item, and when the field's permissions refuse or its arguments fail.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from types import CoroutineType
from typing import TYPE_CHECKING, Any, ClassVar, Final
from weakref import WeakKeyDictionary

import structlog
from graphql import GraphQLError, GraphQLResolveInfoHelpers, GraphQLSchema, OperationType
from graphql.execution.executor import collect_iterator_awaitables, invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_arguments

from resolvers.execution.cache import PlanCache
from resolvers.execution.compiled import (
    NEVER_AWAITABLE,
    PLAIN,
    as_coroutine,
    compile_plan,
    is_plain,
)
from resolvers.execution.hints import NOT_AT_HAND
from resolvers.execution.plan import (
    AT_HAND,
    ATTRIBUTE,
    BATCHED,
    LEAF,
    OBJECT,
    RESOLVER,
    TYPENAME,
    Compiler,
    Completion,
    FieldPlan,
    ObjectPlan,
    Unsupported,
)

if TYPE_CHECKING:
    from graphql import GraphQLResolveInfo
    from graphql.execution import ExecutionResult, ExperimentalIncrementalExecutionResults

    Result = ExecutionResult | ExperimentalIncrementalExecutionResults
    ResolveInfo = GraphQLResolveInfo[Any]

log = structlog.get_logger("frontdesk.graphql")

PLAN_CACHE_SIZE: Final = 256
COMPILE_AFTER: Final = 2
NEVER_COMPILED: Final = -(2**62)


_SHAREABLE_ARGUMENTS: Final = frozenset({type(None), bool, int, float, str})
"""Argument values that no resolver can change: one coerced dict serves every item."""


class _Entry:
    """A ``BATCHED`` field of one item, waiting in its object's result for the batch."""

    __slots__ = ("index", "path", "results", "source", "unbatched")

    def __init__(self, index: int, source: Any, results: dict[str, Any], path: Path) -> None:
        self.index = index
        self.source = source
        self.results = results
        """The result of the object the field belongs to."""
        self.path = path
        """That object's path."""
        self.unbatched = False
        """Turned back into the field's resolver coroutine: no longer the batch's."""


class _Batch:
    """The entries of one list level's ``BATCHED`` field while its items complete."""

    __slots__ = ("arguments", "entries", "index")

    def __init__(self, arguments: dict[str, Any]) -> None:
        self.arguments = arguments
        self.entries: list[_Entry] = []
        self.index = 0
        """The item being completed."""


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor that runs planned queries with less work per field."""

    plan_caches: ClassVar[WeakKeyDictionary[GraphQLSchema, PlanCache]] = WeakKeyDictionary()
    compile_after: ClassVar[int] = COMPILE_AFTER
    """Runs of a plan by ``_execute_fields`` before its loops are written out: a document
    sent once or twice does not pay for the writing (several ms for a large one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._arguments: dict[FieldPlan, dict[str, Any]] = {}
        self._gates: dict[FieldPlan, bool] = {}
        self._batches: dict[FieldPlan, _Batch] = {}
        """The ``BATCHED`` fields whose list level is completing its items right now."""
        self._registered = 0
        """Entries ever placed: a level that sees it change has one below it."""

    # -- choosing the way ---------------------------------------------------------------

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = self.plan() if serially is None else None
        if plan is None:
            return super().execute_operation(serially)
        return self._execute_plan(plan)

    def plan(self) -> ObjectPlan | None:
        """This operation's plan, or ``None`` when graphql-core must run it."""
        if (
            self.operation.operation is not OperationType.QUERY
            or self.abort_signal is not None
            or self.hooks is not None
            or (self.middleware_manager is not None and self.middleware_manager.middlewares)
        ):
            return None
        cache = self.plan_caches.get(self.schema)
        if cache is None:
            cache = self.plan_caches.setdefault(self.schema, PlanCache(PLAN_CACHE_SIZE))
        return cache.plan(
            self.operation, self.fragments, self.variable_values.coerced, self._compile
        )

    def _compile(self) -> ObjectPlan | None:
        compiler = Compiler(
            self.schema,
            self.fragments,
            self.variable_values,
            self.operation,
            self.hide_suggestions,
        )
        try:
            return compiler.root()
        except (Unsupported, GraphQLError):
            return None
        except Exception:  # a plan that cannot be made must not fail the request
            log.warning("query plan failed; graphql-core runs the operation", exc_info=True)
            return None

    def _write_out(self, plan: ObjectPlan) -> None:
        """Write the plan's loops out (``compiled.py``); on failure it stays interpreted."""
        try:
            compile_plan(plan)
        except Exception:  # a loop that cannot be written must not fail the request
            log.warning("query plan could not be compiled; it runs interpreted", exc_info=True)
            plan.runs = NEVER_COMPILED

    # -- the operation ------------------------------------------------------------------

    def _execute_plan(self, plan: ObjectPlan) -> Any:
        """``execute_operation`` for a planned query."""
        # graphql-core's helpers hold bound methods of the executor, which holds them: a
        # cycle that left the context, and all its loaders had read, to the cycle collector
        # once the operation was answered. A planned query makes no copies of its executor
        # (no @defer, no subscription events), so they may hold it weakly.
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=_weakly(self.gather_async_work), track=_weakly(self.track_async_work)
        )
        if plan.run is None:
            plan.runs += 1
            if plan.runs > self.compile_after:
                self._write_out(plan)
        try:
            result = self._run(plan, self.root_value, None)
            if type(result) is CoroutineType:
                return self._await_response(result)
            data = result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.finish(self.build_response(None))
        return self.finish(self.build_response(data))

    async def _await_response(self, result: Awaitable[dict[str, Any]]) -> Result:
        try:
            data = await result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
        except Exception:
            await self.cancel_incremental_work()
            self.run_async_work_finished_hook()
            raise
        return self.build_response(data)

    # -- fields of an object ------------------------------------------------------------

    def _run(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        """``execute_fields``: a dict, or a coroutine of it when a field is awaitable; by
        the plan's written-out loop once it has one."""
        run = plan.run
        if run is None:
            return self._execute_fields(plan, source, path)
        return run(self, source, path)

    def _execute_fields(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        """``execute_fields``, field by field (``compiled.py`` writes the same loop out)."""
        results: dict[str, Any] = {}
        pending: list[str] | None = None
        registered = self._registered
        try:
            for field in plan.fields:
                kind = field.kind
                if kind == ATTRIBUTE:
                    try:
                        value = getattr(source, field.attribute)
                    except Exception as error:  # a field error, as in graphql-core
                        results[field.response_name] = self._failed(field, path, error)
                        continue
                    if type(value) is field.fast_type:
                        results[field.response_name] = value
                        continue
                    completed = self._complete_field(field, path, value, None)
                elif kind == AT_HAND:
                    completed = self._execute_at_hand(field, source, path)
                elif kind == RESOLVER:
                    completed = self._execute_resolver(field, source, path)
                elif kind == TYPENAME:
                    results[field.response_name] = plan.name
                    continue
                elif kind == BATCHED:
                    batch = self._batches.get(field)
                    if batch is None:  # not under its list level's loop: the item's way
                        completed = self._execute_resolver(field, source, path)
                    else:
                        results[field.response_name] = self._entry(batch, source, results, path)
                        continue
                else:
                    completed = self.execute_field(
                        plan.object_type,
                        source,
                        field.details,
                        Path(path, field.response_name, plan.name),
                        None,
                    )
                    if completed is Undefined:
                        continue
                    if self.is_awaitable(completed) and type(completed) is not CoroutineType:
                        completed = as_coroutine(completed)
                results[field.response_name] = completed
                if type(completed) is CoroutineType:
                    if pending is None:
                        pending = [field.response_name]
                    else:
                        pending.append(field.response_name)
        except Exception:
            if registered != self._registered:
                pending = self._unbatch(plan, results, path)
            if pending:
                self.settle_in_background([results[name] for name in pending])
            raise
        if pending is None:
            return results
        if registered != self._registered:
            pending = self._unbatch(plan, results, path)
        return self._gather_fields(results, pending)  # type: ignore[arg-type]

    @staticmethod
    def _stored(
        results: dict[str, Any], name: str, completed: Any, pending: list[str] | None
    ) -> list[str] | None:
        """Store a field's answer; one to await joins ``pending`` (made when needed)."""
        results[name] = completed
        if type(completed) is CoroutineType:
            if pending is None:
                return [name]
            pending.append(name)
        return pending

    def _entry(
        self, batch: _Batch, source: Any, results: dict[str, Any], path: Path | None
    ) -> _Entry:
        """A ``BATCHED`` field's placeholder in ``results``, registered with its batch."""
        entry = _Entry(batch.index, source, results, path)  # type: ignore[arg-type]
        batch.entries.append(entry)
        self._registered += 1
        return entry

    async def _gather_fields(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            name = pending[0]
            results[name] = await results[name]
        else:
            awaited = await gather_with_cancel(*(results[name] for name in pending))
            results.update(zip(pending, awaited, strict=True))
        return results

    # -- batched fields turned back into resolver coroutines ------------------------------

    def _unbatch(
        self, plan: ObjectPlan, results: dict[str, Any], path: Path | None
    ) -> list[str] | None:
        """Replace the entries below ``results`` by what graphql-core would have there: the
        field's resolver coroutine, and each object above it awaiting its fields. Returns
        the names of the fields left to await, in response order (``None`` if none)."""
        for field in plan.fields:
            if not field.chain:
                continue
            name = field.response_name
            value = results.get(name)
            if type(value) is _Entry:
                value.unbatched = True
                results[name] = self._execute_resolver(field, value.source, path)
            elif type(value) is dict:
                child = Path(path, name, field.parent_name)
                inner = self._unbatched(field.completion.plan, value, child)  # type: ignore[union-attr,arg-type]
                if type(inner) is CoroutineType:
                    results[name] = self._await_completed(field, child, inner)
        pending = [name for name, value in results.items() if type(value) is CoroutineType]
        return pending or None

    def _unbatched(self, plan: ObjectPlan, results: dict[str, Any], path: Path | None) -> Any:
        """``_execute_fields``' answer for ``results`` once its entries are unbatched."""
        pending = self._unbatch(plan, results, path)
        if pending is None:
            return results
        return self._gather_fields(results, pending)

    # -- one field ----------------------------------------------------------------------

    def _execute_at_hand(self, field: FieldPlan, source: Any, path: Path | None) -> Any:
        """A declared read of the source, or the real resolver when it cannot answer."""
        if field.gate and not self._allowed(field):
            return self._execute_resolver(field, source, path)
        try:
            value = field.read(source)  # type: ignore[misc]
        except Exception:  # the resolver raises it again, where it belongs
            return self._execute_resolver(field, source, path)
        if value is NOT_AT_HAND:
            return self._execute_resolver(field, source, path)
        if type(value) is field.fast_type:
            return value
        return self._complete_field(field, path, value, None)

    def _allowed(self, field: FieldPlan) -> bool:
        """The verdict of the field's context permissions, asked once per operation."""
        allowed = self._gates.get(field)
        if allowed is None:
            context = self.context_value
            allowed = all(permission.allows(context) for permission in field.gate)
            self._gates[field] = allowed
        return allowed

    def _execute_resolver(self, field: FieldPlan, source: Any, parent: Path | None) -> Any:
        """``execute_field`` for a field with a resolver."""
        path = Path(parent, field.response_name, field.parent_name)
        info = self.build_resolve_info(field.definition, field.nodes, field.parent_type, path)
        try:
            arguments = self._arguments_of(field) if field.takes_arguments else {}
            result = field.resolve(source, info, **arguments)  # type: ignore[misc]
        except Exception as raw_error:  # a field error, as in graphql-core
            self.handle_field_error(raw_error, field.return_type, field.details, path)
            return None
        return self._complete_result(field, info, path, result)

    def _complete_field(
        self, field: FieldPlan, parent: Path | None, result: Any, info: ResolveInfo | None
    ) -> Any:
        """``execute_field`` after its resolver returned ``result``."""
        completion: Completion = field.completion  # type: ignore[assignment]
        if result is None and not completion.non_null:
            return None  # no path: nothing can fail
        if completion.kind == LEAF and (
            type(result) in NEVER_AWAITABLE or type(result) is completion.enum_class
        ):
            # a leaf value that cannot be awaitable: no path unless it fails
            try:
                completed = self._complete_leaf(completion, result)
            except Exception as raw_error:  # a field error, as in graphql-core
                return self._failed(field, parent, raw_error)
            return self._leaf_answer(field, parent, completed)
        path = Path(parent, field.response_name, field.parent_name)
        return self._complete_result(field, info, path, result)

    def _complete_result(
        self, field: FieldPlan, info: ResolveInfo | None, path: Path, result: Any
    ) -> Any:
        """``execute_field``'s completion of a resolver's ``result`` at ``path``, awaited or
        not, with its error handling."""
        try:
            if self.is_awaitable(result):
                return self._complete_awaitable_value(field, info, path, result)
            completed = self._complete(field.completion, field, result, path, info)  # type: ignore[arg-type]
            if type(completed) is CoroutineType:
                return self._await_completed(field, path, completed)
            return completed
        except Exception as raw_error:  # a field error, as in graphql-core
            self.handle_field_error(raw_error, field.return_type, field.details, path)
            return None

    def _failed(self, field: FieldPlan, parent: Path | None, error: Exception) -> Any:
        path = Path(parent, field.response_name, field.parent_name)
        self.handle_field_error(error, field.return_type, field.details, path)
        return None

    def _arguments_of(self, field: FieldPlan) -> dict[str, Any]:
        """The field's coerced arguments: they depend on the document and the variables
        only, so all the items of a list share them (when no resolver could change them)."""
        arguments = self._arguments.get(field)
        if arguments is None:
            first = field.details[0]
            arguments = get_argument_values(
                field.definition,
                first.node,
                self.variable_values,
                first.fragment_variable_values,
                self.hide_suggestions,
            )
            if all(
                type(value) in _SHAREABLE_ARGUMENTS or isinstance(value, Enum)
                for value in arguments.values()
            ):
                self._arguments[field] = arguments
        return arguments

    async def _complete_awaitable_value(
        self, field: FieldPlan, info: ResolveInfo | None, path: Path, result: Any
    ) -> Any:
        try:
            resolved = await result
            completed = self._complete(field.completion, field, resolved, path, info)  # type: ignore[arg-type]
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:  # a field error, as in graphql-core
            self.handle_field_error(raw_error, field.return_type, field.details, path)
            completed = None
        return completed

    async def _await_completed(self, field: FieldPlan, path: Path, completed: Any) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # a field error, as in graphql-core
            self.handle_field_error(raw_error, field.return_type, field.details, path)
            return None

    # -- completing values --------------------------------------------------------------

    def _complete(
        self,
        completion: Completion,
        field: FieldPlan,
        result: Any,
        path: Path,
        info: ResolveInfo | None,
    ) -> Any:
        """``complete_value`` for one level of the field's type."""
        kind = completion.kind
        if kind == LEAF:
            return self._complete_leaf(completion, result)
        if kind == OBJECT:
            return self._complete_object(completion, field, result, path)
        if _completes_to_null(completion, result):
            return None
        return self._complete_list(completion, field, result, path, info)

    def _complete_leaf(self, completion: Completion, result: Any) -> Any:
        """``complete_value`` and ``complete_leaf_value`` for a scalar or an enum."""
        if type(result) is completion.fast_type:
            return result
        if _completes_to_null(completion, result):
            return None
        if completion.enum_class is not None and type(result) is completion.enum_class:
            name = completion.enum_names.get(result)  # type: ignore[union-attr]
            if name is not None:
                return name
        return self._coerced(completion, result, completion.coerce(result))  # type: ignore[misc]

    def _coerced(self, completion: Completion, result: Any, coerced: Any) -> Any:
        """``complete_leaf_value`` once the type's output coercion answered ``coerced``."""
        if coerced is Undefined or coerced is None:
            raise TypeError(
                f"Expected `{inspect(completion.nullable)}.coerce_output_value("
                f"{inspect(result)})` to return non-nullable value, returned:"
                f" {inspect(coerced)}"
            )
        if type(coerced) not in NEVER_AWAITABLE and self.is_awaitable(coerced):
            return as_coroutine(coerced)
        return coerced

    def _leaf_coerced(
        self, field: FieldPlan, parent: Path | None, result: Any, coerced: Any
    ) -> Any:
        """``_complete_field``'s answer for a leaf whose coercion answered ``coerced``."""
        try:
            completed = self._coerced(field.completion, result, coerced)  # type: ignore[arg-type]
        except Exception as raw_error:  # a field error, as in graphql-core
            return self._failed(field, parent, raw_error)
        return self._leaf_answer(field, parent, completed)

    def _leaf_answer(self, field: FieldPlan, parent: Path | None, completed: Any) -> Any:
        """A completed leaf, awaited at the field's path when it is a coroutine."""
        if type(completed) is not CoroutineType:
            return completed
        path = Path(parent, field.response_name, field.parent_name)
        return self._await_completed(field, path, completed)

    def _complete_object(
        self, completion: Completion, field: FieldPlan, result: Any, path: Path
    ) -> Any:
        """``complete_value`` and ``complete_object_value`` for an object type."""
        # a plain object is neither an exception nor null
        if type(result) not in PLAIN and _completes_to_null(completion, result):
            return None
        is_type_of = completion.is_type_of
        if is_type_of is not None and not is_type_of(result, None):
            raise invalid_return_type_error(
                completion.nullable,  # type: ignore[arg-type]
                result,
                field.details,
            )
        return self._run(completion.plan, result, path)  # type: ignore[arg-type]

    def _complete_list(
        self,
        completion: Completion,
        field: FieldPlan,
        result: Any,
        path: Path,
        info: ResolveInfo | None,
    ) -> Any:
        """``complete_list_value`` and ``complete_iterable_value``."""
        if type(result) is not list:
            if self.is_async_iterable(result):
                # graphql-core's own completion: a coroutine over the iterator
                return self.complete_list_value(
                    completion.nullable,  # type: ignore[arg-type]
                    field.details,
                    info or self._field_info(field, path),
                    path,
                    result,
                    None,
                )
            if not is_iterable(result):
                raise GraphQLError(completion.iterable_message)
        item: Completion = completion.item  # type: ignore[assignment]
        if completion.batched is not None:
            batch = self._open_batch(completion.batched)
            if batch is not None:
                return self._complete_batched_list(completion, field, result, path, batch)
        item_type = item.declared_type
        item_is_object = item.kind == OBJECT
        is_awaitable = self.is_awaitable
        plain = PLAIN  # objects of these classes are never awaitable
        completed_results: list[Any] = []
        append = completed_results.append
        awaitable_indices: list[int] = []
        iterator = iter(result)
        index = 0
        try:
            for value in iterator:
                item_path = Path(path, index, None)
                if type(value) not in plain and not is_plain(type(value)) and is_awaitable(value):
                    append(self._complete_awaitable_item(item, field, value, item_path, info))
                    awaitable_indices.append(index)
                else:
                    try:
                        if item_is_object:
                            completed = self._complete_object(item, field, value, item_path)
                        else:
                            completed = self._complete(item, field, value, item_path, info)
                        if type(completed) is CoroutineType:
                            append(self._await_item(item_type, field, completed, item_path))
                            awaitable_indices.append(index)
                        else:
                            append(completed)
                    except Exception as raw_error:  # as in graphql-core
                        self.handle_field_error(raw_error, item_type, field.details, item_path)
                        append(None)
                index += 1
        except Exception:
            awaitables = [completed_results[i] for i in awaitable_indices]
            awaitables.extend(collect_iterator_awaitables(iterator, is_awaitable))
            if awaitables:
                self.settle_in_background(awaitables)
            raise
        if not awaitable_indices:
            return completed_results
        return self._gather_items(completed_results, awaitable_indices)

    # -- a list level answering its batched field ------------------------------------------

    def _open_batch(self, batched: FieldPlan) -> _Batch | None:
        """A batch for the field, or ``None`` when its items must call the resolver: its
        permissions refuse (the resolver raises the error) or its arguments do not coerce
        (graphql-core raises it for every item before the resolver runs)."""
        if batched in self._batches:
            return None
        if batched.gate and not self._allowed(batched):
            return None
        try:
            arguments = self._arguments_of(batched) if batched.takes_arguments else {}
        except Exception:  # raised again by each item, where it belongs
            return None
        return _Batch(arguments)

    def _complete_batched_list(
        self,
        completion: Completion,
        field: FieldPlan,
        result: Any,
        path: Path,
        batch: _Batch,
    ) -> Any:
        """``_complete_list`` with the items' ``BATCHED`` field left as entries."""
        item: Completion = completion.item  # type: ignore[assignment]
        item_type = item.declared_type
        batched: FieldPlan = completion.batched  # type: ignore[assignment]
        is_awaitable = self.is_awaitable
        plain = PLAIN  # objects of these classes are never awaitable
        completed_results: list[Any] = []
        append = completed_results.append
        awaitable_indices: list[int] = []
        iterator = iter(result)
        index = 0
        self._batches[batched] = batch
        try:
            for value in iterator:
                item_path = Path(path, index, None)
                batch.index = index
                if type(value) not in plain and not is_plain(type(value)) and is_awaitable(value):
                    append(self._complete_awaitable_item(item, field, value, item_path, None))
                    awaitable_indices.append(index)
                else:
                    try:
                        completed = self._complete_object(item, field, value, item_path)
                        if type(completed) is CoroutineType:
                            append(self._await_item(item_type, field, completed, item_path))
                            awaitable_indices.append(index)
                        else:
                            append(completed)
                    except Exception as raw_error:  # as in graphql-core
                        self.handle_field_error(raw_error, item_type, field.details, item_path)
                        append(None)
                index += 1
        except Exception:
            del self._batches[batched]
            self._unbatch_items(completion, field, path, batch, completed_results)
            awaitables = [
                completed_results[i]
                for i in range(len(completed_results))
                if type(completed_results[i]) is CoroutineType
            ]
            awaitables.extend(collect_iterator_awaitables(iterator, is_awaitable))
            if awaitables:
                self.settle_in_background(awaitables)
            raise
        del self._batches[batched]
        entries = [entry for entry in batch.entries if not entry.unbatched]
        if awaitable_indices or len(entries) < 2:
            # graphql-core's own gather (or a single item awaited directly) decides
            self._unbatch_items(completion, field, path, batch, completed_results)
            indices = [
                i
                for i in range(len(completed_results))
                if type(completed_results[i]) is CoroutineType
            ]
            if not indices:
                return completed_results
            return self._gather_items(completed_results, indices)
        return self._finish_batch(completion, field, path, batch, entries, completed_results)

    def _unbatch_items(
        self,
        completion: Completion,
        field: FieldPlan,
        path: Path,
        batch: _Batch,
        completed_results: list[Any],
    ) -> None:
        """Turn the items holding entries into what graphql-core would have made of them."""
        item: Completion = completion.item  # type: ignore[assignment]
        indices = dict.fromkeys(entry.index for entry in batch.entries if not entry.unbatched)
        for index in indices:
            value = completed_results[index]
            if type(value) is not dict:
                continue
            item_path = Path(path, index, None)
            inner = self._unbatched(item.plan, value, item_path)  # type: ignore[arg-type]
            if type(inner) is CoroutineType:
                completed_results[index] = self._await_item(
                    item.declared_type, field, inner, item_path
                )

    async def _finish_batch(
        self,
        completion: Completion,
        field: FieldPlan,
        path: Path,
        batch: _Batch,
        entries: list[_Entry],
        completed_results: list[Any],
    ) -> list[Any]:
        """What gathering the items' coroutines would do, with one ``load_many``."""
        batched: FieldPlan = completion.batched  # type: ignore[assignment]
        # graphql-core's gather starts a task per item: their first step is a turn later
        await asyncio.sleep(0)
        values: Sequence[Any]
        try:
            strawberry_field = batched.strawberry_field
            converter = self.schema._strawberry_schema.schema_converter  # type: ignore[attr-defined]
            arguments = convert_arguments(
                batch.arguments,
                strawberry_field.arguments,  # type: ignore[union-attr]
                scalar_registry=converter.scalar_registry,
                config=converter.config,
            )
            values = await batched.load_many(  # type: ignore[misc]
                [entry.source for entry in entries], arguments, self.context_value
            )
            if len(values) != len(entries):
                raise TypeError(
                    f"load_many of {batched.parent_name}.{batched.response_name} answered "
                    f"{len(values)} values for {len(entries)} sources"
                )
        except Exception as error:  # every item's resolver raises it
            values = [error] * len(entries)
        failed: GraphQLError | None = None
        late: list[tuple[_Entry, Any]] = []
        for entry, value in zip(entries, values, strict=True):
            outcome = self._fill(completion, entry, value, path, completed_results)
            if type(outcome) is CoroutineType:
                late.append((entry, outcome))
            elif outcome is not None:
                failed = self._item_failed(field, path, entry, outcome, completed_results, failed)
        if late:
            # only values that do not complete as their plan said (an attribute holding an
            # awaitable): each awaited on its own, as the items' tasks would
            outcomes = await gather_with_cancel(*(outcome for _, outcome in late))
            for (entry, _), reached in zip(late, outcomes, strict=True):
                if reached is not None:
                    failed = self._item_failed(
                        field, path, entry, reached, completed_results, failed
                    )
        # then graphql-core's gather hands its result (or its first error) on
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        if failed is not None:
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            raise failed
        return completed_results

    def _item_failed(
        self,
        field: FieldPlan,
        path: Path,
        entry: _Entry,
        error: GraphQLError,
        completed_results: list[Any],
        failed: GraphQLError | None,
    ) -> GraphQLError | None:
        """An error that reached the item: null it, or keep the list's first error."""
        item_type = field.completion.item.declared_type  # type: ignore[union-attr]
        try:
            self.handle_field_error(error, item_type, field.details, Path(path, entry.index, None))
        except GraphQLError as located:
            return failed if failed is not None else located
        completed_results[entry.index] = None
        return failed

    def _fill(
        self,
        completion: Completion,
        entry: _Entry,
        value: Any,
        path: Path,
        completed_results: list[Any],
    ) -> Any:
        """Complete one item's answer in place of its entry. ``None``, or the error that
        nulls the whole item, or a coroutine of either."""
        batched: FieldPlan = completion.batched  # type: ignore[assignment]
        field_path = Path(entry.path, batched.response_name, batched.parent_name)
        try:
            completed = self._complete(batched.completion, batched, value, field_path, None)  # type: ignore[arg-type]
        except Exception as raw_error:  # a field error, as in graphql-core
            return self._fill_failed(completion, entry, raw_error, path, completed_results)
        if type(completed) is CoroutineType:
            return self._fill_late(completion, entry, completed, path, completed_results)
        entry.results[batched.response_name] = completed
        return None

    async def _fill_late(
        self,
        completion: Completion,
        entry: _Entry,
        completed: Any,
        path: Path,
        completed_results: list[Any],
    ) -> GraphQLError | None:
        try:
            value = await completed
        except Exception as raw_error:  # a field error, as in graphql-core
            return self._fill_failed(completion, entry, raw_error, path, completed_results)
        entry.results[completion.batched.response_name] = value  # type: ignore[union-attr]
        return None

    def _fill_failed(
        self,
        completion: Completion,
        entry: _Entry,
        raw_error: Exception,
        path: Path,
        completed_results: list[Any],
    ) -> GraphQLError | None:
        """The field's error, handled where graphql-core would: at the field, then at each
        object above it on its way out, up to the item (whose list handles the rest)."""
        batched: FieldPlan = completion.batched  # type: ignore[assignment]
        field_path = Path(entry.path, batched.response_name, batched.parent_name)
        try:
            self.handle_field_error(raw_error, batched.return_type, batched.details, field_path)
        except GraphQLError as located:
            error = located
        else:
            entry.results[batched.response_name] = None
            return None
        # the objects from the item down to the field's own
        levels: list[tuple[dict[str, Any], FieldPlan, Path]] = []
        results: dict[str, Any] = completed_results[entry.index]
        level_path = Path(path, entry.index, None)
        for step in completion.chain:
            child_path = Path(level_path, step.response_name, step.parent_name)
            levels.append((results, step, child_path))
            results = results[step.response_name]
            level_path = child_path
        for results, step, child_path in reversed(levels):
            try:
                self.handle_field_error(error, step.return_type, step.details, child_path)
            except GraphQLError as located:
                error = located
                continue
            results[step.response_name] = None
            return None
        return error

    async def _gather_items(self, results: list[Any], indices: list[int]) -> list[Any]:
        if len(indices) == 1:
            index = indices[0]
            results[index] = await results[index]
        else:
            awaited = await gather_with_cancel(*(results[index] for index in indices))
            for index, value in zip(indices, awaited, strict=True):
                results[index] = value
        return results

    async def _complete_awaitable_item(
        self,
        item: Completion,
        field: FieldPlan,
        value: Any,
        path: Path,
        info: ResolveInfo | None,
    ) -> Any:
        try:
            resolved = await value
            completed = self._complete(item, field, resolved, path, info)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:  # as in graphql-core
            self.handle_field_error(raw_error, item.declared_type, field.details, path)
            return None
        return completed

    async def _await_item(
        self, item_type: Any, field: FieldPlan, completed: Any, path: Path
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # as in graphql-core
            self.handle_field_error(raw_error, item_type, field.details, path)
            return None

    def _field_info(self, field: FieldPlan, path: Path) -> ResolveInfo:
        """The resolve info graphql-core built for the field (at the field's own path)."""
        while isinstance(path.key, int) and path.prev is not None:
            path = path.prev
        return self.build_resolve_info(field.definition, field.nodes, field.parent_type, path)


def _weakly(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` of an object that the returned function does not keep alive."""
    held = weakref.WeakMethod(method)

    def call(*args: Any) -> Any:
        bound = held()
        if bound is None:
            raise RuntimeError("the operation's execution has ended")
        return bound(*args)

    return call


def _completes_to_null(completion: Completion, result: Any) -> bool:
    """``complete_value``'s first steps: an error is raised, a null where the type says
    non-null is refused; whether ``result`` is a null the field completes to."""
    if isinstance(result, Exception):
        raise result
    if result is None or result is Undefined:
        if completion.non_null:
            raise TypeError(completion.null_message)
        return True
    return False
