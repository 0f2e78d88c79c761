"""Contacts at a customer: create, update, archive, validation, through GraphQL over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import CREATE_CONTACT, log, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

CUSTOMER_CONTACTS = """
query($id: ID!) {
  contact(id: $id) {
    customer { number contacts { name isPrimary phone } }
  }
}"""

UPDATE_CONTACT = """
mutation($input: UpdateContactInput!) {
  updateContact(input: $input) {
    contact { name title email phone isPrimary }
    userErrors { field code message }
  }
}"""

ARCHIVE_CONTACT = """
mutation($input: ArchiveContactInput!) {
  archiveContact(input: $input) { contact { archived } userErrors { code field } }
}"""


async def add_contact(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    payload = await mutate(
        client, CREATE_CONTACT, "createContact", {"customerNumber": "C10001", **fields}
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    contact: dict[str, Any] = payload["contact"]
    return contact


async def customer_contacts(client: httpx.AsyncClient, contact_id: str) -> list[dict[str, Any]]:
    body = await gql(client, CUSTOMER_CONTACTS, {"id": contact_id})
    contacts: list[dict[str, Any]] = body["data"]["contact"]["customer"]["contacts"]
    return contacts


async def test_contacts_are_added_to_a_customer_with_one_primary(
    client: httpx.AsyncClient,
) -> None:
    anna = await add_contact(
        client, name="Anna Schmidt", title="Buyer", email="Anna@Example.com", phone="089 123456"
    )
    assert anna["customer"] == {"number": "C10001"}
    assert anna["phone"] == "+4989123456"
    assert anna["email"] == "Anna@example.com"
    await add_contact(client, name="Ben Müller", isPrimary=True)
    await add_contact(client, name="Carla Rossi", isPrimary=True, phone="+39 06 6982 1234")
    await mutate(client, CREATE_CONTACT, "createContact", {"customerNumber": "C10002", "name": "X"})

    assert await customer_contacts(client, anna["id"]) == [
        {"name": "Carla Rossi", "isPrimary": True, "phone": "+390669821234"},
        {"name": "Anna Schmidt", "isPrimary": False, "phone": "+4989123456"},
        {"name": "Ben Müller", "isPrimary": False, "phone": None},
    ]


async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient) -> None:
    anna = await add_contact(client, name="Anna", title="Buyer", email="anna@example.com")
    payload = await mutate(
        client,
        UPDATE_CONTACT,
        "updateContact",
        {"contactId": anna["id"], "phone": "+49 30 1234567", "title": None},
    )
    assert payload["userErrors"] == []
    assert payload["contact"] == {
        "name": "Anna",
        "title": None,
        "email": "anna@example.com",
        "phone": "+49301234567",
        "isPrimary": False,
    }


async def test_archived_contacts_are_no_longer_listed(client: httpx.AsyncClient) -> None:
    anna = await add_contact(client, name="Anna")
    ben = await add_contact(client, name="Ben")
    payload = await mutate(client, ARCHIVE_CONTACT, "archiveContact", {"contactId": anna["id"]})
    assert payload == {"contact": {"archived": True}, "userErrors": []}
    assert [c["name"] for c in await customer_contacts(client, ben["id"])] == ["Ben"]
    again = await mutate(client, ARCHIVE_CONTACT, "archiveContact", {"contactId": anna["id"]})
    assert again["userErrors"] == [{"code": "NOT_FOUND", "field": ["input", "contactId"]}]


async def test_bad_contact_data_is_refused_with_field_paths(client: httpx.AsyncClient) -> None:
    payload = await mutate(
        client,
        CREATE_CONTACT,
        "createContact",
        {"customerNumber": "C10001", "name": " ", "email": "not-an-email", "phone": "12"},
    )
    assert payload["contact"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {
        (("input", "name"), "INVALID"),
        (("input", "email"), "INVALID"),
        (("input", "phone"), "INVALID"),
    }
    good = await add_contact(client, name="Only One")
    assert [c["name"] for c in await customer_contacts(client, good["id"])] == ["Only One"]


async def test_interactions_are_logged_with_a_contact(client: httpx.AsyncClient) -> None:
    anna = await add_contact(client, name="Anna")
    logged = await log(
        client,
        customerNumber="C10001",
        contactId=anna["id"],
        kind="CALL",
        direction="INBOUND",
        subject="Order question",
        occurredAt="2026-03-01T10:00:00+01:00",
    )
    assert logged["contact"] == {"id": anna["id"], "name": "Anna"}
    assert logged["customer"] == {"number": "C10001"}
    assert logged["occurredAt"] == "2026-03-01T09:00:00+00:00"
    body = await gql(
        client,
        "query($id: ID!) { contact(id: $id) { interactions { totalCount"
        " edges { node { subject contact { name } } } } } }",
        {"id": anna["id"]},
    )
    assert body["data"]["contact"]["interactions"] == {
        "totalCount": 1,
        "edges": [{"node": {"subject": "Order question", "contact": {"name": "Anna"}}}],
    }


async def test_a_contact_of_another_customer_is_refused(client: httpx.AsyncClient) -> None:
    anna = await add_contact(client, name="Anna")
    payload = await mutate(
        client,
        "mutation($input: LogInteractionInput!) { logInteraction(input: $input) {"
        " interaction { id } userErrors { field code message } } }",
        "logInteraction",
        {
            "customerNumber": "C10002",
            "contactId": anna["id"],
            "kind": "NOTE",
            "direction": "OUTBOUND",
            "subject": "x",
        },
    )
    assert payload["interaction"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "contactId"],
            "code": "INVALID",
            "message": "the contact works for customer C10001, not C10002",
        }
    ]
