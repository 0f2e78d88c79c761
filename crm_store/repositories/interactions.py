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
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update

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

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.kind is not None:
            conditions.append(InteractionRow.kind == self.kind)
        if self.since is not None:
            conditions.append(InteractionRow.occurred_at >= self.since)
        if self.until is not None:
            conditions.append(InteractionRow.occurred_at < self.until)
        return conditions


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


def _after(keyset: tuple[dt.datetime, int]) -> ColumnElement[bool]:
    occurred_at, id = keyset
    return or_(
        InteractionRow.occurred_at < occurred_at,
        and_(InteractionRow.occurred_at == occurred_at, InteractionRow.id < id),
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
        column = owner.column
        newest_first = (InteractionRow.occurred_at.desc(), InteractionRow.id.desc())
        overall = func.row_number().over(partition_by=column, order_by=newest_first)
        is_after: ColumnElement[int]
        position: ColumnElement[int]
        if page.after is None:
            is_after = literal(1)
            position = overall
        else:
            after = _after(page.after)
            is_after = case((after, 1), else_=0)
            at_or_before = func.sum(case((after, 0), else_=1)).over(partition_by=column)
            position = overall - at_or_before
        ranked = (
            select(
                InteractionRow.id,
                overall.label("overall"),
                position.label("position"),
                is_after.label("is_after"),
                func.count().over(partition_by=column).label("total"),
            )
            .where(column.in_(wanted), *page.filter.conditions())
            .subquery("ranked")
        )
        found = await self.session.execute(
            select(InteractionRow, ranked.c.total, ranked.c.is_after)
            .join(ranked, ranked.c.id == InteractionRow.id)
            .where(
                or_(
                    and_(ranked.c.is_after == 1, ranked.c.position <= page.first + 1),
                    ranked.c.overall == 1,
                )
            )
            .order_by(*newest_first)
        )
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
