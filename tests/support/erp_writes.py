"""GraphQL documents and helpers for the ERP write mutations (address updates, conversion)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import ADVANCE_LEAD, create_lead, log, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    import httpx

CUSTOMER_FIELDS = """
  number name taxId email erpVersion erpStale
  billingAddress { street city postalCode region country }
  shippingAddress { street city postalCode region country }
"""

READ_CUSTOMER = f"""
query($number: String!) {{ customer(number: $number) {{ {CUSTOMER_FIELDS}
  interactions {{ totalCount edges {{ node {{ kind subject body owner }} }} }} }} }}"""

UPDATE_ADDRESS = f"""
mutation($input: UpdateCustomerAddressInput!) {{
  updateCustomerAddress(input: $input) {{
    customer {{ {CUSTOMER_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}"""

CONVERT_LEAD = f"""
mutation($input: ConvertLeadInput!) {{
  convertLead(input: $input) {{
    lead {{ id status version history {{ from to by note }} }}
    customer {{ {CUSTOMER_FIELDS}
      interactions {{ totalCount edges {{ node {{ subject }} }} }} }}
    userErrors {{ field code message }}
  }}
}}"""


async def read_customer(client: httpx.AsyncClient, number: str) -> dict[str, Any]:
    body = await gql(client, READ_CUSTOMER, {"number": number})
    customer: dict[str, Any] = body["data"]["customer"]
    return customer


async def update_address(client: httpx.AsyncClient, **input: Any) -> dict[str, Any]:
    return await mutate(client, UPDATE_ADDRESS, "updateCustomerAddress", input)


async def convert(client: httpx.AsyncClient, lead_id: str, key: str) -> dict[str, Any]:
    return await mutate(
        client, CONVERT_LEAD, "convertLead", {"leadId": lead_id, "idempotencyKey": key}
    )


async def qualified_lead(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """A lead walked NEW -> QUALIFIED through the API, with two interactions logged on it."""
    lead = await create_lead(client, **fields)
    lead_id = lead["id"]
    for step, kind in (
        ("CHECKED", None),
        ("VERIFIED", None),
        ("CONTACTED", "EMAIL"),
        ("QUALIFIED", "CALL"),
    ):
        if kind is not None:
            await log(
                client, leadId=lead_id, kind=kind, direction="OUTBOUND", subject=f"{kind} {step}"
            )
        payload = await mutate(client, ADVANCE_LEAD, "advanceLead", {"leadId": lead_id, "to": step})
        assert payload["userErrors"] == [], payload["userErrors"]
    return lead
