"""The ``interactions`` connection of customers, contacts and leads: its arguments, the
page built from a loader's slice, and the field itself (``interactions_field``).

Newest first; the cursor is the keyset ``[occurredAt, id]`` of the last edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.dataloader import DataLoader

from crm_store.models.enums import InteractionKind as StoredKind
from crm_store.models.interactions import InteractionFields
from crm_store.repositories import InteractionFilter, InteractionPage, InteractionSlice
from resolvers.context import Info
from resolvers.crm.enums import InteractionKind
from resolvers.crm.interactions.types import Interaction
from resolvers.errors import BadUserInput
from resolvers.execution.hints import batch_at_hand
from resolvers.pagination import Connection, connection, decode_cursor, page_size

if TYPE_CHECKING:
    from resolvers.context import Context
    from resolvers.loaders import Loaders

DEFAULT_INTERACTIONS = 20


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadUserInput(f"`{name}` needs a timezone offset")
    return value


def interaction_page(
    *,
    first: int | None,
    after: str | None,
    kind: InteractionKind | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> InteractionPage:
    size = page_size(first, default=DEFAULT_INTERACTIONS)
    keyset: tuple[dt.datetime, int] | None = None
    values = decode_cursor(after, arity=2)
    if values is not None:
        occurred_at, id = values
        if not isinstance(occurred_at, str) or not isinstance(id, int):
            raise BadUserInput("`after` is not a cursor this list gave out")
        try:
            keyset = (dt.datetime.fromisoformat(occurred_at), id)
        except ValueError as exc:
            raise BadUserInput("`after` is not a cursor this list gave out") from exc
    return InteractionPage(
        first=size,
        after=keyset,
        filter=InteractionFilter(
            kind=StoredKind(kind.value) if kind is not None else None,
            since=_aware(since, "since"),
            until=_aware(until, "until"),
        ),
    )


def _cursor(row: InteractionFields) -> list[str | int]:
    return [row.occurred_at.isoformat(), row.id]


def interaction_connection(
    found: InteractionSlice, page: InteractionPage, after: str | None
) -> Connection[Interaction]:
    return connection(
        found.rows,
        first=page.first,
        after=after,
        total_count=found.total,
        cursor_of=_cursor,
        node_of=Interaction.from_row,
    )


InteractionLoader = DataLoader[tuple[Any, InteractionPage], InteractionSlice]


def interactions_field(
    *, description: str, loader: Callable[[Loaders], InteractionLoader], key: str
) -> Any:
    """The ``interactions`` field of an owner whose attribute ``key`` keys ``loader``.

    Declares a ``load_many`` (``resolvers/execution/hints.py``): a page of owners converts
    the arguments and checks the cursor once, and queues every owner's slice in one call.
    """

    async def interactions(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: InteractionKind | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> Connection[Interaction]:
        page = interaction_page(first=first, after=after, kind=kind, since=since, until=until)
        found = await loader(info.context.loaders).load((getattr(root, key), page))
        return interaction_connection(found, page, after)

    def load_many(
        sources: Sequence[Any], arguments: dict[str, Any], context: Context
    ) -> Awaitable[list[object]]:
        after = arguments.get("after")
        page = interaction_page(
            first=arguments.get("first"),
            after=after,
            kind=arguments.get("kind"),
            since=arguments.get("since"),
            until=arguments.get("until"),
        )
        load = loader(context.loaders).load
        return _connections([load((getattr(source, key), page)) for source in sources], page, after)

    return strawberry.field(
        resolver=interactions, description=description, metadata=batch_at_hand(load_many)
    )


async def _connections(
    loading: list[Awaitable[InteractionSlice]], page: InteractionPage, after: str | None
) -> list[object]:
    """Each owner's page, or the error its own resolver would have raised."""
    pages: list[object] = []
    for slice_ in loading:
        try:
            pages.append(interaction_connection(await slice_, page, after))
        except Exception as error:  # that owner's error, reported at its path
            pages.append(error)
    return pages
