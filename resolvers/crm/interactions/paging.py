"""Arguments of every ``interactions`` connection, and the page built from a loader's slice.

Newest first; the cursor is the keyset ``[occurredAt, id]`` of the last edge.
"""

from __future__ import annotations

import datetime as dt

from crm_store.models.enums import InteractionKind as StoredKind
from crm_store.models.interactions import InteractionFields
from crm_store.repositories import InteractionFilter, InteractionPage, InteractionSlice
from resolvers.crm.enums import InteractionKind
from resolvers.crm.interactions.types import Interaction
from resolvers.errors import BadUserInput
from resolvers.pagination import Connection, connection, decode_cursor, page_size

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
