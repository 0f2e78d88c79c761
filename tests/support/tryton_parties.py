"""Parties of a test's own in the live Tryton, made through Tryton's JSON-RPC.

The seeded parties (C1001 ...) are shared by the whole run and must stay as seeded; a test
that writes makes its own with a unique code.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.tryton_rpc import TrytonRpc

PARTY_FIELDS = [
    "code",
    "name",
    "active",
    "identifiers.type",
    "identifiers.code",
    "contact_mechanisms.type",
    "contact_mechanisms.value",
    "addresses.street",
    "addresses.city",
    "addresses.postal_code",
    "addresses.country.code",
    "addresses.subdivision.name",
    "addresses.invoice",
    "addresses.delivery",
]


def country_id(rpc: TrytonRpc, code: str) -> int:
    (row,) = rpc.search_read("country.country", [["code", "=", code]], ["id"])
    found: int = row["id"]
    return found


def make_party(
    rpc: TrytonRpc,
    name: str,
    *,
    address: dict[str, Any] | None = None,
    active: bool = True,
    tax_id: str | None = None,
) -> str:
    """Create a party with a fresh code (and an invoice address when given); its code."""
    code = f"T-{uuid.uuid4().hex[:10].upper()}"
    values: dict[str, Any] = {"code": code, "name": name}
    if address is not None:
        row = dict(address)
        if "country" in row:
            row["country"] = country_id(rpc, row["country"])
        values["addresses"] = [["create", [{**row, "invoice": True}]]]
    if tax_id is not None:
        values["identifiers"] = [["create", [{"type": "eu_vat", "code": tax_id}]]]
    (party,) = rpc.create("party.party", [values])
    if not active:  # Tryton makes an archived party's code read-only: archive it afterwards
        rpc.call("model.party.party.write", [party], {"active": False})
    return code


def read_party(rpc: TrytonRpc, code: str) -> dict[str, Any]:
    (row,) = rpc.search_read(
        "party.party", [["code", "=", code]], PARTY_FIELDS, context={"active_test": False}
    )
    return row


def party_count(rpc: TrytonRpc) -> int:
    count: int = rpc.call("model.party.party.search_count", [], context={"active_test": False})
    return count


def invoice_address(row: dict[str, Any]) -> dict[str, Any]:
    """The party's invoice address in GraphQL's shape."""
    (found,) = [a for a in row["addresses."] if a["invoice"]]
    return {
        "street": found["street"] or None,
        "city": found["city"] or None,
        "postalCode": found["postal_code"] or None,
        "region": (found["subdivision."] or {}).get("name"),
        "country": (found["country."] or {}).get("code"),
    }
