"""Every CRM list field loads through batched loaders: a fixed number of SQL statements,
whatever the number of parents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from crm_store.models import (
    ContactRow,
    Direction,
    InteractionKind,
    InteractionRow,
    LeadRow,
    LeadStatus,
    LeadTransitionRow,
)
from resolvers.node import to_global_id
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
            interactions(first: 1) { totalCount }
          }
          customer {
            number
            contacts { name }
            interactions(first: 3, kind: CALL) { totalCount edges { cursor } }
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


# leads page + count; history; interactions by lead (page and totals in one statement);
# lead by id; contact by id; interactions by contact; contacts by customer;
# interactions by customer
STATEMENTS = 9


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
    assert interaction["customer"]["contacts"] == [{"name": "Contact 0"}]
    assert interaction["customer"]["interactions"]["totalCount"] == 3
    assert counter.count == STATEMENTS, "\n".join(counter.statements)


async def test_interactions_by_id_load_in_one_batch(
    client: httpx.AsyncClient, store: Store
) -> None:
    await seed(store, 1)
    async with store.sessionmaker() as session:
        rows = (await session.scalars(select(InteractionRow).order_by(InteractionRow.id))).all()
    query = (
        "query($a: ID!, $b: ID!, $c: ID!) { a: interaction(id: $a) { subject }"
        " b: interaction(id: $b) { subject } c: node(id: $c) { id } }"
    )
    ids = {
        "a": to_global_id("Interaction", rows[0].id),
        "b": to_global_id("Interaction", rows[1].id),
        "c": to_global_id("Interaction", rows[-1].id + 1000),
    }
    with store.count_queries() as counter:
        body = await gql(client, query, ids)
    assert body["data"] == {"a": {"subject": "Call 0"}, "b": {"subject": "Call 1"}, "c": None}
    assert counter.count == 1
