"""The lead qualification workflow, through GraphQL over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.crm import ADVANCE_LEAD, LEAD, create_lead, log, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx


async def advance(
    client: httpx.AsyncClient, lead_id: str, to: str, note: str | None = None
) -> dict[str, object]:
    return await mutate(
        client,
        ADVANCE_LEAD,
        "advanceLead",
        {"leadId": lead_id, "to": to, "note": note},
    )


async def read_lead(client: httpx.AsyncClient, lead_id: str) -> dict[str, object]:
    body = await gql(client, LEAD, {"id": lead_id})
    lead: dict[str, object] = body["data"]["lead"]
    return lead


async def test_a_lead_walks_from_new_to_qualified(client: httpx.AsyncClient) -> None:
    lead = await create_lead(
        client,
        email="ada@example.com",
        phone="030 1234567",
        street="Unter den Linden 1",
        city="Berlin",
        postalCode="10117",
        country="de",
    )
    assert lead["status"] == "NEW"
    assert lead["phone"] == "+49301234567"
    assert lead["country"] == "DE"
    lead_id = lead["id"]

    for step in ("CHECKED", "VERIFIED"):
        payload = await advance(client, lead_id, step, note=f"now {step}")
        assert payload["userErrors"] == []
        assert payload["lead"]["status"] == step  # type: ignore[index]

    await log(client, leadId=lead_id, kind="EMAIL", direction="OUTBOUND", subject="Introduction")
    payload = await advance(client, lead_id, "CONTACTED")
    assert payload["userErrors"] == []

    await log(client, leadId=lead_id, kind="CALL", direction="OUTBOUND", subject="Discovery call")
    payload = await advance(client, lead_id, "QUALIFIED", note="budget confirmed")
    assert payload["userErrors"] == []

    lead = await read_lead(client, lead_id)
    assert lead["status"] == "QUALIFIED"
    assert lead["version"] == 5
    assert lead["history"] == [
        {"from": "NEW", "to": "CHECKED", "by": "test admin", "note": "now CHECKED"},
        {"from": "CHECKED", "to": "VERIFIED", "by": "test admin", "note": "now VERIFIED"},
        {"from": "VERIFIED", "to": "CONTACTED", "by": "test admin", "note": None},
        {"from": "CONTACTED", "to": "QUALIFIED", "by": "test admin", "note": "budget confirmed"},
    ]
    assert lead["interactions"]["totalCount"] == 2  # type: ignore[index]
    subjects = [e["node"]["subject"] for e in lead["interactions"]["edges"]]  # type: ignore[index]
    assert subjects == ["Discovery call", "Introduction"]


async def _refused(client: httpx.AsyncClient, lead_id: str, to: str, rule_words: str) -> None:
    before = await read_lead(client, lead_id)
    payload = await advance(client, lead_id, to)
    assert payload["lead"] is None
    [error] = payload["userErrors"]  # type: ignore[misc]
    assert error["code"] == "INVALID_TRANSITION"
    assert error["field"] == ["input", "to"]
    assert rule_words in error["message"]
    assert await read_lead(client, lead_id) == before


async def test_every_illegal_step_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    bare = await create_lead(client, name="No Contact Data")
    await _refused(client, bare["id"], "CHECKED", "a way to reach the lead")
    await _refused(client, bare["id"], "VERIFIED", "NEW lead moves to CHECKED")
    await _refused(client, bare["id"], "CONVERTED", "only through convertLead")

    lead = await create_lead(client, email="grace@example.com")
    lead_id = lead["id"]
    await _refused(client, lead_id, "CONTACTED", "moves to CHECKED or DISQUALIFIED")
    assert (await advance(client, lead_id, "CHECKED"))["userErrors"] == []
    assert (await advance(client, lead_id, "VERIFIED"))["userErrors"] == []
    await _refused(client, lead_id, "CONTACTED", "at least one interaction")
    await _refused(client, lead_id, "QUALIFIED", "VERIFIED lead moves to CONTACTED")
    await log(client, leadId=lead_id, kind="EMAIL", direction="OUTBOUND")
    assert (await advance(client, lead_id, "CONTACTED"))["userErrors"] == []
    await log(client, leadId=lead_id, kind="NOTE", direction="OUTBOUND")
    await _refused(client, lead_id, "QUALIFIED", "contact achieved")
    await _refused(client, lead_id, "CHECKED", "CONTACTED lead moves to QUALIFIED")
    await log(client, leadId=lead_id, kind="EMAIL", direction="INBOUND", subject="Re: hello")
    assert (await advance(client, lead_id, "QUALIFIED"))["userErrors"] == []
    await _refused(client, lead_id, "CONVERTED", "only through convertLead")


async def test_verification_checks_the_postal_code_of_an_address(
    client: httpx.AsyncClient,
) -> None:
    lead = await create_lead(client, email="x@example.com", city="Berlin")
    assert (await advance(client, lead["id"], "CHECKED"))["userErrors"] == []
    await _refused(client, lead["id"], "VERIFIED", "country")


@pytest.mark.parametrize("start", ["NEW", "CHECKED", "QUALIFIED"])
async def test_disqualified_is_reachable_from_open_states_and_is_final(
    client: httpx.AsyncClient, start: str
) -> None:
    lead = await create_lead(client, email="d@example.com", phone="+14155550132")
    lead_id = lead["id"]
    path = ["CHECKED", "VERIFIED", "CONTACTED", "QUALIFIED"]
    for step in path[: path.index(start) + 1] if start != "NEW" else []:
        if step == "CONTACTED":
            await log(client, leadId=lead_id, kind="MEETING", direction="OUTBOUND")
        assert (await advance(client, lead_id, step))["userErrors"] == []
    payload = await advance(client, lead_id, "DISQUALIFIED", note="no budget")
    assert payload["userErrors"] == []
    assert payload["lead"]["history"][-1]["from"] == start  # type: ignore[index]
    await _refused(client, lead_id, "CHECKED", "closed lead")
    await _refused(client, lead_id, "DISQUALIFIED", "closed lead")


async def test_an_unknown_lead_is_not_found(client: httpx.AsyncClient) -> None:
    payload = await advance(client, "TGVhZDo5OTk5", "CHECKED")
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"  # type: ignore[index]
