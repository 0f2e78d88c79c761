"""Checks shared by the sales workflows: money amounts, currencies, probabilities, stages.

Stage moves (``allowed_move``): an open opportunity may move forward one or more stages
(``PROSPECTING -> QUALIFICATION -> PROPOSAL -> NEGOTIATION``), back exactly one stage, to WON
from any open stage (forward), and to LOST from any open stage (with a reason). WON and LOST
are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from crm_store.models.sales import OPEN_STAGES, OpportunityStage

if TYPE_CHECKING:
    from workflows.validation import Checker

MAX_AMOUNT = Decimal("100000000000000")
"""Amounts are below 10^14 (stored as ten-thousandths in a 64-bit integer)."""


@dataclass(frozen=True, slots=True)
class MoneyDraft:
    amount: Decimal
    currency: str


def check_money(checker: Checker, name: str, money: MoneyDraft | None) -> MoneyDraft | None:
    """A clean amount (>= 0, at most 4 decimals, below ``MAX_AMOUNT``) and ISO 4217 code."""
    if money is None:
        return None
    ok = True
    try:
        amount = Decimal(money.amount)
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int):
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        checker.prefix = (name,)
        checker.fail("amount", "not a decimal amount")
        checker.prefix = ()
        return None
    checker.prefix = (name,)
    if amount < 0 or amount >= MAX_AMOUNT:
        checker.fail("amount", f"the amount must be between 0 and {MAX_AMOUNT}")
        ok = False
    elif exponent < -4:
        checker.fail("amount", "at most four decimal places")
        ok = False
    currency = money.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        checker.fail("currency", "not an ISO 4217 currency code")
        ok = False
    checker.prefix = ()
    return MoneyDraft(amount=amount, currency=currency) if ok else None


def allowed_move(current: OpportunityStage, to: OpportunityStage) -> str | None:
    """Why ``current -> to`` is not allowed, or None when it is."""
    if current not in OPEN_STAGES:
        return f"the opportunity is {current.value}: closed opportunities do not move"
    if to == current:
        return f"the opportunity is already {current.value}"
    if to in (OpportunityStage.WON, OpportunityStage.LOST):
        return None
    step = OPEN_STAGES.index(to) - OPEN_STAGES.index(current)
    if step > 0 or step == -1:
        return None
    return f"{current.value} may go back one stage only, not to {to.value}"
