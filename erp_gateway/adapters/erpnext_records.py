"""ERPNext ``Customer``/``Address``/``Sales Invoice`` list rows -> ``ErpCustomer`` records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from erp_gateway.adapters.common import version_digest
from erp_gateway.records import Address, AddressRole, ErpCustomer, Money

if TYPE_CHECKING:
    import datetime as dt

CUSTOMER_FIELDS = [
    "name",
    "customer_name",
    "tax_id",
    "email_id",
    "disabled",
    "is_frozen",
    "payment_terms",
    "modified",
    "`tabCustomer Credit Limit`.company as credit_limit_company",
    "`tabCustomer Credit Limit`.credit_limit as credit_limit",
]
"""The credit-limit child table joins in: one row per customer and company."""

ADDRESS_FIELDS = [
    "name",
    "address_type",
    "address_line1",
    "city",
    "state",
    "pincode",
    "country",
    "is_primary_address",
    "is_shipping_address",
    "modified",
    "`tabDynamic Link`.link_name as customer",
]


@dataclass(frozen=True, slots=True)
class ErpNextCustomer:
    """A customer as read, with the Address documents an address write needs."""

    customer: ErpCustomer
    addresses: dict[AddressRole, dict[str, Any]]


def assemble(
    customers: list[dict[str, Any]],
    addresses: list[dict[str, Any]],
    balances: list[dict[str, Any]],
    *,
    company: str,
    currency: str,
    countries: dict[str, str],
    fetched_at: dt.datetime,
) -> dict[str, ErpNextCustomer]:
    """Join the three list answers of one batch into customers keyed by ``name``."""
    limits: dict[str, Decimal] = {}
    docs: dict[str, dict[str, Any]] = {}
    for row in customers:
        docs.setdefault(row["name"], row)
        if row.get("credit_limit_company") == company and row.get("credit_limit"):
            limits[row["name"]] = Decimal(str(row["credit_limit"]))
    linked: dict[str, list[dict[str, Any]]] = {}
    for row in addresses:
        linked.setdefault(row["customer"], []).append(row)
    outstanding = {row["customer"]: Decimal(str(row["outstanding"] or 0)) for row in balances}
    found: dict[str, ErpNextCustomer] = {}
    for number, row in docs.items():
        chosen = choose_addresses(linked.get(number, []))
        reason = credit_hold_reason(row)
        stamps: list[object] = [number, row.get("modified")]
        for role in sorted(chosen):
            stamps += [role, chosen[role]["name"], chosen[role].get("modified")]
        limit = limits.get(number)
        customer = ErpCustomer(
            number=number,
            name=str(row["customer_name"]),
            tax_id=row.get("tax_id") or None,
            email=row.get("email_id") or None,
            credit_hold=reason is not None,
            credit_hold_reason=reason,
            credit_limit=Money(limit, currency) if limit else None,
            payment_terms=row.get("payment_terms") or None,
            balance=Money(outstanding.get(number, Decimal(0)), currency),
            billing_address=_address(chosen.get(AddressRole.BILLING), countries),
            shipping_address=_address(chosen.get(AddressRole.SHIPPING), countries),
            version=version_digest(stamps),
            fetched_at=fetched_at,
        )
        found[number] = ErpNextCustomer(customer=customer, addresses=chosen)
    return found


def credit_hold_reason(row: dict[str, Any]) -> str | None:
    """ERPNext's own flags: a disabled or a frozen customer is on credit hold."""
    if row.get("disabled"):
        return "disabled in ERPNext"
    if row.get("is_frozen"):
        return "frozen in ERPNext"
    return None


def choose_addresses(rows: list[dict[str, Any]]) -> dict[AddressRole, dict[str, Any]]:
    """Billing: the primary ``Billing`` address; shipping: the shipping ``Shipping`` one.

    Each falls back to any address of its type, then to the address flagged for the role.
    """
    chosen: dict[AddressRole, dict[str, Any]] = {}
    roles = [
        (AddressRole.BILLING, "Billing", "is_primary_address"),
        (AddressRole.SHIPPING, "Shipping", "is_shipping_address"),
    ]
    for role, kind, flag in roles:
        ranked = sorted(
            (r for r in rows if r.get("address_type") == kind or r.get(flag)),
            key=lambda r: (r.get("address_type") != kind, not r.get(flag), r["name"]),
        )
        if ranked:
            chosen[role] = ranked[0]
    return chosen


def _address(row: dict[str, Any] | None, countries: dict[str, str]) -> Address | None:
    if row is None:
        return None
    return Address(
        street=row.get("address_line1") or None,
        city=row.get("city") or None,
        postal_code=row.get("pincode") or None,
        region=row.get("state") or None,
        country=countries.get(row.get("country") or ""),
    )
