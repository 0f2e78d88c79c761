"""Interactions: newest-first pages per customer, lead or contact, in one query per batch.

Pages are keyset-paginated by ``(occurred_at desc, id desc)``. For a batch of owners (say the
100 customers of a page) ``pages`` fetches each owner's first ``N + 1`` rows after the cursor
with ``ROW_NUMBER() OVER (PARTITION BY owner ORDER BY occurred_at DESC, id DESC)`` (PostgreSQL
and SQLite both have window functions) and ``totals`` counts each owner's rows in one grouped
query. The (owner, occurred_at, id) indexes serve both, read backwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update

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

    async def pages(
        self, owner: InteractionOwner, keys: Iterable[Hashable], page: InteractionPage
    ) -> dict[Any, list[InteractionRow]]:
        """Up to ``page.first + 1`` newest rows per key after the cursor: one query."""
        wanted = list(dict.fromkeys(keys))
        result: dict[Any, list[InteractionRow]] = defaultdict(list)
        if not wanted:
            return result
        column = owner.column
        conditions = [column.in_(wanted), *page.filter.conditions()]
        if page.after is not None:
            conditions.append(_after(page.after))
        position = (
            func.row_number()
            .over(
                partition_by=column,
                order_by=(InteractionRow.occurred_at.desc(), InteractionRow.id.desc()),
            )
            .label("position")
        )
        ranked = select(InteractionRow.id, position).where(*conditions).subquery("ranked")
        rows = await self.session.scalars(
            select(InteractionRow)
            .join(ranked, ranked.c.id == InteractionRow.id)
            .where(ranked.c.position <= page.first + 1)
            .order_by(InteractionRow.occurred_at.desc(), InteractionRow.id.desc())
        )
        for row in rows:
            result[getattr(row, owner.value)].append(row)
        return result

    async def totals(
        self, owner: InteractionOwner, keys: Iterable[Hashable], filter: InteractionFilter
    ) -> dict[Any, int]:
        """Rows per key matching ``filter`` (all pages): one grouped query."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        column = owner.column
        counted = await self.session.execute(
            select(column, func.count())
            .where(column.in_(wanted), *filter.conditions())
            .group_by(column)
        )
        return {key: count for key, count in counted.all()}

    async def slices(
        self, owner: InteractionOwner, keys: Iterable[Hashable], page: InteractionPage
    ) -> dict[Any, InteractionSlice]:
        """Each key's page and total: two queries for the whole batch."""
        wanted = list(dict.fromkeys(keys))
        rows = await self.pages(owner, wanted, page)
        totals = await self.totals(owner, wanted, page.filter) if wanted else {}
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
