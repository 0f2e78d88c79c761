"""An ERP held in a dict: the inner gateway of the benchmark's "ERP alone" baseline."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from erp_gateway.errors import ErpNotFound
from erp_gateway.records import AddressRole, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from erp_gateway.records import Address, CustomerQuery, ErpCustomer, NewCustomer


class InMemoryErpGateway:
    """Implements ``erp_gateway.port.ErpGateway`` over a dict; reads only matter here."""

    def __init__(self, customers: Mapping[str, ErpCustomer]) -> None:
        self._customers = dict(customers)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        return {n: self._customers[n] for n in numbers if n in self._customers}

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        numbers = sorted(n for n in self._customers if query.after is None or n > query.after)
        chosen = numbers[: query.limit]
        return Page(
            items=tuple(self._customers[n] for n in chosen),
            has_next=len(numbers) > query.limit,
            total=len(self._customers),
        )

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        del expected_version
        if number not in self._customers:
            raise ErpNotFound(number)
        current = self._customers[number]
        if role is AddressRole.BILLING:
            updated = replace(current, billing_address=address)
        else:
            updated = replace(current, shipping_address=address)
        self._customers[number] = updated
        return updated

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        raise NotImplementedError("the benchmark never creates customers")

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
