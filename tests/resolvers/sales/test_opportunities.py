"""Opportunities over GraphQL over HTTP: stages, history, and the ERP's live credit rules."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tests.support.crm import create_lead
from tests.support.graphql import gql
from tests.support.sales import (
    convert_lead_row,
    create_opportunity,
    money,
    move,
    moved,
    set_credit,
)

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

CUSTOMER_CREDIT = """
query($number: String!) { customer(number: $number) { number creditHold erpFetchedAt } }"""


async def test_a_leads_opportunity_needs_the_converted_customer_before_proposal(
    client: httpx.AsyncClient, store: Store, demo_erp: DemoErp
) -> None:
    lead = await create_lead(client, email="ada@example.com")
    opportunity = await create_opportunity(client, leadId=lead["id"], amount=money("1200"))
    assert opportunity["customerNumber"] is None
    assert opportunity["lead"] == {"id": lead["id"]}
    await moved(client, opportunity["id"], "QUALIFICATION")

    refused = await move(client, opportunity["id"], "PROPOSAL")
    assert refused["opportunity"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("CUSTOMER_REQUIRED", ["input", "to"])
    ]

    set_credit(demo_erp, "C10002", limit="50000.00")
    await convert_lead_row(store, lead["id"], "C10002")
    proposal = await moved(client, opportunity["id"], "PROPOSAL")
    assert proposal["stage"] == "PROPOSAL"
    assert proposal["customerNumber"] == "C10002"
    assert [(h["from"], h["to"], h["by"]) for h in proposal["history"]] == [
        (None, "PROSPECTING", "test admin"),
        ("PROSPECTING", "QUALIFICATION", "test admin"),
        ("QUALIFICATION", "PROPOSAL", "test admin"),
    ]


async def test_credit_hold_read_live_refuses_won_until_lifted(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    set_credit(demo_erp, "C10003", hold=False)
    opportunity = await create_opportunity(
        client, customerNumber="C10003", amount=money("500"), probability=60
    )
    await moved(client, opportunity["id"], "NEGOTIATION")
    cached = await gql(client, CUSTOMER_CREDIT, {"number": "C10003"})
    assert cached["data"]["customer"]["creditHold"] is False  # now in the cache

    set_credit(demo_erp, "C10003", hold=True, reason="Overdue invoices")
    refused = await move(client, opportunity["id"], "WON")
    assert refused["opportunity"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "CREDIT_HOLD"
    assert "Overdue invoices" in error["message"]

    set_credit(demo_erp, "C10003", hold=False)
    won = await moved(client, opportunity["id"], "WON")
    assert won["stage"] == "WON"
    assert won["probability"] == 100
    assert won["closedAt"] is not None


async def test_won_is_refused_when_the_erp_cannot_be_reached(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    set_credit(demo_erp, "C10004")
    opportunity = await create_opportunity(client, customerNumber="C10004")
    await gql(client, CUSTOMER_CREDIT, {"number": "C10004"})  # a cached copy exists
    demo_erp.take_down()
    try:
        refused = await move(client, opportunity["id"], "WON")
    finally:
        demo_erp.bring_back()
    assert [e["code"] for e in refused["userErrors"]] == ["ERP_UNAVAILABLE"]
    query = "query($n: String) { opportunities(customerNumber: $n) { edges { node { stage } } } }"
    listed = await gql(client, query, {"n": "C10004"})
    assert listed["data"]["opportunities"]["edges"] == [{"node": {"stage": "PROSPECTING"}}]


async def test_an_amount_above_the_remaining_credit_warns_but_moves(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    set_credit(demo_erp, "C10005", limit="10000.00", balance="4000.00")
    large = await create_opportunity(client, customerNumber="C10005", amount=money("6000.01"))
    small = await create_opportunity(client, customerNumber="C10005", amount=money("6000.00"))

    warned = await move(client, large["id"], "PROPOSAL")
    assert warned["userErrors"] == []
    assert warned["opportunity"]["stage"] == "PROPOSAL"
    assert [w["code"] for w in warned["warnings"]] == ["CREDIT_LIMIT"]
    assert "6000.00 EUR" in warned["warnings"][0]["message"]

    quiet = await move(client, small["id"], "PROPOSAL")
    assert quiet["warnings"] == []
    won = await move(client, large["id"], "WON")
    assert won["opportunity"]["stage"] == "WON"
    assert [w["code"] for w in won["warnings"]] == ["CREDIT_LIMIT"]


async def test_stage_rules_lost_reason_and_final_stages(client: httpx.AsyncClient) -> None:
    opportunity = await create_opportunity(client, customerNumber="C10006")
    await moved(client, opportunity["id"], "PROPOSAL")  # two steps forward at once
    back_two = await move(client, opportunity["id"], "PROSPECTING")
    assert [e["code"] for e in back_two["userErrors"]] == ["INVALID_TRANSITION"]
    await moved(client, opportunity["id"], "QUALIFICATION")  # one back is fine

    no_reason = await move(client, opportunity["id"], "LOST")
    assert [(e["code"], e["field"]) for e in no_reason["userErrors"]] == [
        ("INVALID", ["input", "lostReason"])
    ]
    lost = await moved(client, opportunity["id"], "LOST", lostReason="Went with a rival")
    assert (lost["stage"], lost["lostReason"], lost["probability"]) == (
        "LOST",
        "Went with a rival",
        0,
    )
    reopened = await move(client, opportunity["id"], "NEGOTIATION")
    assert [e["code"] for e in reopened["userErrors"]] == ["INVALID_TRANSITION"]


async def test_create_validates_every_field_first(client: httpx.AsyncClient) -> None:
    body = await gql(
        client,
        """mutation($input: CreateOpportunityInput!) {
          createOpportunity(input: $input) { opportunity { id } userErrors { field code } }
        }""",
        {
            "input": {
                "name": " ",
                "probability": 120,
                "amount": {"amount": "1.00001", "currency": "EURO"},
            }
        },
    )
    payload = body["data"]["createOpportunity"]
    assert payload["opportunity"] is None
    assert sorted(tuple(e["field"]) for e in payload["userErrors"]) == [
        ("input", "amount", "amount"),
        ("input", "amount", "currency"),
        ("input", "customerNumber"),
        ("input", "name"),
        ("input", "probability"),
    ]
    listed = await gql(client, "{ opportunities { totalCount } }")
    assert listed["data"]["opportunities"]["totalCount"] == 0


async def test_lists_filters_and_the_pipeline(client: httpx.AsyncClient) -> None:
    made = [
        ("C10010", "PROSPECTING", "1000.50", "EUR", 10, "maria", "2026-12-01"),
        ("C10010", "PROSPECTING", "250.25", "EUR", 30, "tom", "2027-03-01"),
        ("C10011", "QUALIFICATION", "999.99", "USD", 55, "maria", "2026-12-15"),
        ("C10012", "NEGOTIATION", "4000", "EUR", None, "tom", None),
    ]
    for number, stage, amount, currency, probability, owner, closing in made:
        opportunity = await create_opportunity(
            client,
            customerNumber=number,
            amount=money(amount, currency),
            probability=probability,
            owner=owner,
            expectedCloseDate=closing,
        )
        if stage != "PROSPECTING":
            await moved(client, opportunity["id"], stage)

    query = """query($stage: OpportunityStage, $owner: String, $n: String, $before: Date) {
      opportunities(stage: $stage, owner: $owner, customerNumber: $n, closingBefore: $before,
                    first: 1) {
        totalCount pageInfo { hasNextPage } edges { node { customerNumber owner } }
      }
    }"""
    maria = await gql(client, query, {"owner": "maria"})
    assert maria["data"]["opportunities"]["totalCount"] == 2
    assert maria["data"]["opportunities"]["pageInfo"]["hasNextPage"] is True
    closing = await gql(client, query, {"before": "2027-01-01"})
    assert closing["data"]["opportunities"]["totalCount"] == 2
    of_customer = await gql(client, query, {"n": "C10010", "stage": "PROSPECTING"})
    assert of_customer["data"]["opportunities"]["totalCount"] == 2

    pipeline = await gql(client, "{ pipeline { stage currency count total weighted } }")
    expected: dict[tuple[str, str], list[Decimal]] = {}
    for _, stage, amount, currency, probability, _, _ in made:
        line = expected.setdefault((stage, currency), [Decimal(0), Decimal(0), Decimal(0)])
        line[0] += 1
        line[1] += Decimal(amount)
        line[2] += Decimal(amount) * (probability or 0) / 100
    assert {
        (p["stage"], p["currency"]): [
            Decimal(p["count"]),
            Decimal(p["total"]),
            Decimal(p["weighted"]),
        ]
        for p in pipeline["data"]["pipeline"]
    } == expected


async def test_opportunity_writes_need_write_opportunities(client_for: ClientFor) -> None:
    marketing = await client_for("marketing")
    body = await gql(
        marketing,
        'mutation { createOpportunity(input: {name: "x", customerNumber: "C10001"}) '
        "{ opportunity { id } } }",
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    sales = await client_for("sales", name="maria")
    made = await create_opportunity(sales, customerNumber="C10001")
    assert (made["owner"], made["history"][0]["by"]) == ("maria", "maria")
