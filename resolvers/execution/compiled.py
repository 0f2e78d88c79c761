"""Each object plan's field loop, written out as Python once per plan.

``compile_plan`` gives every ``ObjectPlan`` of a plan tree a ``run(executor, source,
path)``: the executor's loop over the plan's fields (``PlannedExecutor._execute_fields``'s
contract: the object's result dict, or a coroutine of it) unrolled into straight code, one
block per field, with what the loop would look up per value (the field's kind, its
attribute, its identity type, its enum's name table, its child plan) bound as constants.
The common outcomes are taken in place:

- a value of the field's identity type (``str`` for ``String`` and ``ID``, ``bool``), a
  null in a nullable field, a member of the field's strawberry enum with a name;
- a built-in scalar value (``int``, ``datetime``, ``Decimal`` ...: ``NEVER_AWAITABLE``)
  passed to the type's output coercion, when that answers another built-in value;
- an object of a plain class (``is_plain``: no ``__await__``, no attribute hooks, neither
  an exception nor null) completed by its child plan's ``run`` after the type's
  ``is_type_of``;
- a ``list`` completed by the executor's list completion.

Everything else calls the executor's own per-field methods, the same calls the loop makes,
so that errors, null propagation, awaitables and ``BATCHED`` placeholders behave exactly as
there. ``tests/resolvers/execution/`` holds every planned answer to graphql-core's.

The compiled code is kept by its text (``_code``): plans written alike (the same selection
of the same type, in another document or another ``@skip``/``@include`` variant) share it,
each with its own constants.

"Plain" is decided per class: graphql-core's ``is_awaitable`` would also find an
``__await__`` set on one instance by hand, which nothing here does (and which Python's
``await`` itself ignores).
"""

from __future__ import annotations

import datetime as dt
import keyword
from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import lru_cache
from types import CodeType, CoroutineType, FunctionType
from typing import TYPE_CHECKING, Any, Final
from uuid import UUID

from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import Path, Undefined

from resolvers.execution.hints import NOT_AT_HAND
from resolvers.execution.plan import (
    AT_HAND,
    ATTRIBUTE,
    BATCHED,
    GENERIC,
    LEAF,
    LIST,
    OBJECT,
    RESOLVER,
    TYPENAME,
    Completion,
    FieldPlan,
    ObjectPlan,
    _NoFastType,
)

if TYPE_CHECKING:
    from resolvers.execution.executor import PlannedExecutor

Run = Callable[["PlannedExecutor", Any, Path | None], Any]

NEVER_AWAITABLE: Final = frozenset(
    {type(None), bool, int, float, str, dt.datetime, dt.date, dt.time, Decimal, UUID}
)
"""Built-in value types with no ``__await__`` and no instance attributes to add one."""

CODE_CACHE_SIZE: Final = 1024
_NOT_OBJECTS: Final = (type(None), type(Undefined))
"""Values completed as null, whatever their classes look like."""
_HOOKS: Final = ("__await__", "__getattr__", "__getattribute__", "__class__")
PLAIN: set[type] = set()
"""Classes found plain (``is_plain``); grows with the classes resolvers return."""
_NOT_PLAIN: set[type] = set()


def is_plain(cls: type) -> bool:
    """Whether any instance of ``cls`` is an object graphql-core completes without awaiting
    it or raising it: no ``__await__``, no hook that could answer for one, no exception."""
    if cls in PLAIN:
        return True
    if cls in _NOT_PLAIN:
        return False
    if (
        cls in _NOT_OBJECTS
        or issubclass(cls, BaseException)
        # object's own slots are the defaults
        or any(name in klass.__dict__ for klass in cls.__mro__[:-1] for name in _HOOKS)
    ):
        _NOT_PLAIN.add(cls)
        return False
    PLAIN.add(cls)
    return True


async def as_coroutine(awaitable: Awaitable[Any]) -> Any:
    """Any awaitable as a coroutine, the one kind of awaitable the plan passes around."""
    return await awaitable


def compile_plan(plan: ObjectPlan) -> None:
    """Give ``plan`` and every object plan below it their ``run``."""
    if plan.run is not None:
        return
    for field in plan.fields:
        for completion in _completions(field.completion):
            if completion.kind == OBJECT and completion.plan is not None:
                compile_plan(completion.plan)
    plan.run = _Writer(plan).function()


@lru_cache(maxsize=CODE_CACHE_SIZE)
def _code(source: str, name: str) -> CodeType:
    """The compiled ``run`` of ``source``, shared by every plan written alike (the same
    selection of the same type, in any document): only its constants differ."""
    module = compile(source, f"<plan of {name}>", "exec")
    return next(const for const in module.co_consts if isinstance(const, CodeType))


