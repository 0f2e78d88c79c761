"""The demo sales, service and marketing data: every stage and state, and KPIs that say
something on the demo period."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from crm_store.models import ComplaintStatus, InteractionKind, InteractionRow
from crm_store.models.sales import (
    CampaignMemberRow,
    CampaignRow,
    ComplaintTransitionRow,
    OpportunityRow,
    OpportunityStage,
    OpportunityStageChangeRow,
)
from crm_store.unit_of_work import UnitOfWork
from tests.support.graphql import gql
from workflows.crm_demo import ANCHOR, seed_crm_demo

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store

KPIS = """
query($since: DateTime!, $until: DateTime!) {
  kpis(since: $since, until: $until) {
    leadConversionRate opportunityWinRate averageDealSize { amount currency } salesCycleDays
    campaignResponseRate marketingRoi { roi currency } customerRetentionRate
    customerSatisfaction openComplaints interactionsByKind { kind count }
  }
}"""


async def seed(store: Store) -> None:
    uow = UnitOfWork(store.sessionmaker)
    try:
        await seed_crm_demo(uow, anchor=ANCHOR)
        await uow.commit()
    finally:
        await uow.close()


async def test_demo_has_every_stage_state_and_sourced_wins(store: Store) -> None:
    await seed(store)
    async with store.sessionmaker() as session:
        opportunities = (await session.scalars(select(OpportunityRow))).all()
        changes = (
            await session.scalars(
                select(OpportunityStageChangeRow).order_by(OpportunityStageChangeRow.id)
            )
        ).all()
        complaints = (
            await session.scalars(
                select(InteractionRow).where(InteractionRow.kind == InteractionKind.COMPLAINT)
            )
        ).all()
        transitions = (await session.scalars(select(ComplaintTransitionRow))).all()
        campaigns = (await session.scalars(select(CampaignRow))).all()
        responded = await session.scalar(
            select(func.count()).where(CampaignMemberRow.responded_at.is_not(None))
        )
    assert set(Counter(o.stage for o in opportunities)) == set(OpportunityStage)
    assert any(o.stage is OpportunityStage.WON and o.campaign_id for o in opportunities)
    assert all(o.lost_reason for o in opportunities if o.stage is OpportunityStage.LOST)
    last_change = {c.opportunity_id: c.to_stage for c in changes}
    assert all(last_change[o.id] is o.stage for o in opportunities)
    assert {c.complaint_status for c in complaints} == set(ComplaintStatus)
    resolved = {t.interaction_id for t in transitions if t.to_status is ComplaintStatus.RESOLVED}
    assert resolved == {c.id for c in complaints if c.complaint_status is ComplaintStatus.RESOLVED}
    assert {c.channel for c in campaigns} == {"EMAIL", "EVENT", "CALL", "SOCIAL"}
    assert responded


async def test_kpis_on_the_demo_period_are_not_zeros(
    client: httpx.AsyncClient, store: Store
) -> None:
    await seed(store)
    body = await gql(
        client,
        KPIS,
        {
            "since": (ANCHOR - timedelta(days=90)).isoformat(),
            "until": ANCHOR.isoformat(),
        },
    )
    kpis = body["data"]["kpis"]
    for name in (
        "leadConversionRate",
        "opportunityWinRate",
        "salesCycleDays",
        "campaignResponseRate",
        "customerRetentionRate",
        "customerSatisfaction",
        "openComplaints",
    ):
        assert kpis[name], name
    assert kpis["averageDealSize"]
    assert kpis["marketingRoi"]
    assert kpis["interactionsByKind"]
