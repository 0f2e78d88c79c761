"""Complaints: the COMPLAINT interactions as cases (filtered lists) and their transitions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, func, or_, select

from crm_store.models.enums import ComplaintStatus, InteractionKind
from crm_store.models.interactions import InteractionRow
from crm_store.models.sales import ComplaintTransitionRow
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable


@dataclass(frozen=True, slots=True)
class ComplaintFilter:
    status: ComplaintStatus | None = None
    assignee: str | None = None
    customer_number: str | None = None
    customer_numbers: tuple[str, ...] | None = None
    """Only these customers (partner scoping); ``None``: no restriction."""

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [InteractionRow.kind == InteractionKind.COMPLAINT]
        if self.status is not None:
            conditions.append(InteractionRow.complaint_status == self.status)
        if self.assignee is not None:
            conditions.append(InteractionRow.assignee == self.assignee)
        if self.customer_number is not None:
            conditions.append(InteractionRow.customer_number == self.customer_number)
        if self.customer_numbers is not None:
            conditions.append(InteractionRow.customer_number.in_(self.customer_numbers))
        return conditions


class ComplaintRepository(Repository[InteractionRow]):
    model = InteractionRow

    async def page(
        self, filter: ComplaintFilter, *, first: int, after: tuple[dt.datetime, int] | None
    ) -> list[InteractionRow]:
        """Newest first by ``(occurred_at, id)``, as every interaction list."""
        conditions = filter.conditions()
        if after is not None:
            occurred_at, id = after
            conditions.append(
                or_(
                    InteractionRow.occurred_at < occurred_at,
                    and_(InteractionRow.occurred_at == occurred_at, InteractionRow.id < id),
                )
            )
        rows = await self.session.scalars(
            select(InteractionRow)
            .where(*conditions)
            .order_by(InteractionRow.occurred_at.desc(), InteractionRow.id.desc())
            .limit(first + 1)
        )
        return list(rows)

    async def count(self, filter: ComplaintFilter) -> int:
        total = await self.session.scalar(
            select(func.count(InteractionRow.id)).where(*filter.conditions())
        )
        return int(total or 0)

    async def record_transition(self, transition: ComplaintTransitionRow) -> None:
        self.session.add(transition)
        await self.session.flush()

    async def history_by_interaction_ids(
        self, ids: Iterable[int]
    ) -> dict[int, list[ComplaintTransitionRow]]:
        """Each complaint's status changes, oldest first: one query."""
        wanted = sorted(set(ids))
        result: dict[int, list[ComplaintTransitionRow]] = defaultdict(list)
        if not wanted:
            return result
        rows = await self.session.scalars(
            select(ComplaintTransitionRow)
            .where(ComplaintTransitionRow.interaction_id.in_(wanted))
            .order_by(ComplaintTransitionRow.interaction_id, ComplaintTransitionRow.id)
        )
        for row in rows:
            result[row.interaction_id].append(row)
        return result
