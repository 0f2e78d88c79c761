"""Frozen records that cross the port. Vendor wire shapes never leave their adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import datetime as dt

T = TypeVar("T")


class AddressRole(StrEnum):
    BILLING = "billing"
    SHIPPING = "shipping"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str
    """ISO 4217 code, upper case."""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    """ISO 3166-1 alpha-2 code."""


@dataclass(frozen=True, slots=True)
class ErpCustomer:
    number: str
    name: str
    tax_id: str | None
    email: str | None
    credit_hold: bool
    credit_hold_reason: str | None
    credit_limit: Money | None
    payment_terms: str | None
    balance: Money | None
    billing_address: Address | None
    shipping_address: Address | None
    version: str
    """Changes whenever the ERP record changes; the token for optimistic writes."""
    fetched_at: dt.datetime
    """When this record left the ERP (timezone-aware)."""


@dataclass(frozen=True, slots=True)
class NewCustomer:
    """What Frontdesk asks the ERP to create (lead conversion)."""

    name: str
    email: str | None = None
    phone: str | None = None
    tax_id: str | None = None
    billing_address: Address | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """A search over the ERP's customers, one page at a time."""

    text: str | None = None
    """Matches number, name or tax id (case-insensitive substring)."""
    credit_hold: bool | None = None
    numbers: tuple[str, ...] | None = None
    """Restrict to these numbers (a partner's customers, say)."""
    limit: int = 50
    after: str | None = None
    """The last number of the previous page: pages are ordered by number."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    has_next: bool
    total: int | None = None
    """How many match in all, when the ERP can say cheaply."""
    extras: dict[str, object] = field(default_factory=dict)
