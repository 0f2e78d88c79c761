"""Per-request DataLoaders: every nested field loads through one of these.

A loader is named by what it loads and by what key (``customer_by_number``,
``interactions_by_customer``). ``Loaders.create`` builds a fresh set for each operation so
nothing leaks between requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_store.unit_of_work import UnitOfWork


@dataclass(slots=True, frozen=True, kw_only=True)
class Loaders:
    @classmethod
    def create(cls, *, uow: UnitOfWork) -> Loaders:
        del uow
        return cls()
