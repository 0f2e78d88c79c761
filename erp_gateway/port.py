"""The port every ERP adapter and wrapper implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
        Page,
    )


@runtime_checkable
class ErpGateway(Protocol):
    """Customers as the ERP has them. Raises ``erp_gateway.errors.ErpError`` subclasses."""

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        """The customers with these numbers; missing numbers are absent, not errors."""
        ...

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        """One page of customers matching ``query``, ordered by number."""
        ...

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        """Write one address; ``ErpConflict`` when ``expected_version`` is stale."""
        ...

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        """Create a customer; the same key never creates a second one."""
        ...

    async def ping(self) -> None:
        """Return when the ERP answers; raise ``ErpUnavailable`` when it does not."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
