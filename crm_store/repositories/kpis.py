"""Sales, service and marketing KPIs over a period ``[since, until)``, each one SQL statement.

What "in the period" means, per KPI (the README repeats it):

- lead conversion: leads that left NEW in the period (a transition from NEW with ``at`` in
  it); converted = those of them whose status is now CONVERTED.
- win rate, deal size, sales cycle: opportunities closed (WON or LOST) with ``closed_at`` in
  the period; the cycle is ``closed_at - created_at`` of the WON ones, median in days.
- campaign response rate: memberships added (``added_at``) in the period; responded = those
  with a response recorded.
- marketing ROI: campaigns with a budget that run during the period (start, or creation when
  no start is set, before ``until``; no end, or an end on or after ``since``); won amount =
  the campaign's sourced opportunities WON before ``until``, in the budget's currency.
- retention: customers "active" (at least one interaction of any kind with ``occurred_at`` in
  the window) in the previous window of the same length who are active again in this one.
- satisfaction: complaints resolved (``resolved_at``) in the period that have a score.
- open complaints: complaints that occurred before ``until`` and are not RESOLVED now.
- interactions by kind / by owner: ``occurred_at`` in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, and_, case, cast, extract, func, or_, select

from crm_store.models.enums import ComplaintStatus, InteractionKind, LeadStatus
from crm_store.models.interactions import InteractionRow
from crm_store.models.leads import LeadRow, LeadTransitionRow
from crm_store.models.sales import (
    CampaignMemberRow,
    CampaignRow,
    OpportunityRow,
    OpportunityStage,
)

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.ext.asyncio import AsyncSession

WON, LOST = OpportunityStage.WON, OpportunityStage.LOST


@dataclass(frozen=True, slots=True)
class Period:
    since: dt.datetime
    until: dt.datetime

    def contains(self, column: Any) -> Any:
        return and_(column >= self.since, column < self.until)

    @property
    def previous(self) -> Period:
        return Period(since=self.since - (self.until - self.since), until=self.since)


@dataclass(frozen=True, slots=True)
class Ratio:
    part: int
    whole: int

    @property
    def rate(self) -> float:
        return self.part / self.whole if self.whole else 0.0


@dataclass(frozen=True, slots=True)
class CampaignReturn:
    campaign: CampaignRow
    won_units: int
    roi: float | None


class KpiRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _days(self, later: Any, earlier: Any) -> Any:
        """``later - earlier`` in (fractional) days, on the session's dialect."""
        if self.session.get_bind().dialect.name == "sqlite":
            return func.julianday(later) - func.julianday(earlier)
        return extract("epoch", later - earlier) / 86400.0

    async def lead_conversion(self, period: Period) -> Ratio:
        left_new = (
            select(LeadTransitionRow.lead_id)
            .where(
                LeadTransitionRow.from_status == LeadStatus.NEW,
                period.contains(LeadTransitionRow.at),
            )
            .distinct()
            .subquery("left_new")
        )
        converted = func.sum(case((LeadRow.status == LeadStatus.CONVERTED, 1), else_=0))
        row = (
            await self.session.execute(
                select(converted, func.count(LeadRow.id)).join(
                    left_new, left_new.c.lead_id == LeadRow.id
                )
            )
        ).one()
        return Ratio(int(row[0] or 0), int(row[1]))

    async def win_rate(self, period: Period) -> Ratio:
        won = func.sum(case((OpportunityRow.stage == WON, 1), else_=0))
        row = (
            await self.session.execute(
                select(won, func.count(OpportunityRow.id)).where(
                    OpportunityRow.stage.in_([WON, LOST]), period.contains(OpportunityRow.closed_at)
                )
            )
        ).one()
        return Ratio(int(row[0] or 0), int(row[1]))

    async def won_by_currency(self, period: Period) -> list[tuple[str, int, int]]:
        """(currency, deals, total units) of the deals WON in the period."""
        found = await self.session.execute(
            select(OpportunityRow.currency, func.count(), func.sum(OpportunityRow.amount_units))
            .where(
                OpportunityRow.stage == WON,
                OpportunityRow.currency.is_not(None),
                period.contains(OpportunityRow.closed_at),
            )
            .group_by(OpportunityRow.currency)
            .order_by(OpportunityRow.currency)
        )
        return [(str(currency), int(n), int(units or 0)) for currency, n, units in found.all()]

    async def median_sales_cycle_days(self, period: Period) -> float | None:
        """Median days from creation to WON: ranked in a window, the middle one(s) averaged."""
        days = self._days(OpportunityRow.closed_at, OpportunityRow.created_at)
        ranked = (
            select(
                cast(days, Float).label("days"),
                func.row_number().over(order_by=days).label("position"),
                func.count().over().label("n"),
            )
            .where(OpportunityRow.stage == WON, period.contains(OpportunityRow.closed_at))
            .subquery("ranked")
        )
        middle = or_(
            ranked.c.position == (ranked.c.n + 1) / 2, ranked.c.position == (ranked.c.n + 2) / 2
        )
        median = await self.session.scalar(select(func.avg(ranked.c.days)).where(middle))
        return float(median) if median is not None else None

    async def campaign_response(self, period: Period) -> Ratio:
        responded = func.sum(case((CampaignMemberRow.responded_at.is_not(None), 1), else_=0))
        row = (
            await self.session.execute(
                select(responded, func.count(CampaignMemberRow.id)).where(
                    period.contains(CampaignMemberRow.added_at)
                )
            )
        ).one()
        return Ratio(int(row[0] or 0), int(row[1]))

    async def campaign_returns(self, period: Period) -> list[CampaignReturn]:
        won = (
            select(
                OpportunityRow.campaign_id,
                OpportunityRow.currency,
                func.sum(OpportunityRow.amount_units).label("units"),
            )
            .where(OpportunityRow.stage == WON, OpportunityRow.closed_at < period.until)
            .group_by(OpportunityRow.campaign_id, OpportunityRow.currency)
            .subquery("won")
        )
        won_units = func.coalesce(won.c.units, 0)
        roi = (
            (won_units - CampaignRow.budget_units) * 1.0 / func.nullif(CampaignRow.budget_units, 0)
        )
        starts = func.coalesce(CampaignRow.starts_at, CampaignRow.created_at)
        found = await self.session.execute(
            select(CampaignRow, won_units, cast(roi, Float))
            .outerjoin(
                won,
                and_(
                    won.c.campaign_id == CampaignRow.id,
                    won.c.currency == CampaignRow.budget_currency,
                ),
            )
            .where(
                CampaignRow.budget_units.is_not(None),
                starts < period.until,
                or_(CampaignRow.ends_at.is_(None), CampaignRow.ends_at >= period.since),
            )
            .order_by(CampaignRow.id)
        )
        return [
            CampaignReturn(
                campaign=row, won_units=int(units), roi=float(r) if r is not None else None
            )
            for row, units, r in found.all()
        ]

    def _active(self, period: Period, name: str) -> Any:
        return (
            select(InteractionRow.customer_number.label("number"))
            .where(
                InteractionRow.customer_number.is_not(None),
                period.contains(InteractionRow.occurred_at),
            )
            .distinct()
            .subquery(name)
        )

    async def retention(self, period: Period) -> Ratio:
        before = self._active(period.previous, "before")
        now = self._active(period, "now")
        row = (
            await self.session.execute(
                select(func.count(now.c.number), func.count(before.c.number)).select_from(
                    before.outerjoin(now, now.c.number == before.c.number)
                )
            )
        ).one()
        return Ratio(int(row[0]), int(row[1]))

    async def satisfaction(self, period: Period) -> float | None:
        mean = await self.session.scalar(
            select(func.avg(cast(InteractionRow.satisfaction, Float))).where(
                InteractionRow.kind == InteractionKind.COMPLAINT,
                InteractionRow.satisfaction.is_not(None),
                period.contains(InteractionRow.resolved_at),
            )
        )
        return float(mean) if mean is not None else None

    async def open_complaints(self, period: Period) -> int:
        count = await self.session.scalar(
            select(func.count(InteractionRow.id)).where(
                InteractionRow.kind == InteractionKind.COMPLAINT,
                InteractionRow.complaint_status != ComplaintStatus.RESOLVED,
                InteractionRow.occurred_at < period.until,
            )
        )
        return int(count or 0)

    async def interactions_by_kind(self, period: Period) -> list[tuple[InteractionKind, int]]:
        found = await self.session.execute(
            select(InteractionRow.kind, func.count())
            .where(period.contains(InteractionRow.occurred_at))
            .group_by(InteractionRow.kind)
            .order_by(InteractionRow.kind)
        )
        return [(kind, int(n)) for kind, n in found.all()]

    async def interactions_by_owner(self, period: Period) -> list[tuple[str | None, int]]:
        found = await self.session.execute(
            select(InteractionRow.owner, func.count())
            .where(period.contains(InteractionRow.occurred_at))
            .group_by(InteractionRow.owner)
            .order_by(func.count().desc(), InteractionRow.owner)
        )
        return [(owner, int(n)) for owner, n in found.all()]
