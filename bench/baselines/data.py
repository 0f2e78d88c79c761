"""Deterministic demo data held in memory, shared by the baselines and the ERP stand-in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from erp_gateway.records import Address, ErpCustomer, Money

CUSTOMER_COUNT = 2000
INTERACTIONS_PER_CUSTOMER = 8
KINDS = ("CALL", "EMAIL", "MEETING", "NOTE")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def customer_number(i: int) -> str:
    return f"C{i:05d}"


@dataclass(frozen=True, slots=True)
class DemoInteraction:
    id: str
    kind: str
    subject: str
    occurred_at: dt.datetime


def _customer(i: int) -> ErpCustomer:
    number = customer_number(i)
    address = Address(
        street=f"{i} Market Street", city="Lyon", postal_code=f"69{i % 1000:03d}", country="FR"
    )
    return ErpCustomer(
        number=number,
        name=f"Customer {i} SARL",
        tax_id=f"FR{i:011d}",
        email=f"billing{i}@example.com",
        credit_hold=i % 7 == 0,
        credit_hold_reason="overdue invoices" if i % 7 == 0 else None,
        credit_limit=Money(Decimal(10000 + i), "EUR"),
        payment_terms="30 days net",
        balance=Money(Decimal(i * 3) + Decimal("0.50"), "EUR"),
        billing_address=address,
        shipping_address=address,
        version=f"v{i}",
        fetched_at=EPOCH,
    )


@cache
def demo_customers() -> dict[str, ErpCustomer]:
    """``CUSTOMER_COUNT`` customers by number, in number order."""
    return {customer_number(i): _customer(i) for i in range(1, CUSTOMER_COUNT + 1)}


@cache
def demo_interactions() -> dict[str, tuple[DemoInteraction, ...]]:
    """Each customer's interactions, newest first."""
    result = {}
    for i, number in enumerate(demo_customers(), start=1):
        result[number] = tuple(
            DemoInteraction(
                id=f"I{i:05d}-{k}",
                kind=KINDS[k % len(KINDS)],
                subject=f"Follow-up {k} with customer {i}",
                occurred_at=EPOCH - dt.timedelta(days=k),
            )
            for k in range(INTERACTIONS_PER_CUSTOMER)
        )
    return result
