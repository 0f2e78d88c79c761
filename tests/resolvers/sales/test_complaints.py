"""Complaints to resolution over GraphQL over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.support.crm import log, mutate
from tests.support.graphql import gql
from tests.support.sales import UPDATE_COMPLAINT

if TYPE_CHECKING:
    import httpx

    from tests.support.security import ClientFor

COMPLAINTS = """
query($status: ComplaintStatus, $assignee: String, $n: String, $after: String) {
  complaints(status: $status, assignee: $assignee, customerNumber: $n, first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id subject complaintStatus } }
  }
}"""


async def update(client: httpx.AsyncClient, **input: object) -> dict[str, object]:
    return await mutate(client, UPDATE_COMPLAINT, "updateComplaint", dict(input))


async def test_a_complaint_goes_from_open_to_resolved_with_a_score(
    client: httpx.AsyncClient,
) -> None:
    complaint = await log(
        client, customerNumber="C10001", kind="COMPLAINT", direction="INBOUND", subject="Late"
    )
    assert complaint["complaintStatus"] == "OPEN"
    early = await update(client, interactionId=complaint["id"], satisfaction=5)
    assert [(e["code"], e["field"]) for e in early["userErrors"]] == [  # type: ignore[union-attr]
        ("INVALID", ["input", "satisfaction"])
    ]
    bare = await update(client, interactionId=complaint["id"], status="RESOLVED")
    assert [(e["code"], e["field"]) for e in bare["userErrors"]] == [  # type: ignore[union-attr]
        ("INVALID", ["input", "resolution"])
    ]

    resolved = await update(
        client,
        interactionId=complaint["id"],
        status="RESOLVED",
        resolution="Sent a replacement",
        assignee="lena",
        satisfaction=4,
    )
    assert resolved["userErrors"] == []
    case = resolved["interaction"]
    assert isinstance(case, dict)
    assert case["complaintStatus"] == "RESOLVED"
    assert (case["resolution"], case["resolvedBy"], case["satisfaction"]) == (
        "Sent a replacement",
        "test admin",
        4,
    )
    assert case["resolvedAt"] is not None
    assert case["complaintHistory"] == [
        {"from": "OPEN", "to": "RESOLVED", "by": "test admin", "note": "Sent a replacement"}
    ]


async def test_reopening_keeps_the_history(client: httpx.AsyncClient) -> None:
    complaint = await log(
        client, customerNumber="C10001", kind="COMPLAINT", direction="INBOUND", subject="Broken"
    )
    steps = [
        {"status": "IN_PROGRESS", "assignee": "omar"},
        {"status": "RESOLVED", "resolution": "Refunded", "satisfaction": 2},
        {"status": "IN_PROGRESS"},
    ]
    for step in steps:
        payload = await update(client, interactionId=complaint["id"], **step)
        assert payload["userErrors"] == []
    case = payload["interaction"]
    assert isinstance(case, dict)
    assert (case["complaintStatus"], case["resolution"], case["satisfaction"]) == (
        "IN_PROGRESS",
        None,
        None,
    )
    assert case["assignee"] == "omar"
    assert [(h["from"], h["to"], h["note"]) for h in case["complaintHistory"]] == [
        ("OPEN", "IN_PROGRESS", None),
        ("IN_PROGRESS", "RESOLVED", "Refunded"),
        ("RESOLVED", "IN_PROGRESS", None),
    ]


async def test_only_complaints_have_a_case(client: httpx.AsyncClient) -> None:
    call = await log(client, customerNumber="C10001", kind="CALL", direction="OUTBOUND")
    payload = await update(client, interactionId=call["id"], status="IN_PROGRESS")
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]  # type: ignore[union-attr]


async def test_complaints_list_filters_and_pages(client: httpx.AsyncClient) -> None:
    made = []
    for number in ("C10001", "C10002", "C10002"):
        made.append(
            await log(
                client, customerNumber=number, kind="COMPLAINT", direction="INBOUND", subject=number
            )
        )
    await log(client, customerNumber="C10002", kind="NOTE", direction="INBOUND")
    await update(client, interactionId=made[2]["id"], status="IN_PROGRESS", assignee="tom")

    everything = await gql(client, COMPLAINTS, {})
    page = everything["data"]["complaints"]
    assert page["totalCount"] == 3
    assert page["edges"][0]["node"]["id"] == made[2]["id"]  # newest first
    second = await gql(client, COMPLAINTS, {"after": page["pageInfo"]["endCursor"]})
    assert second["data"]["complaints"]["edges"][0]["node"]["id"] == made[1]["id"]

    of_customer = await gql(client, COMPLAINTS, {"n": "C10002"})
    assert of_customer["data"]["complaints"]["totalCount"] == 2
    opened = await gql(client, COMPLAINTS, {"status": "OPEN"})
    assert opened["data"]["complaints"]["totalCount"] == 2
    toms = await gql(client, COMPLAINTS, {"assignee": "tom"})
    assert toms["data"]["complaints"]["edges"] == [
        {"node": {"id": made[2]["id"], "subject": "C10002", "complaintStatus": "IN_PROGRESS"}}
    ]


async def test_updating_a_complaint_needs_write_cases(
    client: httpx.AsyncClient, client_for: ClientFor
) -> None:
    complaint = await log(
        client, customerNumber="C10001", kind="COMPLAINT", direction="INBOUND", subject="Late"
    )
    marketing = await client_for("marketing")
    body = await gql(
        marketing,
        UPDATE_COMPLAINT,
        {"input": {"interactionId": complaint["id"], "status": "IN_PROGRESS"}},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    service = await client_for("service", name="sam")
    payload = await mutate(
        service,
        UPDATE_COMPLAINT,
        "updateComplaint",
        {"interactionId": complaint["id"], "status": "IN_PROGRESS"},
    )
    assert payload["interaction"]["complaintHistory"][0]["by"] == "sam"
