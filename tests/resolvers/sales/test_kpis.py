"""Every KPI equals what the test computes itself from the rows it created."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.crm import ADVANCE_LEAD, create_lead, log, mutate
from tests.support.graphql import gql
from tests.support.sales import (
    ADD_MEMBERS,
    RECORD_RESPONSE,
    UPDATE_COMPLAINT,
    create_campaign,
    create_opportunity,
    money,
    moved,
    set_created_at,
    set_credit,
    set_lead_status,
)

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

KPIS = """
query($since: DateTime, $until: DateTime) {
  kpis(since: $since, until: $until) {
    leadConversionRate opportunityWinRate averageDealSize { amount currency }
    salesCycleDays campaignResponseRate
    marketingRoi { campaign { id } roi currency }
    customerRetentionRate customerSatisfaction openComplaints
    interactionsByKind { kind count } interactionsByOwner { owner count }
  }
}"""
OPPORTUNITY_DATES = """
query($id: ID!) { node(id: $id) { ... on Opportunity { createdAt closedAt } } }"""


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


async def test_every_kpi_matches_the_test_data(
    client: httpx.AsyncClient, store: Store, demo_erp: DemoErp
) -> None:
    now = dt.datetime.now(dt.UTC)
    since, until = now - dt.timedelta(days=1), now + dt.timedelta(days=1)

    # Leads: three leave NEW in the period, one of them is converted; one stays NEW.
    leads = [await create_lead(client, email=f"lead{i}@example.com") for i in range(4)]
    for lead in leads[:3]:
        payload = await mutate(
            client, ADVANCE_LEAD, "advanceLead", {"leadId": lead["id"], "to": "CHECKED"}
        )
        assert payload["userErrors"] == []
    await set_lead_status(store, leads[0]["id"], "CONVERTED")
    left_new = 3
    converted = 1

    # A campaign with three members, one responding, sourcing one won deal.
    campaign = await create_campaign(client, status="ACTIVE", budget=money("500"))
    members = ["C10030", "C10031", "C10035"]
    await mutate(
        client,
        ADD_MEMBERS,
        "addCampaignMembers",
        {"campaignId": campaign["id"], "customerNumbers": members},
    )
    await mutate(
        client,
        RECORD_RESPONSE,
        "recordCampaignResponse",
        {"campaignId": campaign["id"], "customerNumber": "C10030"},
    )
    responded = 1

    # Opportunities: three won (two currencies), one lost, one still open.
    deals = [
        ("C10030", "3000", "EUR", "WON", 10, campaign["id"]),
        ("C10031", "1000", "EUR", "WON", 20, None),
        ("C10032", "500.50", "USD", "WON", 40, None),
        ("C10033", "800", "EUR", "LOST", 5, None),
        ("C10034", "900", "EUR", "NEGOTIATION", 3, None),
    ]
    opportunities: list[tuple[dict[str, Any], tuple[Any, ...]]] = []
    for number, amount, currency, stage, age_days, source in deals:
        set_credit(demo_erp, number, limit="100000.00", currency=currency)
        opportunity = await create_opportunity(
            client, customerNumber=number, amount=money(amount, currency), campaignId=source
        )
        await set_created_at(store, opportunity["id"], now - dt.timedelta(days=age_days))
        reason = {"lostReason": "Too expensive"} if stage == "LOST" else {}
        await moved(client, opportunity["id"], stage, **reason)
        opportunities.append((opportunity, (number, amount, currency, stage)))

    # Interactions: two customers active before, one of them again now; complaints.
    logged: list[tuple[str, str | None, dt.datetime, str]] = []

    async def interaction(number: str, kind: str, at: dt.datetime, owner: str | None) -> str:
        fields: dict[str, Any] = {
            "customerNumber": number,
            "kind": kind,
            "occurredAt": at.isoformat(),
        }
        if owner is not None:
            fields["owner"] = owner
        made = await log(client, direction="INBOUND", **fields)
        logged.append((kind, made["owner"], at, number))
        return str(made["id"])

    two_days_ago, an_hour_ago = now - dt.timedelta(days=2), now - dt.timedelta(hours=1)
    await interaction("C10040", "CALL", two_days_ago, "maria")
    await interaction("C10040", "EMAIL", an_hour_ago, "tom")
    await interaction("C10041", "MEETING", two_days_ago, "maria")
    await interaction("C10042", "NOTE", an_hour_ago, "tom")
    complaints = [
        await interaction(number, "COMPLAINT", an_hour_ago, None)
        for number in ("C10043", "C10044", "C10045", "C10045")
    ]
    scores = [5, 2]
    for complaint, score in zip(complaints[:2], scores, strict=True):
        payload = await mutate(
            client,
            UPDATE_COMPLAINT,
            "updateComplaint",
            {
                "interactionId": complaint,
                "status": "RESOLVED",
                "resolution": "Fixed",
                "satisfaction": score,
            },
        )
        assert payload["userErrors"] == []
    await mutate(
        client,
        UPDATE_COMPLAINT,
        "updateComplaint",
        {"interactionId": complaints[3], "status": "IN_PROGRESS"},
    )

    body = await gql(client, KPIS, {"since": since.isoformat(), "until": until.isoformat()})
    kpis = body["data"]["kpis"]

    # --- computed here, from the test's own data
    closed = [d for _, d in opportunities if d[3] in ("WON", "LOST")]
    won = [d for d in closed if d[3] == "WON"]
    by_currency: dict[str, list[Decimal]] = {}
    for _, amount, currency, _ in won:
        by_currency.setdefault(currency, []).append(Decimal(amount))
    cycles = []
    for opportunity, deal in opportunities:
        if deal[3] == "WON":
            dates = (await gql(client, OPPORTUNITY_DATES, {"id": opportunity["id"]}))["data"][
                "node"
            ]
            cycles.append(
                (_at(dates["closedAt"]) - _at(dates["createdAt"])).total_seconds() / 86400
            )
    in_period = [item for item in logged if since <= item[2] < until]
    before = {n for _, _, at, n in logged if since - (until - since) <= at < since}
    active = {n for _, _, _, n in in_period}

    assert kpis["leadConversionRate"] == pytest.approx(converted / left_new)
    assert kpis["opportunityWinRate"] == pytest.approx(len(won) / len(closed))
    assert {(m["currency"], Decimal(m["amount"])) for m in kpis["averageDealSize"]} == {
        (currency, (sum(amounts) / len(amounts)).quantize(Decimal("0.01")))
        for currency, amounts in by_currency.items()
    }
    assert kpis["salesCycleDays"] == pytest.approx(statistics.median(cycles), abs=1e-4)
    assert kpis["campaignResponseRate"] == pytest.approx(responded / len(members))
    assert kpis["marketingRoi"] == [
        {"campaign": {"id": campaign["id"]}, "roi": (3000 - 500) / 500, "currency": "EUR"}
    ]
    assert kpis["customerRetentionRate"] == pytest.approx(len(before & active) / len(before))
    assert kpis["customerSatisfaction"] == pytest.approx(sum(scores) / len(scores))
    assert kpis["openComplaints"] == len(complaints) - len(scores)
    assert {k["kind"]: k["count"] for k in kpis["interactionsByKind"]} == dict(
        Counter(kind for kind, _, _, _ in in_period)
    )
    assert {o["owner"]: o["count"] for o in kpis["interactionsByOwner"]} == dict(
        Counter(owner for _, owner, _, _ in in_period)
    )


async def test_an_empty_period_gives_zeros_not_errors(client: httpx.AsyncClient) -> None:
    body = await gql(
        client, KPIS, {"since": "2001-01-01T00:00:00+00:00", "until": "2001-02-01T00:00:00+00:00"}
    )
    kpis = body["data"]["kpis"]
    assert kpis["opportunityWinRate"] == 0.0
    assert kpis["salesCycleDays"] is None
    assert kpis["customerSatisfaction"] is None
    assert kpis["interactionsByKind"] == []


async def test_a_period_without_offsets_is_refused(client: httpx.AsyncClient) -> None:
    body = await gql(client, KPIS, {"since": "2026-01-01T00:00:00"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_partners_see_no_company_figures(client_for: ClientFor) -> None:
    partner = await client_for("partner", partner="P1")
    for query in ("{ kpis { openComplaints } }", "{ pipeline { count } }"):
        body = await gql(partner, query, expect_errors=True)
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "needs": "read:reports"}
    service = await client_for("service")
    assert (await gql(service, "{ kpis { openComplaints } }"))["data"]["kpis"] == {
        "openComplaints": 0
    }
