"""A customer's activity history: newest first, counted, paged, filtered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import log, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

    from tests.support.security import ClientFor

HISTORY = """
query($id: ID!, $first: Int, $after: String, $kind: InteractionKind,
      $since: DateTime, $until: DateTime) {
  interaction(id: $id) {
    customer {
      interactions(first: $first, after: $after, kind: $kind, since: $since, until: $until) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { subject kind occurredAt } }
      }
    }
  }
}"""

ENTRIES = [
    ("Kick-off meeting", "MEETING", "2026-01-05T09:00:00+00:00"),
    ("Order confirmation", "EMAIL", "2026-01-10T12:00:00+00:00"),
    ("Late delivery", "COMPLAINT", "2026-02-01T08:30:00+00:00"),
    ("Follow-up call", "CALL", "2026-02-01T08:30:00+00:00"),
    ("Payment received", "PAYMENT_NOTICE", "2026-03-15T16:45:00+00:00"),
]


async def seed_history(client: httpx.AsyncClient) -> str:
    ids = []
    for subject, kind, at in ENTRIES:
        logged = await log(
            client,
            customerNumber="C10001",
            kind=kind,
            direction="INBOUND",
            subject=subject,
            occurredAt=at,
        )
        ids.append(logged["id"])
    await log(client, customerNumber="C10002", kind="CALL", direction="OUTBOUND", subject="Other")
    return str(ids[0])


async def history(client: httpx.AsyncClient, anchor: str, **variables: Any) -> dict[str, Any]:
    body = await gql(client, HISTORY, {"id": anchor, **variables})
    result: dict[str, Any] = body["data"]["interaction"]["customer"]["interactions"]
    return result


def subjects(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["subject"] for edge in page["edges"]]


async def test_history_reads_back_newest_first_with_counts(client: httpx.AsyncClient) -> None:
    anchor = await seed_history(client)
    page = await history(client, anchor)
    assert page["totalCount"] == 5
    # equal times are ordered by id, newest id first
    assert subjects(page) == [
        "Payment received",
        "Follow-up call",
        "Late delivery",
        "Order confirmation",
        "Kick-off meeting",
    ]
    assert page["pageInfo"]["hasNextPage"] is False


async def test_history_pages_with_cursors(client: httpx.AsyncClient) -> None:
    anchor = await seed_history(client)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = await history(client, anchor, first=2, after=after)
        assert page["totalCount"] == 5
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += subjects(page)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [
        "Payment received",
        "Follow-up call",
        "Late delivery",
        "Order confirmation",
        "Kick-off meeting",
    ]


async def test_history_filters_by_kind_and_time(client: httpx.AsyncClient) -> None:
    anchor = await seed_history(client)
    calls = await history(client, anchor, kind="COMPLAINT")
    assert (calls["totalCount"], subjects(calls)) == (1, ["Late delivery"])
    window = await history(
        client, anchor, since="2026-01-10T12:00:00+00:00", until="2026-02-01T08:30:00+00:00"
    )
    assert (window["totalCount"], subjects(window)) == (1, ["Order confirmation"])


async def test_a_complaint_opens_a_case(client: httpx.AsyncClient) -> None:
    logged = await log(
        client, customerNumber="C10003", kind="COMPLAINT", direction="INBOUND", subject="Broken"
    )
    assert logged["complaintStatus"] == "OPEN"
    note = await log(client, customerNumber="C10003", kind="NOTE", direction="OUTBOUND")
    assert note["complaintStatus"] is None


async def test_owner_defaults_to_the_actor(client_for: ClientFor) -> None:
    lena = await client_for("sales", name="lena")
    payload = await mutate(
        lena,
        "mutation($input: LogInteractionInput!) { logInteraction(input: $input) {"
        " interaction { owner } userErrors { code } } }",
        "logInteraction",
        {"customerNumber": "C1", "kind": "NOTE", "direction": "OUTBOUND", "subject": "s"},
    )
    assert payload == {"interaction": {"owner": "lena"}, "userErrors": []}


async def test_an_interaction_needs_a_customer_or_a_lead(client: httpx.AsyncClient) -> None:
    payload = await mutate(
        client,
        "mutation($input: LogInteractionInput!) { logInteraction(input: $input) {"
        " interaction { id } userErrors { field code } } }",
        "logInteraction",
        {"kind": "NOTE", "direction": "OUTBOUND", "subject": "s"},
    )
    assert payload == {
        "interaction": None,
        "userErrors": [{"field": ["input", "customerNumber"], "code": "INVALID"}],
    }


async def test_first_is_capped(client: httpx.AsyncClient) -> None:
    anchor = await seed_history(client)
    body = await gql(client, HISTORY, {"id": anchor, "first": 201}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