def source_of(plan: ObjectPlan) -> str:
    """The Python written for ``plan`` once it has run (for a debugger, and the tests)."""
    return _Writer(plan).source()


def _completions(completion: Completion | None) -> list[Completion]:
    found: list[Completion] = []
    while completion is not None:
        found.append(completion)
        completion = completion.item
    return found


class _Writer:
    """The source of one plan's ``run``, and the constants it reads."""

    def __init__(self, plan: ObjectPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.depth = 1
        self.constants: dict[str, Any] = {
            "CoroutineType": CoroutineType,
            "Path": Path,
            "Undefined": Undefined,
            "NOT_AT_HAND": NOT_AT_HAND,
            "NEVER": NEVER_AWAITABLE,
            "PLAIN": PLAIN,
            "is_plain": is_plain,
            "as_coroutine": as_coroutine,
            "invalid_return_type_error": invalid_return_type_error,
            "PLAN": plan,
            "OBJECT_TYPE": plan.object_type,
            "TYPE_NAME": plan.name,
        }

    def function(self) -> Run:
        source = self.source()
        return FunctionType(_code(source, self.plan.name), self.constants, "run")

    def source(self) -> str:
        tracks = any(field.chain for field in self.plan.fields)
        self.line("results = {}")
        self.line("pending = None")
        if tracks:
            self.line("registered = self._registered")
        self.line("try:")
        self.depth += 1
        for index, field in enumerate(self.plan.fields):
            self.field(index, field)
        if not self.plan.fields:
            self.line("pass")
        self.depth -= 1
        self.line("except Exception:")
        self.depth += 1
        if tracks:
            self.line("if registered != self._registered:")
            self.line("    pending = self._unbatch(PLAN, results, path)")
        self.line("if pending:")
        self.line("    self.settle_in_background([results[name] for name in pending])")
        self.line("raise")
        self.depth -= 1
        self.line("if pending is None:")
        self.line("    return results")
        if tracks:
            self.line("if registered != self._registered:")
            self.line("    pending = self._unbatch(PLAN, results, path)")
        self.line("return self._gather_fields(results, pending)")
        return "def run(self, source, path):\n" + "\n".join(self.lines) + "\n"

    # -- writing ------------------------------------------------------------------------

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def bind(self, prefix: str, index: int, value: Any) -> str:
        name = f"{prefix}{index}"
        self.constants[name] = value
        return name

    def store(self, name: str, expression: str) -> None:
        """Store the field's answer ``expression``, noting it when it is to be awaited."""
        self.line(f"pending = self._stored(results, {name}, {expression}, pending)")

    def store_completed(self, name: str) -> None:
        """``store`` of ``completed``, written out: the way of the common objects."""
        self.line(f"results[{name}] = completed")
        self.line("if type(completed) is CoroutineType:")
        self.line(f"    pending = self._stored(results, {name}, completed, pending)")

    def block(self) -> _Block:
        return _Block(self)

    # -- one field ----------------------------------------------------------------------

    def field(self, index: int, field: FieldPlan) -> None:
        name = repr(field.response_name)
        f = self.bind("F", index, field)
        self.line(f"# {field.parent_name}.{field.response_name}")
        kind = field.kind
        if kind == TYPENAME:
            self.line(f"results[{name}] = TYPE_NAME")
        elif kind == ATTRIBUTE:
            self.line("try:")
            attribute = field.attribute
            if attribute.isidentifier() and not keyword.iskeyword(attribute):
                self.line(f"    value = source.{attribute}")
            else:
                self.line(f"    value = getattr(source, {self.bind('A', index, attribute)})")
            self.line("except Exception as error:  # a field error, as in graphql-core")
            self.line(f"    results[{name}] = self._failed({f}, path, error)")
            self.line("else:")
            with self.block():
                self.value(field, index, name, f)
        elif kind == AT_HAND:
            read = self.bind("R", index, field.read)
            resolver = f"self._execute_resolver({f}, source, path)"
            if field.gate:
                self.line(f"if not self._allowed({f}):")
                with self.block():
                    self.store(name, resolver)
                self.line("else:")
                self.depth += 1
            self.line("try:")
            self.line(f"    value = {read}(source)")
            self.line("except Exception:  # the resolver raises it again, where it belongs")
            self.line("    value = NOT_AT_HAND")
            self.line("if value is NOT_AT_HAND:")
            with self.block():
                self.store(name, resolver)
            self.line("else:")
            with self.block():
                self.value(field, index, name, f)
            if field.gate:
                self.depth -= 1
        elif kind == RESOLVER:
            self.store(name, f"self._execute_resolver({f}, source, path)")
        elif kind == BATCHED:
            self.line(f"batch = self._batches.get({f})")
            self.line("if batch is None:  # not under its list level's loop: the item's way")
            with self.block():
                self.store(name, f"self._execute_resolver({f}, source, path)")
            self.line("else:")
            self.line(f"    results[{name}] = self._entry(batch, source, results, path)")
        else:
            assert kind == GENERIC
            self.line(
                f"completed = self.execute_field(OBJECT_TYPE, source, {f}.details, "
                f"Path(path, {name}, TYPE_NAME), None)"
            )
            self.line("if completed is not Undefined:")
            with self.block():
                self.line(
                    "if self.is_awaitable(completed) and type(completed) is not CoroutineType:"
                )
                self.line("    completed = as_coroutine(completed)")
                self.store(name, "completed")

    def value(self, field: FieldPlan, index: int, name: str, f: str) -> None:
        """Complete ``value``, what the field's attribute or declared read gave: the common
        cases written out, any other by ``_complete_field`` as the loop does."""
        completion: Completion = field.completion  # type: ignore[assignment]
        branch = "if"
        if completion.kind == LEAF and completion.fast_type is not _NoFastType:
            fast = self.bind("T", index, completion.fast_type)
            self.line(f"if type(value) is {fast}:")
            self.line(f"    results[{name}] = value")
            branch = "elif"
        if not completion.non_null:
            self.line(f"{branch} value is None:")
            self.line(f"    results[{name}] = None")
            branch = "elif"
        if completion.kind == LEAF and completion.enum_class is not None:
            enum = self.bind("E", index, completion.enum_class)
            names = self.bind("N", index, completion.enum_names)
            self.line(
                f"{branch} type(value) is {enum} and (named := {names}.get(value)) is not None:"
            )
            self.line(f"    results[{name}] = named")
        elif completion.kind == LEAF and completion.fast_type is _NoFastType:
            # Int, Float, DateTime, Decimal ...: the type's coercion, then the checks
            coerce = self.bind("K", index, completion.coerce)
            self.line(f"{branch} type(value) in NEVER and value is not None:")
            with self.block():
                self.line("try:")
                self.line(f"    coerced = {coerce}(value)")
                self.line("except Exception as error:  # a field error, as in graphql-core")
                self.line(f"    results[{name}] = self._failed({f}, path, error)")
                self.line("else:")
                self.line("    if coerced is not None and type(coerced) in NEVER:")
                self.line(f"        results[{name}] = coerced")
                self.line("    else:")
                self.depth += 2
                self.store(name, f"self._leaf_coerced({f}, path, value, coerced)")
                self.depth -= 2
        elif completion.kind in (OBJECT, LIST):
            self.written_out(completion, index, name, f, branch)
        self.line("else:")
        with self.block():
            self.store(name, f"self._complete_field({f}, path, value, None)")

    def written_out(
        self, completion: Completion, index: int, name: str, f: str, branch: str
    ) -> None:
        """An object of a plain class by its plan's ``run``, a ``list`` by the executor's
        list completion: ``_complete_result`` for them, written out."""
        if completion.kind == OBJECT:
            assert completion.plan is not None
            assert completion.plan.run is not None
            run = self.bind("P", index, completion.plan.run)
            self.line(f"{branch} type(value) in PLAIN or is_plain(type(value)):")
        else:
            whole = self.bind("C", index, completion)
            self.line(f"{branch} type(value) is list:")
        with self.block():
            self.line(f"child = Path(path, {name}, TYPE_NAME)")
            self.line("try:")
            if completion.kind == OBJECT:
                if completion.is_type_of is not None:
                    is_type_of = self.bind("I", index, completion.is_type_of)
                    nullable = self.bind("U", index, completion.nullable)
                    self.line(f"    if not {is_type_of}(value, None):")
                    self.line(
                        f"        raise invalid_return_type_error({nullable}, value, {f}.details)"
                    )
                self.line(f"    completed = {run}(self, value, child)")
            else:
                self.line(f"    completed = self._complete_list({whole}, {f}, value, child, None)")
            self.line("except Exception as raw_error:  # a field error, as in graphql-core")
            self.line(
                f"    self.handle_field_error(raw_error, {f}.return_type, {f}.details, child)"
            )
            self.line(f"    results[{name}] = None")
            self.line("else:")
            with self.block():
                self.line("if type(completed) is CoroutineType:")
                self.line(f"    completed = self._await_completed({f}, child, completed)")
                self.store_completed(name)


class _Block:
    """One level of indentation for the lines written inside ``with``."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer

    def __enter__(self) -> None:
        self.writer.depth += 1

    def __exit__(self, *_: object) -> None:
        self.writer.depth -= 1
