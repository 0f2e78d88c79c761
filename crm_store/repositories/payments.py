"""Payments, their import batches and per-customer notice e-mail overrides."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update

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
    customer_numbers: frozenset[str] | None = None
    """Only these customers' payments (a partner's scope); ``None``: no restriction."""


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
        if where.customer_numbers is not None:
            conditions.append(p.customer_number.in_(sorted(where.customer_numbers)))
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

    async def pages_by_customers(
        self, numbers: Sequence[str], *, limit: int, after: PaymentKey | None = None
    ) -> dict[str, tuple[list[PaymentRow], int]]:
        """Each customer's next ``limit + 1`` payments after ``after`` (newest value date first)
        and the customer's total, for a batch of customers in one query.

        Two windows over each customer's rows: ``total`` counts them all, ``position`` numbers
        only the rows past the cursor (a running sum of "is past the cursor" in page order).
        A customer without payments is absent from the result.
        """
        p = PaymentRow
        wanted = sorted(set(numbers))
        found: dict[str, tuple[list[PaymentRow], int]] = {}
        if not wanted:
            return found
        order = (p.value_date.desc(), p.id.desc())
        past: ColumnElement[int] = literal(1)
        if after is not None:
            day, last_id = after
            past = case(
                (or_(p.value_date < day, and_(p.value_date == day, p.id < last_id)), 1), else_=0
            )
        ranked = (
            select(
                p.id,
                past.label("past"),
                func.count().over(partition_by=p.customer_number).label("total"),
                func.sum(past)
                .over(partition_by=p.customer_number, order_by=order, rows=(None, 0))
                .label("position"),
            )
            .where(p.customer_number.in_(wanted))
            .subquery("ranked")
        )
        statement = (
            select(p, ranked.c.total)
            .join(ranked, ranked.c.id == p.id)
            .where(ranked.c.past == 1, ranked.c.position <= limit + 1)
            .order_by(p.customer_number, *order)
        )
        for row, count in (await self._session.execute(statement)).all():
            rows, _ = found.setdefault(row.customer_number, ([], int(count)))
            rows.append(row)
        return found

    async def totals_by_customers(self, numbers: Sequence[str]) -> dict[str, int]:
        """How many payments each customer has (customers without any are absent)."""
        p = PaymentRow
        counted = await self._session.execute(
            select(p.customer_number, func.count())
            .where(p.customer_number.in_(sorted(set(numbers))))
            .group_by(p.customer_number)
        )
        return {number: int(count) for number, count in counted.all()}

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
