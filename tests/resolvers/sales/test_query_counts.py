"""Every sales list field loads through batched loaders: a fixed number of SQL statements,
whatever the number of parents."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from crm_store.models import LeadRow, LeadStatus
from crm_store.models.sales import (
    CampaignChannel,
    CampaignMemberRow,
    CampaignRow,
    CampaignStatus,
    OpportunityRow,
    OpportunityStage,
    OpportunityStageChangeRow,
)
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store

DEEP = """
query {
  opportunities(first: 50) {
    totalCount
    edges { node {
      name
      amount { amount currency }
      history { from to by }
      campaign {
        name responseRate
        members(first: 2) { totalCount edges { node { status customerNumber campaign { name } } } }
      }
      lead { name opportunities(first: 1) { totalCount } }
      customer {
        number
        opportunities(first: 2) { totalCount edges { node { name } } }
        campaigns { status campaign { name } }
      }
    } }
  }
}"""

# opportunities page + count; campaign by id; history by opportunity; lead by id;
# responses by campaign; members by campaign (page + counts); opportunities by lead
# (page + counts); opportunities by customer (page + counts); memberships by customer
STATEMENTS = 13


async def seed(store: Store, customers: int) -> None:
    async with store.sessionmaker() as session:
        campaign = CampaignRow(
            name="Fair", channel=CampaignChannel.EVENT, status=CampaignStatus.ACTIVE
        )
        session.add(campaign)
        await session.flush()
        for n in range(customers):
            number = f"C{10001 + n}"
            lead = LeadRow(name=f"Lead {n}", status=LeadStatus.CONVERTED)
            session.add(lead)
            await session.flush()
            opportunity = OpportunityRow(
                name=f"Deal {n}",
                customer_number=number,
                lead_id=lead.id,
                campaign_id=campaign.id,
                stage=OpportunityStage.PROSPECTING,
                amount_units=10_000 * (n + 1),
                currency="EUR",
            )
            session.add(opportunity)
            session.add(CampaignMemberRow(campaign_id=campaign.id, customer_number=number))
            await session.flush()
            session.add(
                OpportunityStageChangeRow(
                    opportunity_id=opportunity.id, to_stage=OpportunityStage.PROSPECTING, by="seed"
                )
            )
        await session.commit()


@pytest.mark.parametrize("customers", [1, 20])
async def test_a_deep_opportunity_list_costs_the_same_for_1_or_20(
    client: httpx.AsyncClient, store: Store, customers: int
) -> None:
    await seed(store, customers)
    with store.count_queries() as counter:
        body = await gql(client, DEEP)
    page = body["data"]["opportunities"]
    assert page["totalCount"] == customers
    last = page["edges"][-1]["node"]
    assert last["name"] == "Deal 0"
    assert last["amount"] == {"amount": "1.00", "currency": "EUR"}
    assert last["history"] == [{"from": None, "to": "PROSPECTING", "by": "seed"}]
    assert last["campaign"]["members"]["totalCount"] == customers
    assert last["lead"]["opportunities"]["totalCount"] == 1
    assert last["customer"]["opportunities"]["edges"] == [{"node": {"name": "Deal 0"}}]
    assert last["customer"]["campaigns"] == [{"status": "MEMBER", "campaign": {"name": "Fair"}}]
    assert counter.count == STATEMENTS, "\n".join(counter.statements)


async def test_campaigns_list_with_members_and_rates(
    client: httpx.AsyncClient, store: Store
) -> None:
    await seed(store, 3)
    query = """{ campaigns(first: 5) { totalCount edges { node {
      name responseRate
      members(first: 5) { totalCount edges { node { customerNumber } } } } } } }"""
    with store.count_queries() as counter:
        body = await gql(client, query)
    [edge] = body["data"]["campaigns"]["edges"]
    assert edge["node"]["members"]["totalCount"] == 3
    # campaigns page + count; responses by campaign; members by campaign (page + counts)
    assert counter.count == 5, "\n".join(counter.statements)
