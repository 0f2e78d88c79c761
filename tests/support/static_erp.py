"""``StaticErp``: an ``ErpGateway`` over a fixed set of ``ErpCustomer`` records, in memory.

Used only until the demo ERP (the ``sql`` adapter over its SQLite database) lands on this
branch; tests that take it can be pointed at the demo ERP instead without other changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from erp_gateway.errors import ErpConflict, ErpNotFound, ErpUnavailable
from erp_gateway.records import Address, AddressRole, ErpCustomer, Page

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from erp_gateway.records import CustomerQuery, NewCustomer


def customer(
    number: str,
    name: str,
    email: str | None,
    *,
    city: str = "Lyon",
    street: str = "1 rue de la Paix",
) -> ErpCustomer:
    return ErpCustomer(
        number=number,
        name=name,
        tax_id=None,
        email=email,
        credit_hold=False,
        credit_hold_reason=None,
        credit_limit=None,
        payment_terms=None,
        balance=None,
        billing_address=Address(street=street, city=city, postal_code="69001", country="FR"),
        shipping_address=None,
        version="1",
        fetched_at=dt.datetime.now(dt.UTC),
    )


class StaticErp:
    """Answers from its records; ``available = False`` makes every call raise ErpUnavailable."""

    def __init__(self, customers: Iterable[ErpCustomer]) -> None:
        self.customers = {c.number: c for c in customers}
        self.available = True
        self.get_customers_calls: list[tuple[str, ...]] = []

    def _check(self, operation: str) -> None:
        if not self.available:
            raise ErpUnavailable("the ERP does not answer", operation=operation)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        self.get_customers_calls.append(tuple(numbers))
        self._check("get_customers")
        return {n: self.customers[n] for n in numbers if n in self.customers}

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        self._check("search_customers")
        text = (query.text or "").lower()
        matches = [
            c
            for n, c in sorted(self.customers.items())
            if (query.after is None or n > query.after)
            and (not text or text in n.lower() or text in c.name.lower())
            and (query.numbers is None or n in query.numbers)
            and (query.credit_hold is None or c.credit_hold == query.credit_hold)
        ]
        return Page(items=tuple(matches[: query.limit]), has_next=len(matches) > query.limit)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        self._check("update_address")
        current = self.customers.get(number)
        if current is None:
            raise ErpNotFound(f"no customer {number}", operation="update_address")
        if expected_version is not None and expected_version != current.version:
            raise ErpConflict("stale version", operation="update_address")
        field = "billing_address" if role is AddressRole.BILLING else "shipping_address"
        changes = {field: address, "version": str(int(current.version) + 1)}
        updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
        self.customers[number] = updated
        return updated

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        self._check("create_customer")
        number = f"C{len(self.customers) + 1:05d}"
        created = dataclasses.replace(
            customer(number, draft.name, draft.email), billing_address=draft.billing_address
        )
        self.customers[number] = created
        return created

    async def ping(self) -> None:
        self._check("ping")

    async def close(self) -> None:
        return None
