"""Cursor connections: the one shape every list in the schema takes.

Cursors are opaque to clients: URL-safe base64 of a small JSON array that the list's
repository understands (a keyset such as ``[occurred_at, id]``, or an offset). Repositories
fetch ``first + 1`` rows so that ``hasNextPage`` costs no second query.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from resolvers.errors import BadUserInput
from resolvers.execution.hints import value_at_hand

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

T = TypeVar("T")
R = TypeVar("R")
CursorValue = str | int | float | None


def _edge_cursor(root: Edge[Any]) -> str:
    return encode_cursor(root.keyset())


@strawberry.type
class Edge(Generic[T]):
    """One item and where it sits; the cursor is encoded only when a client asks for it."""

    cursor: str = strawberry.field(resolver=_edge_cursor, metadata=value_at_hand(_edge_cursor))
    node: T
    keyset: strawberry.Private[Callable[[], Sequence[CursorValue]]]
    """The item's place in its list, computed only when a cursor is encoded."""


def _start_cursor(root: PageInfo) -> str | None:
    return encode_cursor(root.first_edge.keyset()) if root.first_edge is not None else None


def _end_cursor(root: PageInfo) -> str | None:
    return encode_cursor(root.last_edge.keyset()) if root.last_edge is not None else None


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    """The cursors of the page's first and last edge are encoded only when a client asks."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None = strawberry.field(
        resolver=_start_cursor, metadata=value_at_hand(_start_cursor)
    )
    end_cursor: str | None = strawberry.field(
        resolver=_end_cursor, metadata=value_at_hand(_end_cursor)
    )
    first_edge: strawberry.Private[Edge[Any] | None] = None
    last_edge: strawberry.Private[Edge[Any] | None] = None


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole list, all pages.")


def page_size(
    first: int | None, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    """Validate ``first``: 1 to ``maximum``, ``default`` when not given."""
    if first is None:
        return default
    if first < 1 or first > maximum:
        raise BadUserInput(f"`first` must be between 1 and {maximum}, got {first}", limit=maximum)
    return first


def encode_cursor(values: Sequence[CursorValue]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, arity: int) -> list[CursorValue] | None:
    """The keyset a cursor stands for, or ``None`` for the first page."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise BadUserInput("`after` is not a cursor this list gave out") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise BadUserInput("`after` is not a cursor this list gave out")
    return values


def connection(
    rows: Sequence[R],
    *,
    first: int,
    after: str | None,
    total_count: int,
    cursor_of: Callable[[R], Sequence[CursorValue]],
    node_of: Callable[[R], T],
) -> Connection[T]:
    """Build a page from up to ``first + 1`` rows fetched after the cursor."""
    page = rows[:first]
    edges = [Edge(node=node_of(row), keyset=partial(cursor_of, row)) for row in page]
    return Connection(
        edges=edges,
        page_info=page_info(
            edges, has_next_page=len(rows) > first, has_previous_page=after is not None
        ),
        total_count=total_count,
    )


def page_info(
    edges: Sequence[Edge[Any]], *, has_next_page: bool, has_previous_page: bool
) -> PageInfo:
    """Where the page of ``edges`` sits: the cursors of its first and last edge."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        first_edge=edges[0] if edges else None,
        last_edge=edges[-1] if edges else None,
    )
