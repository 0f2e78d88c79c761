"""DataLoaders of payments: by id, and each customer's page of payments (one query a batch)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from crm_store.models.payments import PaymentRow
from crm_store.repositories.payments import PaymentKey, PaymentRepository
from crm_store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class PaymentsPage:
    """What one ``payments`` connection of a customer asks for."""

    first: int
    after: PaymentKey | None = None


@dataclass(frozen=True, slots=True)
class PaymentsSlice:
    rows: list[PaymentRow]
    """Up to ``first + 1`` rows; the extra one means there is a next page."""
    total: int


def payment_by_id(uow: UnitOfWork) -> DataLoader[uuid.UUID, PaymentRow | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[PaymentRow | None]:
        async with uow.session() as session:
            found = await PaymentRepository(session).by_ids(list(ids))
        return [found.get(id) for id in ids]

    return DataLoader(load_fn=load)


def payments_by_customer(uow: UnitOfWork) -> DataLoader[tuple[str, PaymentsPage], PaymentsSlice]:
    """Keyed by (customer number, page); customers asking the same page share one query."""

    async def load(keys: Sequence[tuple[str, PaymentsPage]]) -> list[PaymentsSlice]:
        groups: dict[PaymentsPage, list[str]] = defaultdict(list)
        for number, page in keys:
            groups[page].append(number)
        found: dict[tuple[str, PaymentsPage], PaymentsSlice] = {}
        async with uow.session() as session:
            repository = PaymentRepository(session)
            for page, numbers in groups.items():
                pages = await repository.pages_by_customers(
                    numbers, limit=page.first, after=page.after
                )
                # Past a customer's last page nothing comes back to carry its total: count those
                # (only ever for a cursor, never for a first page).
                missing = [n for n in numbers if n not in pages] if page.after else []
                totals = await repository.totals_by_customers(missing) if missing else {}
                for number in numbers:
                    rows, total = pages.get(number, ([], totals.get(number, 0)))
                    found[(number, page)] = PaymentsSlice(rows=rows, total=total)
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)
