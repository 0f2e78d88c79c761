"""Money in and out of the sales domain: ``MoneyInput`` and amounts from stored units."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from crm_store.repositories.opportunities import from_units
from resolvers.customers.erp_types import Money
from workflows.sales_rules import MoneyDraft

CENT = Decimal("0.01")


@strawberry.input(description="An amount in a currency (ISO 4217); at most four decimals.")
class MoneyInput:
    amount: Decimal
    currency: str

    def to_draft(self) -> MoneyDraft:
        return MoneyDraft(amount=self.amount, currency=self.currency)


def amount_of(units: int) -> Decimal:
    """Stored ten-thousandths as an amount with two decimals (more only when it has them)."""
    amount = from_units(units)
    cents = amount.quantize(CENT)
    return cents if cents == amount else amount.normalize()


def money_of(units: int | None, currency: str | None) -> Money | None:
    if units is None or currency is None:
        return None
    return Money(amount=amount_of(units), currency=currency)
