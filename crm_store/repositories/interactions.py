"""Interactions: newest-first pages per customer, lead or contact, in one statement per batch.

Pages are keyset-paginated by ``(occurred_at desc, id desc)``. For a batch of owners (say the
100 customers of a page) ``pages`` fetches each owner's first ``N + 1`` rows after the cursor
with ``ROW_NUMBER() OVER (PARTITION BY owner ORDER BY occurred_at DESC, id DESC)`` and, in
the same statement, each owner's total with ``COUNT(*) OVER (PARTITION BY owner)``
(PostgreSQL and SQLite both have window functions). The (owner, occurred_at, id) indexes
serve it, read backwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)

from crm_store.models.interactions import InteractionRow
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable, Iterable

    from crm_store.models.enums import Direction, InteractionKind


class InteractionOwner(StrEnum):
    CUSTOMER = "customer_number"
    LEAD = "lead_id"
    CONTACT = "contact_id"

    @property
    def column(self) -> Any:
        return getattr(InteractionRow, self.value)


@dataclass(frozen=True, slots=True)
class InteractionFilter:
    kind: InteractionKind | None = None
    since: dt.datetime | None = None
    """Inclusive lower bound of ``occurred_at``."""
    until: dt.datetime | None = None
    """Exclusive upper bound of ``occurred_at``."""


@dataclass(frozen=True, slots=True)
class InteractionPage:
    """What one connection asks for: ``first`` rows after ``after`` matching ``filter``."""

    first: int
    after: tuple[dt.datetime, int] | None = None
    filter: InteractionFilter = InteractionFilter()


@dataclass(frozen=True, slots=True)
class InteractionSlice:
    """One owner's page: up to ``first + 1`` rows (the extra one means "there is more")."""

    rows: list[InteractionRow]
    total: int


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a ``slices`` statement looks like; its values travel as bound parameters."""

    owner: InteractionOwner
    after: bool
    kind: bool
    since: bool
    until: bool


@lru_cache(maxsize=64)
def _slices_statement(shape: _Shape) -> Select[Any]:
    """The ``slices`` statement of one shape, built once: building and keying a statement
    of this size costs more than running it, and a page's interactions run it per request.

    Parameters: ``keys`` (expanding), ``limit`` (``first + 1``), ``after_at``/``after_id``,
    ``kind``, ``since``, ``until``, as the shape has them.
    """
    column = shape.owner.column
    newest_first = (InteractionRow.occurred_at.desc(), InteractionRow.id.desc())
    overall = func.row_number().over(partition_by=column, order_by=newest_first)
    is_after: ColumnElement[int]
    position: ColumnElement[int]
    if not shape.after:
        is_after = literal(1)
        position = overall
    else:
        after = or_(
            InteractionRow.occurred_at < bindparam("after_at"),
            and_(
                InteractionRow.occurred_at == bindparam("after_at"),
                InteractionRow.id < bindparam("after_id"),
            ),
        )
        is_after = case((after, 1), else_=0)
        at_or_before = func.sum(case((after, 0), else_=1)).over(partition_by=column)
        position = overall - at_or_before
    conditions: list[ColumnElement[bool]] = [column.in_(bindparam("keys", expanding=True))]
    if shape.kind:
        conditions.append(InteractionRow.kind == bindparam("kind"))
    if shape.since:
        conditions.append(InteractionRow.occurred_at >= bindparam("since"))
    if shape.until:
        conditions.append(InteractionRow.occurred_at < bindparam("until"))
    ranked = (
        select(
            InteractionRow.id,
            overall.label("overall"),
            position.label("position"),
            is_after.label("is_after"),
            func.count().over(partition_by=column).label("total"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    return (
        select(InteractionRow, ranked.c.total, ranked.c.is_after)
        .join(ranked, ranked.c.id == InteractionRow.id)
        .where(
            or_(
                and_(
                    ranked.c.is_after == 1,
                    ranked.c.position <= bindparam("limit", type_=Integer),
                ),
                ranked.c.overall == 1,
            )
        )
        .order_by(*newest_first)
    )


class InteractionRepository(Repository[InteractionRow]):
    model = InteractionRow

    async def slices(
        self, owner: InteractionOwner, keys: Iterable[Hashable], page: InteractionPage
    ) -> dict[Any, InteractionSlice]:
        """Each key's page (up to ``page.first + 1`` newest rows after the cursor) and its
        total (rows matching the filter, all pages): one statement for the whole batch.

        Over each owner's rows matching the filter, newest first: ``total`` is
        ``COUNT(*) OVER (PARTITION BY owner)``; a row's place after the cursor is its
        ``ROW_NUMBER()`` minus the rows at or before the cursor (a windowed ``SUM(CASE ...)``).
        Each owner's newest row is always returned (flagged when it is not after the cursor)
        so that an owner whose page is empty still reports its total.
        """
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        wanted_filter = page.filter
        shape = _Shape(
            owner=owner,
            after=page.after is not None,
            kind=wanted_filter.kind is not None,
            since=wanted_filter.since is not None,
            until=wanted_filter.until is not None,
        )
        parameters: dict[str, Any] = {"keys": wanted, "limit": page.first + 1}
        if page.after is not None:
            parameters["after_at"], parameters["after_id"] = page.after
        if wanted_filter.kind is not None:
            parameters["kind"] = wanted_filter.kind
        if wanted_filter.since is not None:
            parameters["since"] = wanted_filter.since
        if wanted_filter.until is not None:
            parameters["until"] = wanted_filter.until
        found = await self.session.execute(_slices_statement(shape), parameters)
        rows: dict[Any, list[InteractionRow]] = defaultdict(list)
        totals: dict[Any, int] = {}
        for row, total, row_is_after in found.all():
            key = getattr(row, owner.value)
            totals[key] = total
            if row_is_after:
                rows[key].append(row)
        return {
            key: InteractionSlice(rows=rows.get(key, []), total=totals.get(key, 0))
            for key in wanted
        }

    async def activity_of_lead(self, lead_id: int) -> dict[tuple[InteractionKind, Direction], int]:
        """How many interactions of each kind and direction a lead has: one query."""
        counted = await self.session.execute(
            select(InteractionRow.kind, InteractionRow.direction, func.count())
            .where(InteractionRow.lead_id == lead_id)
            .group_by(InteractionRow.kind, InteractionRow.direction)
        )
        return {(kind, direction): count for kind, direction, count in counted.all()}

    async def repoint_lead(self, lead_id: int, customer_number: str) -> int:
        """Put the lead's interactions on the customer's history too; how many moved."""
        result = await self.session.execute(
            update(InteractionRow)
            .where(InteractionRow.lead_id == lead_id)
            .values(customer_number=customer_number)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
