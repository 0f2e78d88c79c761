"""Tryton ``party.party`` rows to ``ErpCustomer`` records, and the credit-hold rule.

The adapter reads every customer with one ``search_read`` over ``PARTY_FIELDS``; dotted names
come back nested under keys with a trailing dot (``"addresses."``, ``"country."``). On SQLite
Tryton sends booleans as 0/1, hence ``bool(...)`` everywhere a flag is read.

Credit hold is not a Tryton flag. ``CreditHoldRule`` derives it, in this order:
  * ``archived``: the party is archived (``active`` false), when ``hold_archived``;
  * ``over credit limit``: the party has a credit limit and ``credit_amount`` (what it owes,
    Tryton's receivable) exceeds ``credit_limit_amount`` by more than ``tolerance``, when
    ``hold_over_limit``.
The first rule that fires names ``credit_hold_reason``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from erp_gateway.records import Address, ErpCustomer, Money

if TYPE_CHECKING:
    from collections.abc import Sequence

Row: TypeAlias = dict[str, Any]

PARTY_FIELDS = (
    "code",
    "name",
    "active",
    "create_date",
    "write_date",
    "credit_limit_amount",
    "credit_amount",
    "receivable",
    "customer_payment_term.name",
    "identifiers.type",
    "identifiers.code",
    "contact_mechanisms.type",
    "contact_mechanisms.value",
    "contact_mechanisms.active",
    "addresses.street",
    "addresses.postal_code",
    "addresses.city",
    "addresses.country.code",
    "addresses.subdivision.name",
    "addresses.invoice",
    "addresses.delivery",
    "addresses.sequence",
    "addresses.create_date",
    "addresses.write_date",
    "_timestamp",
    "addresses._timestamp",
)
TAX_IDENTIFIER_TYPES = ("eu_vat",)
ARCHIVED = "archived"
OVER_LIMIT = "over credit limit"


@dataclass(frozen=True, slots=True)
class CreditHoldRule:
    """Which conditions put a Tryton customer on credit hold (see the module docstring)."""

    hold_archived: bool = True
    hold_over_limit: bool = True
    tolerance: Decimal = Decimal(0)

    def reason(self, row: Row) -> str | None:
        """The rule that fires for this party row, or None when the customer is not on hold."""
        if self.hold_archived and not bool(row.get("active", True)):
            return ARCHIVED
        limit = row.get("credit_limit_amount")
        owed = row.get("credit_amount")
        over = limit is not None and owed is not None and owed - limit > self.tolerance
        if self.hold_over_limit and over:
            return OVER_LIMIT
        return None


def billing_row(row: Row) -> Row | None:
    """The address flagged ``invoice``, else the first one."""
    addresses = _addresses(row)
    flagged = [a for a in addresses if bool(a.get("invoice"))]
    candidates = flagged or addresses
    return candidates[0] if candidates else None


def shipping_row(row: Row) -> Row | None:
    """The address flagged ``delivery``, else the billing address."""
    return flagged_row(row, "delivery") or billing_row(row)


def flagged_row(row: Row, flag: str) -> Row | None:
    """The first address (by sequence) with ``flag`` (``invoice`` or ``delivery``) set."""
    return next((a for a in _addresses(row) if bool(a.get(flag))), None)


def _addresses(row: Row) -> list[Row]:
    addresses: list[Row] = list(row.get("addresses.") or [])
    return sorted(addresses, key=lambda a: (a.get("sequence") is None, a.get("sequence"), a["id"]))


def address_of(row: Row | None) -> Address | None:
    if row is None:
        return None
    country = row.get("country.") or {}
    subdivision = row.get("subdivision.") or {}
    return Address(
        street=row.get("street") or None,
        city=row.get("city") or None,
        postal_code=row.get("postal_code") or None,
        region=subdivision.get("name"),
        country=country.get("code"),
    )


def version_of(row: Row) -> str:
    """A token that changes whenever the party or one of its addresses is written."""
    stamps = [f"p{row['id']}:{_stamp(row)}"]
    stamps += [f"a{a['id']}:{_stamp(a)}" for a in sorted(_addresses(row), key=lambda a: a["id"])]
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:20]


def _stamp(row: Row) -> str:
    moment = row.get("write_date") or row.get("create_date")
    return moment.isoformat() if isinstance(moment, dt.datetime) else str(moment)


def timestamps_of(row: Row) -> dict[str, str]:
    """Tryton's ``_timestamp`` context for writing this party and its addresses.

    Sent with a write, it makes Tryton refuse (``ConcurrencyException``) when any of these
    records changed after they were read: the version check and the write are then atomic.
    """
    stamps = {f"party.party,{row['id']}": row["_timestamp"]}
    stamps.update({f"party.address,{a['id']}": a["_timestamp"] for a in _addresses(row)})
    return stamps


def tax_id_of(row: Row) -> str | None:
    for identifier in row.get("identifiers.") or []:
        if identifier.get("type") in TAX_IDENTIFIER_TYPES:
            code: str = identifier["code"]
            return code
    return None


def email_of(row: Row) -> str | None:
    for mechanism in row.get("contact_mechanisms.") or []:
        if mechanism.get("type") == "email" and bool(mechanism.get("active", True)):
            value: str = mechanism["value"]
            return value
    return None


def customer_of(
    row: Row, *, currency: str, rule: CreditHoldRule, fetched_at: dt.datetime
) -> ErpCustomer:
    """One ``search_read`` row (``PARTY_FIELDS``) as the port's record."""
    reason = rule.reason(row)
    limit = row.get("credit_limit_amount")
    receivable = row.get("receivable")
    term = row.get("customer_payment_term.") or {}
    return ErpCustomer(
        number=row["code"],
        name=row["name"],
        tax_id=tax_id_of(row),
        email=email_of(row),
        credit_hold=reason is not None,
        credit_hold_reason=reason,
        credit_limit=Money(limit, currency) if limit is not None else None,
        payment_terms=term.get("name"),
        balance=Money(receivable, currency) if receivable is not None else None,
        billing_address=address_of(billing_row(row)),
        shipping_address=address_of(shipping_row(row)),
        version=version_of(row),
        fetched_at=fetched_at,
    )


def customers_of(
    rows: Sequence[Row], *, currency: str, rule: CreditHoldRule, fetched_at: dt.datetime
) -> list[ErpCustomer]:
    return [customer_of(r, currency=currency, rule=rule, fetched_at=fetched_at) for r in rows]
