"""A schema made of the cases an executor can get wrong, for differential tests.

Each ``Item`` behaves by its number, the same way every time: some fields raise, return
null where the type says non-null, return a value the scalar cannot serialize, an
``Exception`` instance, an awaitable, a list holding awaitables, or an object of the wrong
type; async fields finish after a number of event-loop turns that depends on the item, so
that concurrent errors arrive in an order the executor's scheduling decides. Resolvers
write what they do to ``Log.calls`` and the DataLoader its batches to ``Log.batches``: both
executors must call the same resolvers in the same order and batch the same keys.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache
from strawberry.permission import BasePermission

from resolvers.execution.hints import NOT_AT_HAND, batch_at_hand, value_at_hand


@dataclass
class Log:
    deny: bool = False
    """``ByContext`` denies every request of this operation."""
    calls: list[str] = field(default_factory=list)
    batches: list[tuple[int, ...]] = field(default_factory=list)
    load_many_calls: int = 0
    """How often a list answered ``page`` at once (the reference executor never does)."""
    loader: DataLoader[int, Item | None] = field(init=False)

    def __post_init__(self) -> None:
        async def load(keys: list[int]) -> list[Item | None]:
            self.batches.append(tuple(keys))
            return [None if key % 7 == 0 else item(key) for key in keys]

        self.loader = DataLoader(load_fn=load)


Info = strawberry.Info[Log, None]


async def _turns(number: int) -> None:
    for _ in range(number % 4):
        await asyncio.sleep(0)


class Refused(BasePermission):
    message = "Refused."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(getattr(source, "number", 0) % 2)


class ByContext(BasePermission):
    """Decides on the context alone, so that an at-hand read applies."""

    message = "Not now."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return self.allows(info.context)

    def allows(self, context: Log) -> bool:
        return not context.deny


@strawberry.enum
class Color(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.interface
class Named:
    name: str


def _doubled(root: Item) -> int:
    return root.number * 2


def _hand(source: Item) -> object:
    return f"hand {source.number}" if source.number % 2 else NOT_AT_HAND


@strawberry.type
class Page:
    """What ``Item.page`` answers: attributes only, so that a list can batch it."""

    number: int
    label: str
    strict: str
    """Missing (null) on some pages: the page, then its item, are nulled."""
    note: str | None
    lines: list[str]


def _page_of(number: int, loaded: Item | None, first: int) -> Page:
    if loaded is None:
        raise LookupError(f"no page behind {number}")
    return Page(
        number=number,
        label=f"page {number} of {loaded.number}",
        strict=None if number % 4 == 1 else "strict",  # type: ignore[arg-type]
        note=f"note {number}" if number % 2 else None,
        lines=[f"line {n}" for n in range(first)],
    )


def _checked(first: int) -> int:
    if first < 1:
        raise ValueError(f"first must be positive, got {first}")
    return first


async def _page(root: Item, info: Info, first: int = 2) -> Page:
    info.context.calls.append(f"page {root.number}")
    _checked(first)
    loaded = await info.context.loader.load(root.number + 100)
    return _page_of(root.number, loaded, first)


def _pages(sources: Sequence[Item], arguments: dict[str, Any], context: Log) -> Awaitable[Any]:
    context.load_many_calls += 1
    context.calls.extend(f"page {source.number}" for source in sources)
    first = _checked(arguments["first"])
    loads = [context.loader.load(source.number + 100) for source in sources]

    async def pages() -> list[object]:
        answers: list[object] = []
        for source, loading in zip(sources, loads, strict=True):
            try:
                answers.append(_page_of(source.number, await loading, first))
            except LookupError as error:
                answers.append(error)
        return answers

    return pages()


def item(number: int) -> Item:
    return Item(name=f"item {number}", number=number)


@strawberry.type
class Item(Named):
    number: int
    maybe: str | None = None
    color: Color = Color.RED
    at: dt.datetime = dt.datetime(2024, 5, 17, 12, 30, tzinfo=dt.UTC)
    amount: Decimal = Decimal("12.50")
    doubled: int = strawberry.field(resolver=_doubled)
    fragile: str | None = strawberry.field(default_factory=lambda: "here")
    """Missing on some items: reading it raises AttributeError."""

    def __post_init__(self) -> None:
        if self.number % 5 == 2:
            del self.fragile
        if self.number % 3 == 0:
            self.maybe = f"maybe {self.number}"
        self.color = Color.GREEN if self.number % 2 else Color.RED

    @strawberry.field
    def must(self, info: Info) -> str:
        info.context.calls.append(f"must {self.number}")
        if self.number % 5 == 0:
            raise ValueError(f"must failed at {self.number}")
        return None if self.number % 4 == 0 else f"must {self.number}"  # type: ignore[return-value]

    @strawberry.field
    async def later(self, info: Info) -> str | None:
        info.context.calls.append(f"later {self.number}")
        await _turns(self.number)
        if self.number % 3 == 1:
            raise RuntimeError(f"later failed at {self.number}")
        return f"later {self.number}"

    @strawberry.field
    async def later_must(self, info: Info) -> str:
        info.context.calls.append(f"later_must {self.number}")
        await _turns(self.number + 1)
        return None if self.number % 6 == 5 else "fine"  # type: ignore[return-value]

    @strawberry.field
    def children(self, info: Info, first: int = 3) -> list[Item | None]:
        info.context.calls.append(f"children {self.number}")
        return [
            None if n % 11 == 0 else item(n)
            for n in range(self.number * 10 + 1, self.number * 10 + 1 + first)
        ]

    @strawberry.field
    def strict_children(self, info: Info) -> list[Item]:
        info.context.calls.append(f"strict_children {self.number}")
        return [item(n) if n % 4 else None for n in (self.number + 1, self.number + 2)]  # type: ignore[misc]

    @strawberry.field
    async def loaded(self, info: Info) -> Item | None:
        return await info.context.loader.load(self.number + 1)

    @strawberry.field
    def wrong(self) -> int | None:
        return "not a number" if self.number % 2 else self.number  # type: ignore[return-value]

    @strawberry.field
    def huge(self) -> int:
        return 2**40 if self.number % 3 == 0 else 7

    @strawberry.field
    def error_value(self) -> str | None:
        return ValueError("returned, not raised") if self.number % 2 else "ok"  # type: ignore[return-value]

    @strawberry.field
    def awaitable(self) -> str | None:
        async def value() -> str:
            await _turns(self.number)
            return f"awaited {self.number}"

        return value()  # type: ignore[return-value]

    @strawberry.field
    def awaitable_items(self) -> list[str | None]:
        async def item(n: int) -> str | None:
            await _turns(n)
            if n % 3 == 0:
                raise ValueError(f"item {n} failed")
            return f"item {n}"

        return [item(self.number + n) if n % 2 else f"plain {n}" for n in range(3)]  # type: ignore[misc]

    @strawberry.field(permission_classes=[Refused])
    def secret(self) -> str | None:
        return f"secret {self.number}"

    @strawberry.field(permission_classes=[ByContext], metadata=value_at_hand(_hand))
    def at_hand(self) -> str | None:
        return f"hand {self.number}"

    @strawberry.field
    def impostor(self) -> Item | None:
        return "not an item" if self.number % 2 else self  # type: ignore[return-value]

    @strawberry.field
    def named(self) -> Named | None:
        return self if self.number % 2 else None

    page: Page = strawberry.field(resolver=_page, metadata=batch_at_hand(_pages))
    """Batched by a list of items (when it is the one batchable field below the list)."""
    maybe_page: Page | None = strawberry.field(resolver=_page, metadata=batch_at_hand(_pages))

    @strawberry.field
    def wrapped(self) -> Wrapper:
        # odd numbers: an attribute holding an object of another class than its type's
        return Wrapper(
            item=self,
            impostor=Wrapper(item=self) if self.number % 2 else self,  # type: ignore[arg-type]
            promised=None if self.number % 3 == 0 else self,  # type: ignore[arg-type]
        )

    @strawberry.field
    def matrix(self) -> list[list[int | None]]:
        return [[self.number, None], [], [self.number + 1]]


@strawberry.type
class Wrapper:
    """An item one object down, as a page's node is below its edge."""

    item: Item
    label: str = "wrapped"
    impostor: Item | None = None
    promised: Item = None  # type: ignore[assignment]
    """Non-null, yet null for every third item."""


@strawberry.type
class Query:
    @strawberry.field
    def item(self, number: int) -> Item | None:
        return item(number)

    @strawberry.field
    def items(self, first: int = 4, start: int = 1) -> list[Item]:
        return [item(n) for n in range(start, start + first)]

    @strawberry.field
    async def later_items(self, first: int = 4, start: int = 1) -> list[Item | None]:
        await asyncio.sleep(0)
        return [item(n) for n in range(start, start + first)]

    @strawberry.field
    def strict(self, start: int = 4) -> Item:
        return item(start)

    @strawberry.field
    def text(self, value: str | None = None) -> str | None:
        return value


def edge_schema(executor: type[Any] | None = None) -> strawberry.Schema:
    """The schema run by ``executor``; with a parser cache, as Frontdesk's (plans are kept
    per parsed document)."""
    return strawberry.Schema(
        query=Query, types=[Item], extensions=[ParserCache], execution_context_class=executor
    )
