"""Sales test support: GraphQL documents, mutation helpers, and ERP/CRM rows set directly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from crm_store.models import LeadRow
from crm_store.models.sales import OpportunityRow
from resolvers.node import key_of
from tests.support.crm import mutate

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

OPPORTUNITY_FIELDS = """
  id name customerNumber owner stage probability expectedCloseDate lostReason closedAt
  createdAt amount { amount currency } campaign { id name } lead { id }
  history { from to by at }
"""

CREATE_OPPORTUNITY = f"""
mutation($input: CreateOpportunityInput!) {{
  createOpportunity(input: $input) {{
    opportunity {{ {OPPORTUNITY_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}"""

MOVE_OPPORTUNITY = f"""
mutation($input: MoveOpportunityInput!) {{
  moveOpportunity(input: $input) {{
    opportunity {{ {OPPORTUNITY_FIELDS} }}
    warnings {{ field code message }}
    userErrors {{ field code message }}
  }}
}}"""

UPDATE_COMPLAINT = """
mutation($input: UpdateComplaintInput!) {
  updateComplaint(input: $input) {
    interaction {
      id complaintStatus assignee resolution resolvedAt resolvedBy satisfaction
      complaintHistory { from to by note }
    }
    userErrors { field code message }
  }
}"""

CREATE_CAMPAIGN = """
mutation($input: CreateCampaignInput!) {
  createCampaign(input: $input) {
    campaign { id name channel status budget { amount currency } responseRate }
    userErrors { field code message }
  }
}"""

ADD_MEMBERS = """
mutation($input: AddCampaignMembersInput!) {
  addCampaignMembers(input: $input) {
    campaign { id responseRate members { totalCount } }
    added alreadyMembers
    userErrors { field code message }
  }
}"""

RECORD_RESPONSE = """
mutation($input: RecordCampaignResponseInput!) {
  recordCampaignResponse(input: $input) {
    membership { status respondedAt convertedAt customerNumber campaign { id } }
    userErrors { field code message }
  }
}"""


async def create_opportunity(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    payload = await mutate(
        client, CREATE_OPPORTUNITY, "createOpportunity", {"name": "Big order", **fields}
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    opportunity: dict[str, Any] = payload["opportunity"]
    return opportunity


async def move(
    client: httpx.AsyncClient, opportunity_id: str, to: str, **fields: Any
) -> dict[str, Any]:
    return await mutate(
        client,
        MOVE_OPPORTUNITY,
        "moveOpportunity",
        {"opportunityId": opportunity_id, "to": to, **fields},
    )


async def moved(
    client: httpx.AsyncClient, opportunity_id: str, to: str, **fields: Any
) -> dict[str, Any]:
    """Move and insist it worked; the moved opportunity."""
    payload = await move(client, opportunity_id, to, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    opportunity: dict[str, Any] = payload["opportunity"]
    return opportunity


async def create_campaign(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    payload = await mutate(
        client, CREATE_CAMPAIGN, "createCampaign", {"name": "Spring", "channel": "EMAIL", **fields}
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    campaign: dict[str, Any] = payload["campaign"]
    return campaign


def row_key(global_id: str, type_name: str) -> int:
    key = key_of(global_id, type_name)
    assert key is not None
    return int(key)


def set_credit(
    erp: DemoErp,
    number: str,
    *,
    hold: bool = False,
    reason: str | None = None,
    limit: str = "10000.00",
    balance: str = "0.00",
    currency: str = "EUR",
) -> None:
    """Change a customer's credit standing in the demo ERP's own database, as the ERP would."""
    with sqlite3.connect(erp.path) as connection:
        connection.execute(
            "UPDATE debtor SET blocked = ?, block_reason = ?, credit_limit = ?, balance = ?, "
            "currency = ?, revision = revision + 1 WHERE number = ?",
            (1 if hold else 0, reason, limit, balance, currency, number),
        )
    connection.close()


async def convert_lead_row(store: Store, lead_id: str, customer_number: str) -> None:
    """Mark a lead converted in the CRM store directly (lead conversion is its own feature)."""
    async with store.sessionmaker() as session:
        await session.execute(
            update(LeadRow)
            .where(LeadRow.id == row_key(lead_id, "Lead"))
            .values(converted_customer_number=customer_number)
        )
        await session.commit()


async def set_lead_status(store: Store, lead_id: str, status: str) -> None:
    async with store.sessionmaker() as session:
        await session.execute(
            update(LeadRow).where(LeadRow.id == row_key(lead_id, "Lead")).values(status=status)
        )
        await session.commit()


async def set_created_at(store: Store, opportunity_id: str, created_at: dt.datetime) -> None:
    async with store.sessionmaker() as session:
        await session.execute(
            update(OpportunityRow)
            .where(OpportunityRow.id == row_key(opportunity_id, "Opportunity"))
            .values(created_at=created_at)
        )
        await session.commit()


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def dec(value: str) -> Decimal:
    return Decimal(value)
