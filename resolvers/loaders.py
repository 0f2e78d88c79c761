"""Per-request DataLoaders: every nested field loads through one of these.

A loader is named by what it loads and by what key (``customer_by_number``,
``interactions_by_customer``). ``Loaders.create`` builds a fresh set for each operation so
nothing leaks between requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from crm_store.repositories.partner_assignments import PartnerAssignmentRepository

if TYPE_CHECKING:
    from crm_store.unit_of_work import UnitOfWork


def _partner_by_customer(uow: UnitOfWork) -> DataLoader[str, str | None]:
    async def load(numbers: Sequence[str]) -> list[str | None]:
        async with uow.session() as session:
            found = await PartnerAssignmentRepository(session).partners_of(list(numbers))
        return [found.get(number) for number in numbers]

    return DataLoader(load_fn=load)


@dataclass(slots=True, frozen=True, kw_only=True)
class Loaders:
    partner_by_customer: DataLoader[str, str | None]
    """The partner a customer is assigned to (partner scoping), ``None`` when unassigned."""

    @classmethod
    def create(cls, *, uow: UnitOfWork) -> Loaders:
        return cls(partner_by_customer=_partner_by_customer(uow))
