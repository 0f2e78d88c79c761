"""Demo sales, service and marketing data for the demo customers ``C10001``..``C10300``.

Written by ``workflows.crm_demo.seed_crm_demo`` right after the CRM demo data, into the same
(empty) store, so it is deterministic (a fixed seed, dates before the anchor) and written
once. It adds:

- campaigns on every channel (CLOSED, ACTIVE and DRAFT) with budgets, members, responses and
  conversions;
- opportunities in every stage on customers (some sourced by campaigns, among them won
  deals) and on the converted and qualified demo leads, each with the stage history that got
  it there (LOST ones with a reason);
- the case history of every demo complaint (OPEN -> IN_PROGRESS -> RESOLVED as far as it got).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_store.models import ComplaintStatus, InteractionKind, InteractionRow, LeadRow, LeadStatus
from crm_store.models.sales import (
    OPEN_STAGES,
    CampaignChannel,
    CampaignMemberRow,
    CampaignRow,
    CampaignStatus,
    ComplaintTransitionRow,
    MemberStatus,
    OpportunityRow,
    OpportunityStage,
    OpportunityStageChangeRow,
)
from crm_store.repositories.opportunities import to_units

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

SEED = 6
OPPORTUNITIES_PER_STAGE = 20
LOST_REASONS = ("Price too high", "Went with a competitor", "No budget this year", "Timing")
PRODUCTS = ("Annual supply", "Spare parts", "Service contract", "Upgrade", "Pilot order")
CAMPAIGNS = (
    ("Winter newsletter", CampaignChannel.EMAIL, CampaignStatus.CLOSED, 2500, 160, 100),
    ("Hannover trade fair", CampaignChannel.EVENT, CampaignStatus.CLOSED, 18000, 110, 80),
    ("Reactivation calls", CampaignChannel.CALL, CampaignStatus.ACTIVE, 4000, 60, None),
    ("LinkedIn spring push", CampaignChannel.SOCIAL, CampaignStatus.DRAFT, 1500, -30, None),
)
"""(name, channel, status, budget in EUR, starts days before the anchor, runs for days)."""


@dataclass(frozen=True, slots=True)
class SalesDemoSummary:
    campaigns: int
    members: int
    opportunities: int


async def seed_sales_demo(
    session: AsyncSession, *, anchor: dt.datetime, customers: Sequence[str], owners: Sequence[str]
) -> SalesDemoSummary:
    rng = random.Random(SEED)
    planned = _campaigns(rng, anchor, customers)
    campaigns = [campaign for campaign, _ in planned]
    session.add_all(campaigns)
    await session.flush()
    members = []
    for campaign, its_members in planned:
        for member in its_members:
            member.campaign_id = campaign.id
            members.append(member)
    session.add_all(members)
    leads = (
        await session.scalars(
            select(LeadRow)
            .where(LeadRow.status.in_([LeadStatus.QUALIFIED, LeadStatus.CONVERTED]))
            .order_by(LeadRow.id)
        )
    ).all()
    opportunities = _opportunities(rng, anchor, customers, owners, campaigns[:3], leads)
    session.add_all([row for row, _ in opportunities])
    await session.flush()
    changes = [change for row, path in opportunities for change in _history(row, path)]
    session.add_all(changes)
    complaints = (
        await session.scalars(
            select(InteractionRow)
            .where(InteractionRow.kind == InteractionKind.COMPLAINT)
            .order_by(InteractionRow.id)
        )
    ).all()
    session.add_all([t for row in complaints for t in _complaint_history(rng, row)])
    await session.flush()
    return SalesDemoSummary(
        campaigns=len(campaigns), members=len(members), opportunities=len(opportunities)
    )


def _campaigns(
    rng: random.Random, anchor: dt.datetime, customers: Sequence[str]
) -> list[tuple[CampaignRow, list[CampaignMemberRow]]]:
    """Each campaign with its members (linked to it once it has an id)."""
    planned: list[tuple[CampaignRow, list[CampaignMemberRow]]] = []
    for name, channel, status, budget, starts, runs in CAMPAIGNS:
        starts_at = anchor - dt.timedelta(days=starts)
        members: list[CampaignMemberRow] = []
        campaign = CampaignRow(
            name=name,
            channel=channel,
            status=status,
            budget_units=to_units(Decimal(budget)),
            budget_currency="EUR",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(days=runs) if runs else None,
            created_by="marketing",
            created_at=starts_at - dt.timedelta(days=14),
        )
        planned.append((campaign, members))
        for number in rng.sample(list(customers), 40 if status is not CampaignStatus.DRAFT else 12):
            added_at = min(starts_at, anchor) - dt.timedelta(days=rng.randint(1, 10))
            member = CampaignMemberRow(customer_number=number, added_at=added_at)
            if status is not CampaignStatus.DRAFT and rng.random() < 0.35:
                member.responded_at = min(starts_at + dt.timedelta(days=rng.randint(1, 20)), anchor)
                member.status = MemberStatus.RESPONDED
                if rng.random() < 0.4:
                    member.status = MemberStatus.CONVERTED
                    member.converted_at = member.responded_at
            members.append(member)
    return planned


def _opportunities(
    rng: random.Random,
    anchor: dt.datetime,
    customers: Sequence[str],
    owners: Sequence[str],
    campaigns: Sequence[CampaignRow],
    leads: Sequence[LeadRow],
) -> list[tuple[OpportunityRow, list[OpportunityStage]]]:
    made: list[tuple[OpportunityRow, list[OpportunityStage]]] = []
    for stage in OpportunityStage:
        for _ in range(OPPORTUNITIES_PER_STAGE):
            created = anchor - dt.timedelta(days=rng.randint(20, 200), hours=rng.randint(0, 23))
            campaign = rng.choice(campaigns) if rng.random() < 0.3 else None
            amount = Decimal(rng.randint(10, 400) * 250)
            row = OpportunityRow(
                name=f"{rng.choice(PRODUCTS)} {created:%Y-%m}",
                customer_number=rng.choice(customers),
                owner=rng.choice(owners),
                stage=stage,
                amount_units=to_units(amount),
                currency=rng.choice(("EUR", "EUR", "EUR", "USD")),
                probability=_probability(stage, rng),
                expected_close_date=(created + dt.timedelta(days=rng.randint(30, 120))).date(),
                campaign_id=campaign.id if campaign is not None else None,
                created_at=created,
            )
            if stage in (OpportunityStage.WON, OpportunityStage.LOST):
                row.closed_at = min(created + dt.timedelta(days=rng.randint(7, 90)), anchor)
            if stage is OpportunityStage.LOST:
                row.lost_reason = rng.choice(LOST_REASONS)
            made.append((row, _path(rng, stage)))
    for lead in leads:
        converted = lead.converted_customer_number is not None
        stage = OpportunityStage.PROPOSAL if converted else OpportunityStage.QUALIFICATION
        created = anchor - dt.timedelta(days=rng.randint(5, 40))
        row = OpportunityRow(
            name=f"First order {lead.company or lead.name}",
            customer_number=lead.converted_customer_number,
            lead_id=lead.id,
            owner=lead.owner,
            stage=stage,
            amount_units=to_units(Decimal(rng.randint(4, 80) * 250)),
            currency="EUR",
            probability=_probability(stage, rng),
            created_at=created,
        )
        made.append((row, _path(rng, stage)))
    return made


def _probability(stage: OpportunityStage, rng: random.Random) -> int:
    if stage is OpportunityStage.WON:
        return 100
    if stage is OpportunityStage.LOST:
        return 0
    return (10, 25, 50, 75)[OPEN_STAGES.index(stage)] + rng.randint(-5, 5)


def _path(rng: random.Random, stage: OpportunityStage) -> list[OpportunityStage]:
    """The stages an opportunity went through to reach ``stage`` (forward moves only)."""
    if stage in OPEN_STAGES:
        return list(OPEN_STAGES[: OPEN_STAGES.index(stage) + 1])
    last_open = rng.randint(1, len(OPEN_STAGES)) if stage is OpportunityStage.LOST else 4
    return [*OPEN_STAGES[:last_open], stage]


def _history(row: OpportunityRow, path: list[OpportunityStage]) -> list[OpportunityStageChangeRow]:
    end = row.closed_at or row.created_at + dt.timedelta(days=len(path) * 3)
    span = (end - row.created_at) / max(len(path), 1)
    changes = []
    before: OpportunityStage | None = None
    for step, stage in enumerate(path):
        at = row.created_at + span * step
        if row.closed_at is not None and step == len(path) - 1:
            at = row.closed_at
        changes.append(
            OpportunityStageChangeRow(
                opportunity_id=row.id, from_stage=before, to_stage=stage, at=at, by=row.owner
            )
        )
        before = stage
    return changes


def _complaint_history(rng: random.Random, row: InteractionRow) -> list[ComplaintTransitionRow]:
    status = row.complaint_status
    if status is None or status is ComplaintStatus.OPEN:
        return []
    taken = row.occurred_at + dt.timedelta(hours=rng.randint(1, 20))
    steps = [
        ComplaintTransitionRow(
            interaction_id=row.id,
            from_status=ComplaintStatus.OPEN,
            to_status=ComplaintStatus.IN_PROGRESS,
            at=min(taken, row.resolved_at or taken),
            by=row.assignee,
        )
    ]
    if status is ComplaintStatus.RESOLVED:
        steps.append(
            ComplaintTransitionRow(
                interaction_id=row.id,
                from_status=ComplaintStatus.IN_PROGRESS,
                to_status=ComplaintStatus.RESOLVED,
                at=row.resolved_at or taken,
                by=row.resolved_by,
                note=row.resolution,
            )
        )
    return steps
