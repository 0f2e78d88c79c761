"""convertLead over HTTP on the demo ERP (the sql adapter): once per key, whatever fails."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.settings import Settings
from crm_store.session import create_engine, create_sessionmaker
from crm_store.unit_of_work import UnitOfWork
from erp_gateway.records import CustomerQuery
from resolvers.node import key_of
from tests.support.crm import http_client
from tests.support.erp import running_app
from tests.support.erp_writes import convert, qualified_lead
from tests.support.graphql import gql
from workflows.lead_conversion import convert_lead

if TYPE_CHECKING:
    from pathlib import Path

    import httpx
    from starlette.applications import Starlette

    from erp_gateway.port import ErpGateway
    from tests.support.databases import Store
    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

LEAD_DATA = {
    "name": "Grace Hopper",
    "company": "Hopper Compilers GmbH",
    "email": "grace@hopper.example",
    "phone": "+49 30 1234567",
    "street": "Invalidenstraße 117",
    "city": "Berlin",
    "postalCode": "10115",
    "country": "DE",
}


async def customer_count(gateway: ErpGateway) -> int:
    page = await gateway.search_customers(CustomerQuery(limit=1))
    assert page.total is not None
    return page.total


async def count_in(demo_erp: DemoErp) -> int:
    adapter = demo_erp.adapter()
    try:
        return await customer_count(adapter)
    finally:
        await adapter.close()


async def test_a_qualified_lead_becomes_one_customer_whatever_the_retries(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    lead = await qualified_lead(client, **LEAD_DATA)
    before = await count_in(demo_erp)
    key = str(uuid.uuid4())

    first = await convert(client, lead["id"], key)
    again = await convert(client, lead["id"], key)

    assert first["userErrors"] == []
    customer = first["customer"]
    assert customer["name"] == "Hopper Compilers GmbH"
    assert customer["email"] == "grace@hopper.example"
    assert customer["billingAddress"] == {
        "street": "Invalidenstraße 117",
        "city": "Berlin",
        "postalCode": "10115",
        "region": None,
        "country": "DE",
    }
    assert first["lead"]["status"] == "CONVERTED"
    assert first["lead"]["history"][-1] == {
        "from": "QUALIFIED",
        "to": "CONVERTED",
        "by": "test admin",
        "note": f"converted to customer {customer['number']}",
    }
    assert sorted(e["node"]["subject"] for e in customer["interactions"]["edges"]) == [
        "CALL QUALIFIED",
        "EMAIL CONTACTED",
    ]
    assert again["userErrors"] == []
    assert again["customer"]["number"] == customer["number"]
    assert again["lead"]["status"] == "CONVERTED"
    assert len(again["lead"]["history"]) == len(first["lead"]["history"])
    assert await count_in(demo_erp) == before + 1


async def test_only_a_qualified_lead_is_converted(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    before = await count_in(demo_erp)
    payload = await gql(
        client,
        "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } } }",
        {"i": {"name": "Fresh Lead", "email": "fresh@lead.example"}},
    )
    lead_id = payload["data"]["createLead"]["lead"]["id"]
    refused = await convert(client, lead_id, str(uuid.uuid4()))
    assert refused["lead"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "leadId"], "INVALID_TRANSITION")
    ]
    assert await count_in(demo_erp) == before


async def test_one_key_for_two_leads_is_refused(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    first = await qualified_lead(client, name="First Lead", email="first@lead.example")
    second = await qualified_lead(client, name="Second Lead", email="second@lead.example")
    key = str(uuid.uuid4())
    assert (await convert(client, first["id"], key))["userErrors"] == []
    before = await count_in(demo_erp)
    reused = await convert(client, second["id"], key)
    assert reused["customer"] is None
    assert [(e["field"], e["code"]) for e in reused["userErrors"]] == [
        (["input", "idempotencyKey"], "INVALID")
    ]
    assert await count_in(demo_erp) == before
    converted = await convert(client, second["id"], str(uuid.uuid4()))
    assert converted["lead"]["status"] == "CONVERTED"


async def test_an_unreachable_erp_leaves_the_lead_as_it_was(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0)
    async with running_app(settings, store) as (client, _):
        lead = await qualified_lead(client, name="Patient Lead", email="patient@lead.example")
        key = str(uuid.uuid4())
        demo_erp.take_down()
        down = await convert(client, lead["id"], key)
        demo_erp.bring_back()
        assert down["lead"] is None
        assert [e["code"] for e in down["userErrors"]] == ["ERP_UNAVAILABLE"]
        status = await gql(
            client, "query($id: ID!) { lead(id: $id) { status } }", {"id": lead["id"]}
        )
        assert status["data"]["lead"]["status"] == "QUALIFIED"
        before = await count_in(demo_erp)
        retried = await convert(client, lead["id"], key)
        assert retried["lead"]["status"] == "CONVERTED"
        assert await count_in(demo_erp) == before + 1


async def test_a_commit_lost_after_the_erp_call_is_retried_into_the_same_customer(
    committed_app: Starlette, postgres_url: str
) -> None:
    """The CRM connection dies between the ERP call and the commit; the retry finds the
    customer the ERP created under the key instead of creating a second one."""
    gateway = committed_app.state.frontdesk.erp.gateway
    async with http_client(committed_app) as client:
        lead = await qualified_lead(client, name="Crash Lead", email="crash@lead.example")
        before = await customer_count(gateway)
        key = str(uuid.uuid4())
        lead_id = int(key_of(lead["id"], "Lead") or 0)

        engine = create_engine(postgres_url, pool_size=2)
        uow = UnitOfWork(create_sessionmaker(engine))
        try:
            outcome = await convert_lead(uow, gateway, lead_id, key, actor="crashing worker")
            assert outcome.value is not None
            created = outcome.value.customer_number
            async with uow.session() as session:
                pid = await session.scalar(text("SELECT pg_backend_pid()"))
            async with engine.connect() as killer:
                await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(DBAPIError):
                await uow.commit()
            await uow.close()
        finally:
            await engine.dispose()
        assert await customer_count(gateway) == before + 1
        status = await gql(
            client, "query($id: ID!) { lead(id: $id) { status } }", {"id": lead["id"]}
        )
        assert status["data"]["lead"]["status"] == "QUALIFIED"  # the CRM side rolled back

        retried = await convert(client, lead["id"], key)
        assert retried["userErrors"] == []
        assert retried["customer"]["number"] == created
        assert retried["lead"]["status"] == "CONVERTED"
        assert retried["lead"]["history"][-1]["by"] == "committed admin"
        assert await customer_count(gateway) == before + 1


async def test_converting_needs_write_leads_and_write_customers(
    client: httpx.AsyncClient, client_for: ClientFor, demo_erp: DemoErp
) -> None:
    lead = await qualified_lead(client, name="Guarded Lead", email="guarded@lead.example")
    before = await count_in(demo_erp)
    for role, needs in (("marketing", "write:customers"), ("service", "write:leads")):
        http = await client_for(role)
        body = await gql(
            http,
            "mutation($input: ConvertLeadInput!) { convertLead(input: $input) { lead { id } } }",
            {"input": {"leadId": lead["id"], "idempotencyKey": str(uuid.uuid4())}},
            expect_errors=True,
        )
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "needs": needs}, role
    assert await count_in(demo_erp) == before
    sales = await client_for("sales", name="maria")
    payload = await convert(sales, lead["id"], str(uuid.uuid4()))
    assert payload["lead"]["history"][-1]["by"] == "maria"
    assert await count_in(demo_erp) == before + 1


async def test_two_concurrent_conversions_with_one_key_create_one_customer(
    committed_app: Starlette,
) -> None:
    gateway = committed_app.state.frontdesk.erp.gateway
    async with http_client(committed_app) as client:
        lead = await qualified_lead(client, name="Racing Lead", email="race@lead.example")
        before = await customer_count(gateway)
        key = str(uuid.uuid4())
        results = await asyncio.gather(*(convert(client, lead["id"], key) for _ in range(2)))
        settled = await convert(client, lead["id"], key)

    numbers = {r["customer"]["number"] for r in results if r["customer"] is not None}
    codes = sorted(e["code"] for r in results for e in r["userErrors"])
    assert len(numbers) == 1
    assert codes in ([], ["CONFLICT"])
    assert settled["customer"]["number"] in numbers
    assert settled["lead"]["status"] == "CONVERTED"
    assert await customer_count(gateway) == before + 1


async def test_the_leads_campaign_memberships_become_the_customers(
    client: httpx.AsyncClient,
) -> None:
    lead = await qualified_lead(client, name="Ada Member", email="ada@member.example")
    campaigns = []
    for name in ("Spring fair", "Newsletter"):
        created = await gql(
            client,
            "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } } }",
            {"i": {"name": name, "channel": "EVENT", "status": "ACTIVE"}},
        )
        campaign_id = created["data"]["createCampaign"]["campaign"]["id"]
        added = await gql(
            client,
            "mutation($i: AddCampaignMembersInput!) { addCampaignMembers(input: $i) { added } }",
            {"i": {"campaignId": campaign_id, "leadIds": [lead["id"]]}},
        )
        assert added["data"]["addCampaignMembers"]["added"] == 1
        campaigns.append(campaign_id)
    responded = await gql(
        client,
        """mutation($i: RecordCampaignResponseInput!) {
          recordCampaignResponse(input: $i) { userErrors { code } } }""",
        {"i": {"campaignId": campaigns[0], "leadId": lead["id"]}},
    )
    assert responded["data"]["recordCampaignResponse"]["userErrors"] == []

    converted = await convert(client, lead["id"], str(uuid.uuid4()))
    assert converted["userErrors"] == []
    number = converted["customer"]["number"]

    body = await gql(
        client,
        """query($n: String!, $c: ID!) {
          customer(number: $n) { campaigns { status campaign { name } } }
          campaign(id: $c) { members { totalCount edges { node { customerNumber lead { id } } } } }
        }""",
        {"n": number, "c": campaigns[0]},
    )
    assert body["data"] == {
        "customer": {
            "campaigns": [
                {"status": "MEMBER", "campaign": {"name": "Newsletter"}},
                {"status": "RESPONDED", "campaign": {"name": "Spring fair"}},
            ]
        },
        "campaign": {
            "members": {
                "totalCount": 1,
                "edges": [{"node": {"customerNumber": number, "lead": None}}],
            }
        },
    }


async def test_the_leads_opportunities_follow_it_to_the_customer(
    client: httpx.AsyncClient,
) -> None:
    lead = await qualified_lead(client, name="Ada Buyer", email="ada@buyer.example")
    created = await gql(
        client,
        """mutation($i: CreateOpportunityInput!) {
          createOpportunity(input: $i) { opportunity { id } userErrors { code } } }""",
        {"i": {"name": "First order", "leadId": lead["id"]}},
    )
    assert created["data"]["createOpportunity"]["userErrors"] == []
    opportunity_id = created["data"]["createOpportunity"]["opportunity"]["id"]

    converted = await convert(client, lead["id"], str(uuid.uuid4()))
    assert converted["userErrors"] == []
    number = converted["customer"]["number"]

    body = await gql(
        client,
        """query($n: String!, $o: ID!) {
          customer(number: $n) { opportunities { edges { node { id name } } } }
          node(id: $o) { ... on Opportunity { customer { number } lead { id } } }
        }""",
        {"n": number, "o": opportunity_id},
    )
    assert body["data"]["customer"]["opportunities"]["edges"] == [
        {"node": {"id": opportunity_id, "name": "First order"}}
    ]
    assert body["data"]["node"] == {
        "customer": {"number": number},
        "lead": {"id": lead["id"]},
    }
