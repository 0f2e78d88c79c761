"""Every CRM list field loads through batched loaders: a fixed number of SQL statements,
whatever the number of parents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from crm_store.models import (
    ContactRow,
    Direction,
    InteractionKind,
    InteractionRow,
    LeadRow,
    LeadStatus,
    LeadTransitionRow,
)
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

LEADS_DEEP = """
query {
  leads(first: 50) {
    totalCount
    edges { node {
      name
      history { from to by }
      interactions(first: 2) {
        totalCount
        edges { node {
          subject
          lead { name }
          contact {
            name
            interactions(first: 1) { totalCount edges { node { subject } } }
            customer {
              number
              contacts { name }
              interactions(first: 3, kind: CALL) { totalCount edges { node { subject } } }
            }
          }
        } }
      }
    } }
  }
}"""


async def seed(store: Store, leads: int) -> None:
    async with store.sessionmaker() as session:
        for n in range(leads):
            number = f"C{10001 + n}"
            contact = ContactRow(customer_number=number, name=f"Contact {n}", is_primary=True)
            lead = LeadRow(name=f"Lead {n}", status=LeadStatus.CHECKED, email=f"l{n}@example.com")
            session.add_all([contact, lead])
            await session.flush()
            session.add(
                LeadTransitionRow(
                    lead_id=lead.id,
                    from_status=LeadStatus.NEW,
                    to_status=LeadStatus.CHECKED,
                    at=START,
                    by="seed",
                )
            )
            for i in range(3):
                session.add(
                    InteractionRow(
                        kind=InteractionKind.CALL,
                        direction=Direction.OUTBOUND,
                        subject=f"Call {i}",
                        occurred_at=START + dt.timedelta(days=i),
                        customer_number=number,
                        lead_id=lead.id,
                        contact_id=contact.id,
                    )
                )
        await session.commit()


# leads page + count; history; interactions by lead (page + totals); lead by id;
# contact by id; interactions by contact (page + totals); contacts by customer;
# interactions by customer (page + totals)
STATEMENTS = 12


@pytest.mark.parametrize("leads", [1, 20])
async def test_a_deep_lead_list_costs_the_same_statements_for_1_or_20_leads(
    client: httpx.AsyncClient, store: Store, leads: int
) -> None:
    await seed(store, leads)
    with store.count_queries() as counter:
        body = await gql(client, LEADS_DEEP)
    page = body["data"]["leads"]
    assert page["totalCount"] == leads
    first = page["edges"][-1]["node"]
    assert first["history"] == [{"from": "NEW", "to": "CHECKED", "by": "seed"}]
    assert first["interactions"]["totalCount"] == 3
    interaction = first["interactions"]["edges"][0]["node"]
    assert interaction["subject"] == "Call 2"
    assert interaction["contact"]["interactions"]["totalCount"] == 3
    assert interaction["contact"]["customer"]["contacts"] == [{"name": "Contact 0"}]
    assert interaction["contact"]["customer"]["interactions"]["totalCount"] == 3
    assert counter.count == STATEMENTS, "\n".join(counter.statements)
