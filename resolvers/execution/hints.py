"""What a field may declare so that the planned executor answers it without calling it.

A field whose resolver only reads its source when what it needs is at hand (a customer's ERP
fields when the record came with the customer) declares that read with
``metadata=value_at_hand(read)``: ``read(source)`` returns the resolver's answer, or
``NOT_AT_HAND`` when only the resolver can tell. The planned executor calls ``read`` first
and the real resolver (its permission classes and extensions included) whenever ``read``
says ``NOT_AT_HAND`` or fails, so the declaration may only shorten the way to the very
value the resolver would return.

Such a field may carry permission classes that decide on the request's context alone
(``ContextPermission``: an ``allows(context)`` that ignores source and arguments); the
executor asks them once per operation and field. A denial goes through the real resolver,
which raises the field's usual error.

An async field that a list of objects asks for item by item (a page of customers, each with
its ``interactions``) may also declare how to answer it for many sources at once:
``metadata=batch_at_hand(load_many)``. ``load_many(sources, arguments, context)`` gets the
sources of the items in list order, the field's arguments as the resolver would get them and
the operation's context, and returns an awaitable of one answer per source (an ``Exception``
in a slot is that source's error). Raising, or an awaitable that raises, stands for every
source's resolver raising that error, so ``load_many`` may only raise what does not depend on
the source (arguments it refuses). The planned executor calls it once per list level where
that is sure to answer as the resolvers would (``executor.py``), and the real resolver
everywhere else.

A root query field may declare the read its resolver is about to make, so that it goes out
before execution starts: ``metadata=read_ahead(start)`` (``read_ahead.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, Protocol, runtime_checkable

AT_HAND_KEY: Final = "frontdesk.value_at_hand"
BATCH_KEY: Final = "frontdesk.batch_at_hand"
READ_AHEAD_KEY: Final = "frontdesk.read_ahead"


class _NotAtHand:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_AT_HAND"


NOT_AT_HAND: Final = _NotAtHand()
"""What a ``read`` returns when the value is not at hand: the resolver must run."""

Read = Callable[[Any], object]
LoadMany = Callable[[Sequence[Any], dict[str, Any], Any], Awaitable[Sequence[object]]]
ReadAhead = Callable[[Any, Any], Awaitable[object] | None]
"""``start(asked, context)``: ``asked`` is a ``read_ahead.Asked``."""


def value_at_hand(read: Read) -> dict[str, object]:
    """``metadata=`` for ``strawberry.field``: ``read(source)`` is the resolver's answer when
    it is not ``NOT_AT_HAND``."""
    return {AT_HAND_KEY: read}


def read_of(metadata: Mapping[str, object] | None) -> Read | None:
    """The declared ``read`` of a field's metadata, if any."""
    if not metadata:
        return None
    read = metadata.get(AT_HAND_KEY)
    return read if callable(read) else None


def batch_at_hand(load_many: LoadMany) -> dict[str, object]:
    """``metadata=`` for an async ``strawberry.field``: ``load_many(sources, arguments,
    context)`` answers the field for every source at once, in order."""
    return {BATCH_KEY: load_many}


def load_many_of(metadata: Mapping[str, object] | None) -> LoadMany | None:
    """The declared ``load_many`` of a field's metadata, if any."""
    if not metadata:
        return None
    load_many = metadata.get(BATCH_KEY)
    return load_many if callable(load_many) else None


def read_ahead(start: ReadAhead) -> dict[str, object]:
    """``metadata=`` for a root query field: ``start(asked, context)`` starts, without
    awaiting it, the read the resolver is about to make with the field's arguments (through
    the same DataLoader, so that the resolver's own read joins it) and returns it, or returns
    None (``read_ahead.py``)."""
    return {READ_AHEAD_KEY: start}


def read_ahead_of(metadata: Mapping[str, object] | None) -> ReadAhead | None:
    """The declared ``start`` of a field's metadata, if any."""
    if not metadata:
        return None
    start = metadata.get(READ_AHEAD_KEY)
    return start if callable(start) else None


@runtime_checkable
class ContextPermission(Protocol):
    """A permission class whose verdict depends on the request's context alone."""

    def allows(self, context: Any) -> bool:
        """The verdict of ``has_permission`` for any source and arguments."""
        ...
