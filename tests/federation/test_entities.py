"""``_entities``: what a gateway asks Frontdesk for, answered under the query rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import CREATE_CONTACT, create_lead, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

    from tests.support.security import ClientFor

ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on Customer { number customerName: name }
  ... on Lead { id leadName: name }
  ... on Contact { id contactName: name customerNumber }
} }
"""


async def entities(client: httpx.AsyncClient, *representations: dict[str, Any]) -> list[Any]:
    body = await gql(client, ENTITIES, {"r": list(representations)})
    result: list[Any] = body["data"]["_entities"]
    return result


async def test_leads_contacts_and_customers_resolve_by_reference(
    client: httpx.AsyncClient,
) -> None:
    lead = await create_lead(client, name="Grace Hopper")
    contact = (
        await mutate(
            client, CREATE_CONTACT, "createContact", {"customerNumber": "C10001", "name": "Ada"}
        )
    )["contact"]
    found = await entities(
        client,
        {"__typename": "Lead", "id": lead["id"]},
        {"__typename": "Contact", "id": contact["id"]},
        {"__typename": "Customer", "number": "C10002"},
        {"__typename": "Lead", "id": contact["id"]},  # a Contact's id is no Lead
        {"__typename": "Customer", "number": "NO-SUCH"},
    )
    assert found[0] == {"__typename": "Lead", "id": lead["id"], "leadName": "Grace Hopper"}
    assert found[1]["contactName"] == "Ada"
    assert found[1]["customerNumber"] == "C10001"
    assert found[2]["number"] == "C10002"
    assert found[2]["customerName"]
    assert found[3:] == [None, None]


async def test_a_partner_gets_null_for_customers_not_assigned_to_it(
    client: httpx.AsyncClient, client_for: ClientFor
) -> None:
    assigned = await gql(
        client,
        "mutation { assignCustomerToPartner(input: "
        '{customerNumber: "C10010", partnerId: "P2"}) { userErrors { message } } }',
    )
    assert assigned["data"]["assignCustomerToPartner"]["userErrors"] == []
    partner = await client_for("partner", partner="P2")
    found = await entities(
        partner,
        {"__typename": "Customer", "number": "C10010"},
        {"__typename": "Customer", "number": "C10011"},
    )
    assert found[0]["number"] == "C10010"
    assert found[1] is None
