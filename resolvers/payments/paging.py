"""Cursors of payment lists: the keyset ``[valueDate, id]`` of the last edge, newest first."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from crm_store.models.payments import PaymentRow
from crm_store.repositories.payments import PaymentKey
from resolvers.errors import BadUserInput
from resolvers.pagination import Connection, connection, decode_cursor
from resolvers.payments.types import Payment

NOT_OURS = "`after` is not a cursor this list gave out"


def payment_key(after: str | None) -> PaymentKey | None:
    values = decode_cursor(after, arity=2)
    if values is None:
        return None
    day, id = values
    if not isinstance(day, str) or not isinstance(id, str):
        raise BadUserInput(NOT_OURS)
    try:
        return dt.date.fromisoformat(day), uuid.UUID(id)
    except ValueError as exc:
        raise BadUserInput(NOT_OURS) from exc


def _cursor(row: PaymentRow) -> list[str | int | float | None]:
    return [row.value_date.isoformat(), str(row.id)]


def payment_connection(
    rows: Sequence[PaymentRow], *, first: int, after: str | None, total: int
) -> Connection[Payment]:
    return connection(
        rows,
        first=first,
        after=after,
        total_count=total,
        cursor_of=_cursor,
        node_of=Payment.from_row,
    )
