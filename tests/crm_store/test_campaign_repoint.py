"""Re-pointing a converted lead's campaign memberships to its customer, on both dialects."""

from sqlalchemy import select

from crm_store.models.enums import LeadStatus
from crm_store.models.leads import LeadRow
from crm_store.models.sales import (
    CampaignChannel,
    CampaignMemberRow,
    CampaignRow,
    MemberStatus,
)
from crm_store.repositories.campaigns import CampaignRepository
from tests.support.databases import Store


async def test_memberships_move_except_where_the_customer_already_is_a_member(
    store: Store,
) -> None:
    async with store.sessionmaker() as session, session.begin():
        lead = LeadRow(name="Converted Lead", status=LeadStatus.CONVERTED)
        shared = CampaignRow(name="Both", channel=CampaignChannel.EMAIL)
        lead_only = CampaignRow(name="Lead only", channel=CampaignChannel.CALL)
        session.add_all([lead, shared, lead_only])
        await session.flush()
        session.add_all(
            [
                CampaignMemberRow(campaign_id=shared.id, customer_number="C10001"),
                CampaignMemberRow(
                    campaign_id=shared.id, lead_id=lead.id, status=MemberStatus.RESPONDED
                ),
                CampaignMemberRow(campaign_id=lead_only.id, lead_id=lead.id),
            ]
        )
        await session.flush()
        moved = await CampaignRepository(session).repoint_lead(lead.id, "C10001")
        ids = (lead.id, shared.id, lead_only.id)
    assert moved == 1
    async with store.sessionmaker() as session:
        rows = (
            await session.execute(
                select(
                    CampaignMemberRow.campaign_id,
                    CampaignMemberRow.customer_number,
                    CampaignMemberRow.lead_id,
                ).order_by(CampaignMemberRow.id)
            )
        ).all()
    lead_id, shared_id, lead_only_id = ids
    assert [tuple(row) for row in rows] == [
        (shared_id, "C10001", None),
        (shared_id, None, lead_id),  # kept: the customer already is a member of this one
        (lead_only_id, "C10001", None),
    ]
