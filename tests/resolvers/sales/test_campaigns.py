"""Campaigns over GraphQL over HTTP: members, responses, response rate, sourced deals, ROI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.support.crm import create_lead, mutate
from tests.support.graphql import gql
from tests.support.sales import (
    ADD_MEMBERS,
    RECORD_RESPONSE,
    create_campaign,
    create_opportunity,
    money,
    moved,
    set_credit,
)

if TYPE_CHECKING:
    import httpx

    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

CAMPAIGN = """
query($id: ID!) {
  campaign(id: $id) {
    name status responseRate
    members(first: 10) { totalCount edges { node { status customerNumber lead { id } } } }
  }
}"""
ROI = """
query { kpis { marketingRoi { campaign { id } roi currency won budget } } }"""


async def test_a_campaign_shows_its_response_rate_and_roi(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    campaign = await create_campaign(
        client, name="Autumn fair", channel="EVENT", status="ACTIVE", budget=money("1000")
    )
    assert (campaign["budget"], campaign["responseRate"]) == (money("1000.00"), 0.0)
    lead = await create_lead(client, email="grace@example.com")
    numbers = ["C10020", "C10021", "C10022", "C10023"]
    added = await mutate(
        client,
        ADD_MEMBERS,
        "addCampaignMembers",
        {"campaignId": campaign["id"], "customerNumbers": numbers, "leadIds": [lead["id"]]},
    )
    assert (added["added"], added["alreadyMembers"]) == (5, 0)
    again = await mutate(
        client,
        ADD_MEMBERS,
        "addCampaignMembers",
        {"campaignId": campaign["id"], "customerNumbers": ["C10020"]},
    )
    assert (again["added"], again["alreadyMembers"]) == (0, 1)

    for member in ({"customerNumber": "C10020"}, {"leadId": lead["id"], "converted": True}):
        response = await mutate(
            client,
            RECORD_RESPONSE,
            "recordCampaignResponse",
            {"campaignId": campaign["id"], **member},
        )
        assert response["userErrors"] == []
        assert response["membership"]["respondedAt"] is not None
    stranger = await mutate(
        client,
        RECORD_RESPONSE,
        "recordCampaignResponse",
        {"campaignId": campaign["id"], "customerNumber": "C10099"},
    )
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]

    shown = await gql(client, CAMPAIGN, {"id": campaign["id"]})
    assert shown["data"]["campaign"]["responseRate"] == 2 / 5
    members = shown["data"]["campaign"]["members"]
    assert members["totalCount"] == 5
    assert [e["node"]["status"] for e in members["edges"]] == [
        "RESPONDED",
        "MEMBER",
        "MEMBER",
        "MEMBER",
        "CONVERTED",
    ]

    set_credit(demo_erp, "C10021")
    sourced = await create_opportunity(
        client, customerNumber="C10021", amount=money("3000"), campaignId=campaign["id"]
    )
    assert sourced["campaign"] == {"id": campaign["id"], "name": "Autumn fair"}
    await moved(client, sourced["id"], "WON")
    other = await create_opportunity(
        client, customerNumber="C10022", amount=money("700"), campaignId=campaign["id"]
    )
    await moved(client, other["id"], "LOST", lostReason="No budget")

    roi = await gql(client, ROI)
    assert roi["data"]["kpis"]["marketingRoi"] == [
        {
            "campaign": {"id": campaign["id"]},
            "roi": (3000 - 1000) / 1000,
            "currency": "EUR",
            "won": "3000.00",
            "budget": "1000.00",
        }
    ]
    customer = await gql(
        client,
        'query { customer(number: "C10020") { campaigns { status campaign { name } } } }',
    )
    assert customer["data"]["customer"]["campaigns"] == [
        {"status": "RESPONDED", "campaign": {"name": "Autumn fair"}}
    ]


async def test_member_lists_are_capped_and_drafts_take_no_responses(
    client: httpx.AsyncClient,
) -> None:
    campaign = await create_campaign(client)
    assert campaign["status"] == "DRAFT"
    too_many = await mutate(
        client,
        ADD_MEMBERS,
        "addCampaignMembers",
        {"campaignId": campaign["id"], "customerNumbers": [f"C{n}" for n in range(10001, 10102)]},
    )
    assert [(e["code"], e["field"]) for e in too_many["userErrors"]] == [
        ("INVALID", ["input", "customerNumbers"])
    ]
    await mutate(
        client,
        ADD_MEMBERS,
        "addCampaignMembers",
        {"campaignId": campaign["id"], "customerNumbers": ["C10001"]},
    )
    draft = await mutate(
        client,
        RECORD_RESPONSE,
        "recordCampaignResponse",
        {"campaignId": campaign["id"], "customerNumber": "C10001"},
    )
    assert [(e["code"], e["field"]) for e in draft["userErrors"]] == [
        ("INVALID", ["input", "campaignId"])
    ]
    listed = await gql(client, "{ campaigns(first: 5) { totalCount edges { node { id } } } }")
    assert listed["data"]["campaigns"]["totalCount"] == 1


async def test_campaign_writes_need_write_campaigns(client_for: ClientFor) -> None:
    sales = await client_for("sales")
    body = await gql(
        sales,
        'mutation { createCampaign(input: {name: "x", channel: EMAIL}) { campaign { id } } }',
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    marketing = await client_for("marketing")
    made = await create_campaign(marketing)
    assert made["name"] == "Spring"
