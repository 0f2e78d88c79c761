"""Campaigns and their members: lists, member pages per campaign, response counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, case, exists, func, select, update
from sqlalchemy.orm import aliased

from crm_store.models.sales import CampaignMemberRow, CampaignRow
from crm_store.models.security import PartnerAssignmentRow
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


@dataclass(frozen=True, slots=True)
class ResponseCount:
    members: int
    responded: int

    @property
    def rate(self) -> float:
        """Responded members / members (0.0 for a campaign without members)."""
        return self.responded / self.members if self.members else 0.0


@dataclass(frozen=True, slots=True)
class MemberSlice:
    rows: list[CampaignMemberRow]
    total: int


def _with_members(customer_numbers: Iterable[str] | None) -> list[ColumnElement[bool]]:
    if customer_numbers is None:
        return []
    member = select(CampaignMemberRow.id).where(
        CampaignMemberRow.campaign_id == CampaignRow.id,
        CampaignMemberRow.customer_number.in_(sorted(customer_numbers)),
    )
    return [exists(member)]


class CampaignRepository(Repository[CampaignRow]):
    model = CampaignRow

    async def page(
        self, *, first: int, after_id: int | None, customer_numbers: Iterable[str] | None = None
    ) -> list[CampaignRow]:
        """Newest first; with ``customer_numbers``, only campaigns one of them is a member of."""
        conditions = _with_members(customer_numbers)
        if after_id is not None:
            conditions.append(CampaignRow.id < after_id)
        rows = await self.session.scalars(
            select(CampaignRow).where(*conditions).order_by(CampaignRow.id.desc()).limit(first + 1)
        )
        return list(rows)

    async def count(self, customer_numbers: Iterable[str] | None = None) -> int:
        statement = select(func.count(CampaignRow.id)).where(*_with_members(customer_numbers))
        return int(await self.session.scalar(statement) or 0)

    async def ids_of_partner(self, partner_id: str) -> frozenset[int]:
        """The campaigns with a member among the customers assigned to ``partner_id``."""
        rows = await self.session.scalars(
            select(CampaignMemberRow.campaign_id)
            .join(
                PartnerAssignmentRow,
                PartnerAssignmentRow.customer_number == CampaignMemberRow.customer_number,
            )
            .where(PartnerAssignmentRow.partner_id == partner_id)
            .distinct()
        )
        return frozenset(rows)

    async def response_counts(
        self, ids: Iterable[int], customer_numbers: Iterable[str] | None = None
    ) -> dict[int, ResponseCount]:
        """Members (those customers alone, when given) and responded members per campaign."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        responded = func.sum(case((CampaignMemberRow.responded_at.is_not(None), 1), else_=0))
        conditions = [CampaignMemberRow.campaign_id.in_(wanted)]
        if customer_numbers is not None:
            conditions.append(CampaignMemberRow.customer_number.in_(sorted(customer_numbers)))
        counted = await self.session.execute(
            select(CampaignMemberRow.campaign_id, func.count(), responded)
            .where(*conditions)
            .group_by(CampaignMemberRow.campaign_id)
        )
        found = {
            campaign_id: ResponseCount(int(members), int(answered or 0))
            for campaign_id, members, answered in counted.all()
        }
        return {id: found.get(id, ResponseCount(0, 0)) for id in wanted}

    async def member_slices(
        self,
        ids: Iterable[int],
        *,
        first: int,
        after_id: int | None,
        customer_numbers: Iterable[str] | None = None,
    ) -> dict[int, MemberSlice]:
        """Each campaign's members in the order they were added (id), after the cursor.

        With ``customer_numbers``, only those customers' memberships (a partner's view).
        """
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        conditions: list[ColumnElement[bool]] = [CampaignMemberRow.campaign_id.in_(wanted)]
        if customer_numbers is not None:
            conditions.append(CampaignMemberRow.customer_number.in_(sorted(customer_numbers)))
        if after_id is not None:
            conditions.append(CampaignMemberRow.id > after_id)
        position = (
            func.row_number()
            .over(partition_by=CampaignMemberRow.campaign_id, order_by=CampaignMemberRow.id)
            .label("position")
        )
        ranked = select(CampaignMemberRow.id, position).where(*conditions).subquery("ranked")
        rows = await self.session.scalars(
            select(CampaignMemberRow)
            .join(ranked, ranked.c.id == CampaignMemberRow.id)
            .where(ranked.c.position <= first + 1)
            .order_by(CampaignMemberRow.id)
        )
        grouped: dict[int, list[CampaignMemberRow]] = defaultdict(list)
        for row in rows:
            grouped[row.campaign_id].append(row)
        counts = await self.response_counts(wanted, customer_numbers)
        return {
            id: MemberSlice(rows=grouped.get(id, []), total=counts[id].members) for id in wanted
        }

    async def memberships_by_customer(
        self, numbers: Iterable[str]
    ) -> dict[str, list[CampaignMemberRow]]:
        """Each customer's memberships, newest campaign first: one query."""
        wanted = sorted(set(numbers))
        result: dict[str, list[CampaignMemberRow]] = defaultdict(list)
        if not wanted:
            return result
        rows = await self.session.scalars(
            select(CampaignMemberRow)
            .where(CampaignMemberRow.customer_number.in_(wanted))
            .order_by(CampaignMemberRow.campaign_id.desc(), CampaignMemberRow.id)
        )
        for row in rows:
            if row.customer_number is not None:
                result[row.customer_number].append(row)
        return result

    async def existing_members(
        self, campaign_id: int, *, numbers: Sequence[str], lead_ids: Sequence[int]
    ) -> tuple[set[str], set[int]]:
        """Which of these customers and leads already are members: one query."""
        if not numbers and not lead_ids:
            return set(), set()
        rows = await self.session.execute(
            select(CampaignMemberRow.customer_number, CampaignMemberRow.lead_id).where(
                CampaignMemberRow.campaign_id == campaign_id,
                CampaignMemberRow.customer_number.in_(list(numbers))
                | CampaignMemberRow.lead_id.in_(list(lead_ids)),
            )
        )
        found_numbers: set[str] = set()
        found_leads: set[int] = set()
        for number, lead_id in rows.all():
            if number is not None:
                found_numbers.add(number)
            if lead_id is not None:
                found_leads.add(lead_id)
        return found_numbers, found_leads

    async def member(
        self, campaign_id: int, *, customer_number: str | None, lead_id: int | None
    ) -> CampaignMemberRow | None:
        condition = (
            CampaignMemberRow.customer_number == customer_number
            if customer_number is not None
            else CampaignMemberRow.lead_id == lead_id
        )
        row: CampaignMemberRow | None = await self.session.scalar(
            select(CampaignMemberRow).where(CampaignMemberRow.campaign_id == campaign_id, condition)
        )
        return row

    async def repoint_lead(self, lead_id: int, customer_number: str) -> int:
        """Make the lead's memberships the customer's: one UPDATE; how many moved.

        A campaign the customer already is a member of keeps the lead's membership as it is
        (one membership per customer and campaign), so no response is lost.
        """
        other = aliased(CampaignMemberRow)
        taken = select(other.id).where(
            other.campaign_id == CampaignMemberRow.campaign_id,
            other.customer_number == customer_number,
        )
        result = await self.session.execute(
            update(CampaignMemberRow)
            .where(CampaignMemberRow.lead_id == lead_id, ~exists(taken))
            .values(customer_number=customer_number, lead_id=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
