"""Per-request DataLoaders: every nested field loads through one of these.

A loader is named by what it loads and by what key (``customer_by_number``,
``interactions_by_customer``). ``Loaders.create`` builds a fresh set for each operation so
nothing leaks between requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.customers.erp_access import customer_by_number

if TYPE_CHECKING:
    from strawberry.dataloader import DataLoader

    from crm_store.unit_of_work import UnitOfWork
    from erp_gateway.freshness import Fetched
    from resolvers.customers.erp_access import ErpAccess


@dataclass(slots=True, frozen=True, kw_only=True)
class Loaders:
    customer_by_number: DataLoader[str, Fetched | None]

    @classmethod
    def create(cls, *, uow: UnitOfWork, erp: ErpAccess | None = None) -> Loaders:
        del uow
        return cls(customer_by_number=customer_by_number(erp))
