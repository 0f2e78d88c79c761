"""Two partners' worlds on the demo ERP, for the partner-scoping tests.

Partner ``P-1`` ("mine") has customers C10001 and C10002; partner ``P-2`` ("theirs") has
C10003. Each side has a contact and an interaction with that contact; there is a lead with
an interaction, converted to the other partner's customer. The other partner's customer also
has an opportunity, a complaint and a campaign it alone is a member of (so partner ``P-1``
sees no campaign at all). Everything is made by an admin over HTTP (or, for the conversion,
in the store), as a user would.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import update

from crm_store.models import LeadRow
from crm_store.models.payments import PaymentImportBatchRow, PaymentMethod, PaymentRow
from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from crm_store.repositories.payments import PaymentRepository
from resolvers.crm.ids import row_id
from resolvers.node import to_global_id
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store

MINE = ("C10001", "C10002")
THEIRS = "C10003"
PARTNER = "P-1"
OTHER_PARTNER = "P-2"

CREATE_CONTACT = """mutation($input: CreateContactInput!) {
  createContact(input: $input) { contact { id } userErrors { code } } }"""
LOG = """mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id } userErrors { code } } }"""
CREATE_LEAD = """mutation($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id } userErrors { code } } }"""
CREATE_OPPORTUNITY = """mutation($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id } userErrors { code } } }"""
CREATE_CAMPAIGN = """mutation($input: CreateCampaignInput!) {
  createCampaign(input: $input) { campaign { id } userErrors { code } } }"""
CREATE_TEMPLATE = """mutation($input: CreateNoticeTemplateInput!) {
  createNoticeTemplate(input: $input) { template { id } userErrors { code } } }"""
ADD_MEMBERS = """mutation($input: AddCampaignMembersInput!) {
  addCampaignMembers(input: $input) { added userErrors { code } } }"""


@dataclass(frozen=True, slots=True)
class Side:
    customer: str
    contact_id: str
    interaction_id: str

    @property
    def customer_id(self) -> str:
        return to_global_id("Customer", self.customer)


@dataclass(frozen=True, slots=True)
class World:
    mine: Side
    theirs: Side
    lead_id: str
    """A lead converted to the other partner's customer."""
    lead_interaction_id: str
    """An interaction on the lead alone (no customer)."""
    opportunity_id: str
    """An opportunity on the other partner's customer."""
    campaign_id: str
    """A campaign whose only member is the other partner's customer."""
    complaint_id: str
    """A complaint (an interaction) of the other partner's customer."""
    payment_id: str
    """A payment of the other partner's customer."""
    template_id: str
    """A notice template (no customer's: partners never see templates)."""


async def _data(client: httpx.AsyncClient, document: str, field: str, **input: Any) -> Any:
    body = await gql(client, document, {"input": input})
    payload = body["data"][field]
    assert payload["userErrors"] == [], payload
    return payload


async def _side(client: httpx.AsyncClient, customer: str) -> Side:
    created = await _data(
        client, CREATE_CONTACT, "createContact", customerNumber=customer, name=f"At {customer}"
    )
    contact = created["contact"]["id"]
    interaction = await _data(
        client,
        LOG,
        "logInteraction",
        customerNumber=customer,
        contactId=contact,
        kind="CALL",
        direction="INBOUND",
        subject=f"Call with {customer}",
    )
    return Side(customer, contact, interaction["interaction"]["id"])


async def build_world(client: httpx.AsyncClient, store: Store) -> World:
    async with store.sessionmaker() as session:
        assignments = PartnerAssignmentRepository(session)
        for number in MINE:
            await assignments.assign(number, PARTNER)
        await assignments.assign(THEIRS, OTHER_PARTNER)
        await session.commit()
    mine = await _side(client, MINE[0])
    theirs = await _side(client, THEIRS)
    lead = (await _data(client, CREATE_LEAD, "createLead", name="Ada Prospect"))["lead"]["id"]
    on_lead = await _data(
        client, LOG, "logInteraction", leadId=lead, kind="NOTE", direction="OUTBOUND", subject="n"
    )
    async with store.sessionmaker() as session:
        await session.execute(
            update(LeadRow)
            .where(LeadRow.id == row_id(lead, "Lead"))
            .values(converted_customer_number=THEIRS)
        )
        await session.commit()
    opportunity = await _data(
        client, CREATE_OPPORTUNITY, "createOpportunity", name="Their deal", customerNumber=THEIRS
    )
    campaign = await _data(
        client, CREATE_CAMPAIGN, "createCampaign", name="Their mailing", channel="EMAIL"
    )
    campaign_id = campaign["campaign"]["id"]
    await _data(
        client, ADD_MEMBERS, "addCampaignMembers", campaignId=campaign_id, customerNumbers=[THEIRS]
    )
    complaint = await _data(
        client,
        LOG,
        "logInteraction",
        customerNumber=THEIRS,
        kind="COMPLAINT",
        direction="INBOUND",
        subject="Late delivery",
    )
    template = await _data(
        client,
        CREATE_TEMPLATE,
        "createNoticeTemplate",
        name="Scoping",
        subject="Paid",
        bodyText="Thank you, {{ customer.name }}.",
    )
    return World(
        mine,
        theirs,
        lead,
        on_lead["interaction"]["id"],
        opportunity_id=opportunity["opportunity"]["id"],
        campaign_id=campaign_id,
        complaint_id=complaint["interaction"]["id"],
        payment_id=await _payment(store, THEIRS),
        template_id=template["template"]["id"],
    )


async def _payment(store: Store, customer: str) -> str:
    """A payment of ``customer``, stored as an import would store it (the global id)."""
    batch = PaymentImportBatchRow(
        id=uuid.uuid4(),
        source="scoping",
        filename=None,
        sha256="0" * 64,
        total_rows=1,
        imported_rows=1,
        existing_rows=0,
        invalid_rows=0,
    )
    payment = PaymentRow(
        id=uuid.uuid4(),
        source="scoping",
        reference=f"PAY-{customer}",
        customer_number=customer,
        amount=Decimal("120.00"),
        currency="EUR",
        method=PaymentMethod.TRANSFER,
        value_date=dt.date(2026, 1, 15),
        remittance=None,
        import_batch_id=batch.id,
    )
    async with store.sessionmaker() as session:
        PaymentRepository(session).add_batch(batch, [payment])
        await session.commit()
    return to_global_id("Payment", str(payment.id))


@pytest.fixture
async def world(client: httpx.AsyncClient, store: Store) -> World:
    return await build_world(client, store)
