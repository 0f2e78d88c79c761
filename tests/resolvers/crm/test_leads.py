"""Creating, updating and listing leads; validation errors as userErrors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import CREATE_LEAD, create_lead, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

LEADS = """
query($status: LeadStatus, $owner: String, $source: String, $search: String,
      $first: Int, $after: String) {
  leads(status: $status, owner: $owner, source: $source, search: $search,
        first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name } }
  }
}"""

UPDATE_LEAD = """
mutation($input: UpdateLeadInput!) {
  updateLead(input: $input) {
    lead { name email phone city postalCode country version }
    userErrors { field code message }
  }
}"""


async def leads(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql(client, LEADS, variables))["data"]["leads"]
    return result


def names(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in page["edges"]]


async def test_bad_lead_data_is_refused_with_field_paths(client: httpx.AsyncClient) -> None:
    payload = await mutate(
        client,
        CREATE_LEAD,
        "createLead",
        {
            "name": "Bad Data",
            "email": "bad@",
            "phone": "+49 1",
            "postalCode": "ABC",
            "country": "DE",
            "company": "x" * 201,
        },
    )
    assert payload["lead"] is None
    assert sorted((e["field"][1], e["code"]) for e in payload["userErrors"]) == [
        ("company", "INVALID"),
        ("email", "INVALID"),
        ("phone", "INVALID"),
        ("postalCode", "INVALID"),
    ]
    assert all(e["field"][0] == "input" for e in payload["userErrors"])
    assert (await leads(client))["totalCount"] == 0


async def test_postal_codes_are_checked_per_country(client: httpx.AsyncClient) -> None:
    for code, country in (("SW1A 1AA", "GB"), ("1012 AB", "NL"), ("94105", "US")):
        await create_lead(client, postalCode=code, country=country)
    payload = await mutate(
        client, CREATE_LEAD, "createLead", {"name": "n", "postalCode": "1234", "country": "DE"}
    )
    assert payload["userErrors"][0]["field"] == ["input", "postalCode"]
    assert "DE" in payload["userErrors"][0]["message"]
    payload = await mutate(client, CREATE_LEAD, "createLead", {"name": "n", "country": "XX"})
    assert payload["userErrors"][0]["field"] == ["input", "country"]


async def test_leads_list_filters_and_pages(client: httpx.AsyncClient) -> None:
    await create_lead(client, name="Ada", source="web", owner="maria", company="Analytical")
    await create_lead(client, name="Bea", source="fair", owner="maria")
    await create_lead(client, name="Cem", source="web", owner="tom", email="cem@analytic.io")
    assert names(await leads(client)) == ["Cem", "Bea", "Ada"]
    assert names(await leads(client, source="web")) == ["Cem", "Ada"]
    assert names(await leads(client, owner="maria")) == ["Bea", "Ada"]
    assert names(await leads(client, search="ANALYTIC")) == ["Cem", "Ada"]
    assert names(await leads(client, search="%")) == []
    assert names(await leads(client, status="NEW", owner="tom")) == ["Cem"]
    assert (await leads(client, status="CHECKED"))["totalCount"] == 0

    first = await leads(client, first=2)
    assert (first["totalCount"], names(first), first["pageInfo"]["hasNextPage"]) == (
        3,
        ["Cem", "Bea"],
        True,
    )
    rest = await leads(client, first=2, after=first["pageInfo"]["endCursor"])
    assert (names(rest), rest["pageInfo"]["hasNextPage"]) == (["Ada"], False)


async def test_update_lead_validates_and_bumps_the_version(client: httpx.AsyncClient) -> None:
    lead = await create_lead(client, email="a@example.com", country="DE")
    payload = await mutate(
        client, UPDATE_LEAD, "updateLead", {"leadId": lead["id"], "postalCode": "123"}
    )
    assert payload["userErrors"][0]["field"] == ["input", "postalCode"]
    payload = await mutate(
        client,
        UPDATE_LEAD,
        "updateLead",
        {"leadId": lead["id"], "postalCode": "10117", "city": "Berlin", "expectedVersion": 1},
    )
    assert payload["userErrors"] == []
    assert payload["lead"]["version"] == 2
    assert payload["lead"]["postalCode"] == "10117"
    assert payload["lead"]["email"] == "a@example.com"
    stale = await mutate(
        client,
        UPDATE_LEAD,
        "updateLead",
        {"leadId": lead["id"], "city": "Bonn", "expectedVersion": 1},
    )
    assert [e["code"] for e in stale["userErrors"]] == ["CONFLICT"]


async def test_node_resolves_crm_objects(client: httpx.AsyncClient) -> None:
    lead = await create_lead(client)
    body = await gql(
        client, "query($id: ID!) { node(id: $id) { __typename id } }", {"id": lead["id"]}
    )
    assert body["data"]["node"] == {"__typename": "Lead", "id": lead["id"]}
