"""Opportunities: filtered keyset lists, per-customer/per-lead pages, histories, the pipeline.

Lists are newest (highest id) first; the cursor is the last id. Per-owner pages for a batch
of customers or leads are one ``ROW_NUMBER() OVER (PARTITION BY ...)`` query plus one
grouped count. The pipeline is one grouped query with exact integer sums (amounts are
stored as ten-thousandths).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select, update

from crm_store.models.sales import (
    UNITS_PER_AMOUNT,
    OpportunityRow,
    OpportunityStage,
    OpportunityStageChangeRow,
)
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable, Iterable, Mapping


def to_units(amount: Decimal) -> int:
    """An amount as whole ten-thousandths (callers check it has at most four decimals)."""
    return int(amount * UNITS_PER_AMOUNT)


def from_units(units: int) -> Decimal:
    return Decimal(units) / UNITS_PER_AMOUNT


@dataclass(frozen=True, slots=True)
class OpportunityFilter:
    stage: OpportunityStage | None = None
    owner: str | None = None
    customer_number: str | None = None
    closing_before: dt.date | None = None
    """Expected close date strictly before this day."""
    customer_numbers: tuple[str, ...] | None = None
    """Only these customers (partner scoping); ``None``: no restriction."""

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.stage is not None:
            conditions.append(OpportunityRow.stage == self.stage)
        if self.owner is not None:
            conditions.append(OpportunityRow.owner == self.owner)
        if self.customer_number is not None:
            conditions.append(OpportunityRow.customer_number == self.customer_number)
        if self.closing_before is not None:
            conditions.append(OpportunityRow.expected_close_date < self.closing_before)
        if self.customer_numbers is not None:
            conditions.append(OpportunityRow.customer_number.in_(self.customer_numbers))
        return conditions


@dataclass(frozen=True, slots=True)
class PipelineLine:
    stage: OpportunityStage
    currency: str
    count: int
    total: Decimal
    weighted: Decimal


@dataclass(frozen=True, slots=True)
class OpportunitySlice:
    rows: list[OpportunityRow]
    total: int


class OpportunityRepository(Repository[OpportunityRow]):
    model = OpportunityRow

    async def page(
        self, filter: OpportunityFilter, *, first: int, after_id: int | None
    ) -> list[OpportunityRow]:
        conditions = filter.conditions()
        if after_id is not None:
            conditions.append(OpportunityRow.id < after_id)
        rows = await self.session.scalars(
            select(OpportunityRow)
            .where(*conditions)
            .order_by(OpportunityRow.id.desc())
            .limit(first + 1)
        )
        return list(rows)

    async def count(self, filter: OpportunityFilter) -> int:
        total = await self.session.scalar(
            select(func.count(OpportunityRow.id)).where(*filter.conditions())
        )
        return int(total or 0)

    async def slices(
        self, column_name: str, keys: Iterable[Hashable], *, first: int, after_id: int | None
    ) -> dict[Any, OpportunitySlice]:
        """Each key's newest ``first + 1`` opportunities and total: two queries per batch."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        column = getattr(OpportunityRow, column_name)
        conditions = [column.in_(wanted)]
        if after_id is not None:
            conditions.append(OpportunityRow.id < after_id)
        position = (
            func.row_number()
            .over(partition_by=column, order_by=OpportunityRow.id.desc())
            .label("position")
        )
        ranked = select(OpportunityRow.id, position).where(*conditions).subquery("ranked")
        rows = await self.session.scalars(
            select(OpportunityRow)
            .join(ranked, ranked.c.id == OpportunityRow.id)
            .where(ranked.c.position <= first + 1)
            .order_by(OpportunityRow.id.desc())
        )
        grouped: dict[Any, list[OpportunityRow]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, column_name)].append(row)
        counted = await self.session.execute(
            select(column, func.count()).where(column.in_(wanted)).group_by(column)
        )
        totals: dict[Any, int] = {key: int(n) for key, n in counted.all()}
        return {
            key: OpportunitySlice(rows=grouped.get(key, []), total=totals.get(key, 0))
            for key in wanted
        }

    async def move_guarded(
        self, row: OpportunityRow, *, seen: OpportunityStage, values: Mapping[str, Any]
    ) -> bool:
        """``UPDATE opportunities SET ... WHERE id = :id AND stage = :seen``.

        False (nothing changed) when another transaction moved the opportunity since its stage
        was read as ``seen``; on PostgreSQL the second of two concurrent movers waits for the
        first's row lock, then finds the stage moved on: exactly one wins.
        """
        return await self.update_if(row, OpportunityRow.stage == seen, values)

    async def record_change(self, change: OpportunityStageChangeRow) -> None:
        self.session.add(change)
        await self.session.flush()

    async def history_by_opportunity_ids(
        self, ids: Iterable[int]
    ) -> dict[int, list[OpportunityStageChangeRow]]:
        """Each opportunity's stage changes, oldest first: one query."""
        wanted = sorted(set(ids))
        result: dict[int, list[OpportunityStageChangeRow]] = defaultdict(list)
        if not wanted:
            return result
        rows = await self.session.scalars(
            select(OpportunityStageChangeRow)
            .where(OpportunityStageChangeRow.opportunity_id.in_(wanted))
            .order_by(OpportunityStageChangeRow.opportunity_id, OpportunityStageChangeRow.id)
        )
        for row in rows:
            result[row.opportunity_id].append(row)
        return result

    async def pipeline(self) -> list[PipelineLine]:
        """Count, total and probability-weighted total per stage and currency: one query.

        Opportunities without an amount have no currency and are left out. Sums are exact
        integers of ten-thousandths; the weighted sum is ``SUM(units * probability)``
        (probability as a percentage), divided once at the end.
        """
        weighted = func.sum(
            OpportunityRow.amount_units * func.coalesce(OpportunityRow.probability, 0)
        )
        found = await self.session.execute(
            select(
                OpportunityRow.stage,
                OpportunityRow.currency,
                func.count(),
                func.sum(OpportunityRow.amount_units),
                weighted,
            )
            .where(OpportunityRow.currency.is_not(None))
            .group_by(OpportunityRow.stage, OpportunityRow.currency)
            .order_by(OpportunityRow.stage, OpportunityRow.currency)
        )
        order = list(OpportunityStage)
        lines = [
            PipelineLine(
                stage=stage,
                currency=str(currency),
                count=int(count),
                total=from_units(int(total or 0)),
                weighted=from_units(int(weighted_units or 0)) / 100,
            )
            for stage, currency, count, total, weighted_units in found.all()
        ]
        return sorted(lines, key=lambda line: (order.index(line.stage), line.currency))

    async def repoint_lead(self, lead_id: int, customer_number: str) -> int:
        """Put the lead's opportunities on its new customer too: one UPDATE; how many moved.

        They keep their lead (its history still shows them) and gain the customer number,
        so the customer's rules (credit hold, for instance) apply from now on. An
        opportunity already on a customer keeps it.
        """
        result = await self.session.execute(
            update(OpportunityRow)
            .where(OpportunityRow.lead_id == lead_id, OpportunityRow.customer_number.is_(None))
            .values(customer_number=customer_number)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
