"""Odoo ``res.partner`` rows (as ``search_read`` returns them) -> ``ErpCustomer`` records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from erp_gateway.adapters.common import version_digest
from erp_gateway.records import Address, AddressRole, ErpCustomer, Money

if TYPE_CHECKING:
    import datetime as dt

PARTNER_FIELDS = [
    "ref",
    "name",
    "vat",
    "email",
    "active",
    "credit_limit",
    "property_payment_term_id",
    "currency_id",
    "write_date",
    "parent_id",
    "type",
    "street",
    "city",
    "zip",
    "state_id",
    "country_id",
]
"""Read in the one ``search_read`` of a batch; the balance field is added to these."""

_ROLE_OF_TYPE = {"invoice": AddressRole.BILLING, "delivery": AddressRole.SHIPPING}


@dataclass(frozen=True, slots=True)
class OdooPartner:
    """A customer as read, with the Odoo ids an address write needs."""

    id: int
    customer: ErpCustomer
    child_ids: dict[AddressRole, int]


def assemble(
    rows: list[dict[str, Any]],
    balance_field: str,
    countries: dict[int, str],
    fetched_at: dt.datetime,
) -> dict[str, OdooPartner]:
    """Group a batch's rows (customers and their child addresses) into customers by ``ref``."""
    children: dict[int, dict[AddressRole, dict[str, Any]]] = {}
    for row in rows:
        parent = row.get("parent_id")
        role = _ROLE_OF_TYPE.get(str(row.get("type")))
        if parent and role is not None and row.get("active", True):
            children.setdefault(int(parent[0]), {}).setdefault(role, row)  # lowest id wins
    found: dict[str, OdooPartner] = {}
    for row in rows:
        if row.get("parent_id") or not row.get("ref"):
            continue
        own = children.get(int(row["id"]), {})
        found[str(row["ref"])] = OdooPartner(
            id=int(row["id"]),
            customer=_customer(row, own, balance_field, countries, fetched_at),
            child_ids={role: int(child["id"]) for role, child in own.items()},
        )
    return found


def _customer(
    row: dict[str, Any],
    children: dict[AddressRole, dict[str, Any]],
    balance_field: str,
    countries: dict[int, str],
    fetched_at: dt.datetime,
) -> ErpCustomer:
    currency = _name(row.get("currency_id"))
    limit = _decimal(row.get("credit_limit"))
    balance = _decimal(row.get(balance_field))
    reason = credit_hold_reason(bool(row.get("active", True)), limit, balance)
    billing = children.get(AddressRole.BILLING, row)
    shipping = children.get(AddressRole.SHIPPING, row)
    stamps = [row["id"], row.get("write_date")]
    for role in sorted(children):
        stamps += [role, children[role]["id"], children[role].get("write_date")]
    return ErpCustomer(
        number=str(row["ref"]),
        name=str(row["name"]),
        tax_id=_text(row.get("vat")),
        email=_text(row.get("email")),
        credit_hold=reason is not None,
        credit_hold_reason=reason,
        credit_limit=Money(limit, currency) if currency and limit > 0 else None,
        payment_terms=_name(row.get("property_payment_term_id")),
        balance=Money(balance, currency) if currency else None,
        billing_address=_address(billing, countries),
        shipping_address=_address(shipping, countries),
        version=version_digest(stamps),
        fetched_at=fetched_at,
    )


def credit_hold_reason(active: bool, limit: Decimal, balance: Decimal) -> str | None:
    """Odoo's credit hold, derived: archived, or a set credit limit exceeded by the balance."""
    if not active:
        return "archived in Odoo"
    if limit > 0 and balance > limit:
        return f"balance {balance} exceeds the credit limit {limit}"
    return None


def _address(row: dict[str, Any], countries: dict[int, str]) -> Address | None:
    country = row.get("country_id")
    address = Address(
        street=_text(row.get("street")),
        city=_text(row.get("city")),
        postal_code=_text(row.get("zip")),
        region=_name(row.get("state_id")),
        country=countries.get(int(country[0])) if country else None,
    )
    return None if address == Address() else address


def _name(many2one: object) -> str | None:
    """Odoo sends a many2one as ``[id, display_name]``, or ``false`` when empty."""
    if isinstance(many2one, list) and len(many2one) == 2:
        return str(many2one[1])
    return None


def _text(value: object) -> str | None:
    """Odoo sends an empty char field as ``false``."""
    return str(value) if value not in (None, False, "") else None


def _decimal(value: object) -> Decimal:
    """Monetary fields travel as JSON floats; go through ``str`` to keep the written digits."""
    if value in (None, False):
        return Decimal(0)
    return Decimal(str(value))
