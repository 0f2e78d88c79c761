"""Payments, their import batches and per-customer notice e-mail overrides."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select, update

from crm_store.models.payments import (
    CustomerEmailOverrideRow,
    NoticeStatus,
    PaymentImportBatchRow,
    PaymentRow,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

CHUNK = 500
"""Keys per ``IN (...)``: well under SQLite's and asyncpg's parameter limits."""


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """Which payments a list shows; every part is optional."""

    customer_number: str | None = None
    search: str | None = None
    """Case-insensitive substring of the reference or the remittance text."""
    notice_status: NoticeStatus | None = None


PaymentKey = tuple[dt.date, uuid.UUID]
"""Where a page of payments ends: (value_date, id), newest first."""


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

    async def page(
        self, where: PaymentFilter, *, limit: int, after: PaymentKey | None = None
    ) -> tuple[Sequence[PaymentRow], int]:
        """Up to ``limit + 1`` payments after ``after`` (newest value date first), and the total.

        The extra row tells the caller there is a next page without a second query.
        """
        p = PaymentRow
        conditions = []
        if where.customer_number is not None:
            conditions.append(p.customer_number == where.customer_number)
        if where.notice_status is not None:
            conditions.append(p.notice_status == where.notice_status)
        if where.search:
            pattern = "%" + where.search.lower().replace("%", "").replace("_", "") + "%"
            conditions.append(
                or_(func.lower(p.reference).like(pattern), func.lower(p.remittance).like(pattern))
            )
        total = await self._session.scalar(select(func.count()).select_from(p).where(*conditions))
        statement = select(p).where(*conditions)
        if after is not None:
            day, last_id = after
            statement = statement.where(
                or_(p.value_date < day, and_(p.value_date == day, p.id < last_id))
            )
        statement = statement.order_by(p.value_date.desc(), p.id.desc()).limit(limit + 1)
        rows = (await self._session.scalars(statement)).all()
        return rows, int(total or 0)

    async def latest_by_customers(
        self, numbers: Sequence[str], *, limit: int
    ) -> dict[str, list[PaymentRow]]:
        """Each customer's newest ``limit`` payments, for many customers in one query."""
        p = PaymentRow
        rank = (
            func.row_number()
            .over(partition_by=p.customer_number, order_by=(p.value_date.desc(), p.id.desc()))
            .label("rank")
        )
        ranked = select(p.id, rank).where(p.customer_number.in_(sorted(set(numbers)))).subquery()
        statement = (
            select(p)
            .join(ranked, ranked.c.id == p.id)
            .where(ranked.c.rank <= limit)
            .order_by(p.customer_number, p.value_date.desc(), p.id.desc())
        )
        found: dict[str, list[PaymentRow]] = {number: [] for number in numbers}
        for row in await self._session.scalars(statement):
            found[row.customer_number].append(row)
        return found

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
