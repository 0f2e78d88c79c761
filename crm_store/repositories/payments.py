"""Payments, their import batches and per-customer notice e-mail overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from crm_store.models.payments import (
    CustomerEmailOverrideRow,
    NoticeStatus,
    PaymentImportBatchRow,
    PaymentRow,
)

if TYPE_CHECKING:
    import datetime as dt
    import uuid
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

CHUNK = 500
"""Keys per ``IN (...)``: well under SQLite's and asyncpg's parameter limits."""


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def existing_references(self, source: str, references: Sequence[str]) -> set[str]:
        """Which of ``references`` are already stored for ``source``."""
        found: set[str] = set()
        for chunk in _chunks(sorted(set(references))):
            result = await self._session.scalars(
                select(PaymentRow.reference).where(
                    PaymentRow.source == source, PaymentRow.reference.in_(chunk)
                )
            )
            found.update(result)
        return found

    def add_batch(self, batch: PaymentImportBatchRow, payments: Sequence[PaymentRow]) -> None:
        self._session.add(batch)
        self._session.add_all(payments)

    async def get(self, payment_id: uuid.UUID) -> PaymentRow | None:
        return await self._session.get(PaymentRow, payment_id)

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PaymentRow]:
        rows: dict[uuid.UUID, PaymentRow] = {}
        for start in range(0, len(ids), CHUNK):
            result = await self._session.scalars(
                select(PaymentRow).where(PaymentRow.id.in_(ids[start : start + CHUNK]))
            )
            rows.update((row.id, row) for row in result)
        return rows

    async def by_source(self, source: str) -> Sequence[PaymentRow]:
        result = await self._session.scalars(
            select(PaymentRow).where(PaymentRow.source == source).order_by(PaymentRow.reference)
        )
        return result.all()

    async def set_notice_state(
        self,
        payment_id: uuid.UUID,
        status: NoticeStatus,
        *,
        error: str | None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        await self._session.execute(
            update(PaymentRow)
            .where(PaymentRow.id == payment_id)
            .values(notice_status=status, notice_error=error, notice_sent_at=sent_at)
            .execution_options(synchronize_session=False)
        )


class EmailOverrideRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_customer_numbers(self, numbers: Sequence[str]) -> Mapping[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(numbers))):
            result = await self._session.scalars(
                select(CustomerEmailOverrideRow).where(
                    CustomerEmailOverrideRow.customer_number.in_(chunk)
                )
            )
            found.update((row.customer_number, row.email) for row in result)
        return found

    async def put(self, customer_number: str, email: str) -> CustomerEmailOverrideRow:
        row = await self._session.get(CustomerEmailOverrideRow, customer_number)
        if row is None:
            row = CustomerEmailOverrideRow(customer_number=customer_number, email=email)
            self._session.add(row)
        else:
            row.email = email
        await self._session.flush()
        return row

    async def remove(self, customer_number: str) -> bool:
        row = await self._session.get(CustomerEmailOverrideRow, customer_number)
        if row is None:
            return False
        await self._session.delete(row)
        await self._session.flush()
        return True
