"""Leads: filtered keyset lists, guarded (optimistic) updates and transition histories."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_, select

from crm_store.models.enums import CLOSED_LEAD_STATUSES, LeadStatus
from crm_store.models.leads import LeadRow, LeadTransitionRow
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


@dataclass(frozen=True, slots=True)
class LeadFilter:
    status: LeadStatus | None = None
    owner: str | None = None
    source: str | None = None
    search: str | None = None
    """Case-insensitive substring of name, company or e-mail."""

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.status is not None:
            conditions.append(LeadRow.status == self.status)
        if self.owner is not None:
            conditions.append(LeadRow.owner == self.owner)
        if self.source is not None:
            conditions.append(LeadRow.source == self.source)
        if self.search:
            escaped = self.search.lower().replace("\\", "\\\\").replace("%", "\\%")
            pattern = "%" + escaped.replace("_", "\\_") + "%"
            conditions.append(
                or_(
                    *(
                        func.lower(column).like(pattern, escape="\\")
                        for column in (LeadRow.name, LeadRow.company, LeadRow.email)
                    )
                )
            )
        return conditions


class LeadRepository(Repository[LeadRow]):
    model = LeadRow

    async def page(self, filter: LeadFilter, *, first: int, after_id: int | None) -> list[LeadRow]:
        """Up to ``first + 1`` leads, newest (highest id) first, after the cursor's id."""
        conditions = filter.conditions()
        if after_id is not None:
            conditions.append(LeadRow.id < after_id)
        rows = await self.session.scalars(
            select(LeadRow).where(*conditions).order_by(LeadRow.id.desc()).limit(first + 1)
        )
        return list(rows)

    async def count(self, filter: LeadFilter) -> int:
        total = await self.session.scalar(
            select(func.count(LeadRow.id)).where(*filter.conditions())
        )
        return int(total or 0)

    async def update_guarded(
        self, row: LeadRow, *, expected_version: int, values: Mapping[str, Any]
    ) -> bool:
        """``UPDATE leads SET ..., version = version + 1 WHERE id = :id AND version = :seen``.

        Returns False (and changes nothing) when another transaction changed the lead since
        ``expected_version`` was read. On PostgreSQL the second of two concurrent writers
        waits for the first's row lock, then finds the version moved on: exactly one wins.
        """
        return await self.update_if(
            row, LeadRow.version == expected_version, {**values, "version": expected_version + 1}
        )

    async def record_transition(self, transition: LeadTransitionRow) -> LeadTransitionRow:
        self.session.add(transition)
        await self.session.flush()
        return transition

    async def history_by_lead_ids(self, ids: Iterable[int]) -> dict[int, list[LeadTransitionRow]]:
        """Each lead's transitions, oldest first: one query."""
        wanted = sorted(set(ids))
        result: dict[int, list[LeadTransitionRow]] = defaultdict(list)
        if not wanted:
            return result
        rows = await self.session.scalars(
            select(LeadTransitionRow)
            .where(LeadTransitionRow.lead_id.in_(wanted))
            .order_by(LeadTransitionRow.lead_id, LeadTransitionRow.at, LeadTransitionRow.id)
        )
        for row in rows:
            result[row.lead_id].append(row)
        return result

    async def open_emails_in_use(self, emails: Iterable[str]) -> set[str]:
        """Which of ``emails`` (case-insensitively) belong to an open lead."""
        wanted = sorted({email.lower() for email in emails})
        if not wanted:
            return set()
        found = await self.session.scalars(
            select(func.lower(LeadRow.email)).where(
                func.lower(LeadRow.email).in_(wanted),
                LeadRow.status.not_in(sorted(CLOSED_LEAD_STATUSES)),
            )
        )
        return {email for email in found if email is not None}
