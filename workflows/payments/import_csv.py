"""Import a payments CSV: validate every row, store the new payments, queue their notices.

The caller owns the transaction (``import_payments`` only flushes): the payments, their import
batch and one outbox message per payment commit together or not at all.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.payments import NoticeStatus, PaymentImportBatchRow, PaymentRow
from crm_store.repositories.outbox import OutboxRepository
from crm_store.repositories.payments import PaymentRepository
from workflows.payments.csv_format import CsvMapping, RowError, parse_payments
from workflows.payments.notices import NOTICE_KIND

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_bytes: int = 5_000_000
    max_rows: int = 10_000


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would do (``dry_run``), with every reason a row was refused."""

    source: str
    filename: str | None
    total_rows: int = 0
    imported: int = 0
    already_there: int = 0
    invalid: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False
    written: bool = False
    batch_id: uuid.UUID | None = None
    payment_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        """How many rows had at least one bad cell."""
        return len({error.row for error in self.invalid})

    @property
    def refused(self) -> bool:
        """True when nothing was (or would be) written because the file has errors."""
        return bool(self.file_errors) or (bool(self.invalid) and not self.skip_invalid)


async def import_payments(
    session: AsyncSession,
    data: bytes,
    *,
    source: str,
    filename: str | None = None,
    mapping: CsvMapping | None = None,
    limits: ImportLimits | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Store the file's new payments and queue one notice each, in the caller's transaction.

    A file with any bad row writes nothing unless ``skip_invalid``; rows whose (source,
    reference) is already stored are counted in ``already_there`` and left alone. Two imports
    of one file racing each other cannot both write: the unique (source, reference) constraint
    fails the second one's flush (``IntegrityError``), and its caller rolls back.
    """
    limits = limits or ImportLimits()
    report = ImportReport(
        source=source, filename=filename, dry_run=dry_run, skip_invalid=skip_invalid
    )
    if not source or len(source) > 64:
        report.file_errors.append("the source must be 1 to 64 characters")
        return report
    if len(data) > limits.max_bytes:
        report.file_errors.append(
            f"the file has {len(data)} bytes, over the limit of {limits.max_bytes}"
        )
        return report
    parsed = parse_payments(data, mapping or CsvMapping(), max_rows=limits.max_rows)
    report.total_rows = parsed.total_rows
    report.invalid = parsed.errors
    report.file_errors = parsed.file_errors
    if parsed.file_errors or (parsed.errors and not skip_invalid):
        return report

    payments = PaymentRepository(session)
    existing = await payments.existing_references(source, [d.reference for d in parsed.drafts])
    fresh = [d for d in parsed.drafts if d.reference not in existing]
    report.already_there = len(parsed.drafts) - len(fresh)
    report.imported = len(fresh)
    if dry_run:
        return report

    now = now or utcnow()
    batch = PaymentImportBatchRow(
        id=uuid.uuid4(),
        source=source,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        total_rows=report.total_rows,
        imported_rows=report.imported,
        existing_rows=report.already_there,
        invalid_rows=report.invalid_rows,
        created_at=now,
    )
    rows = [
        PaymentRow(
            id=uuid.uuid4(),
            source=source,
            reference=d.reference,
            customer_number=d.customer_number,
            amount=d.amount,
            currency=d.currency,
            method=d.method,
            value_date=d.value_date,
            remittance=d.remittance,
            import_batch_id=batch.id,
            notice_status=NoticeStatus.QUEUED,
        )
        for d in fresh
    ]
    payments.add_batch(batch, rows)
    outbox = OutboxRepository(session)
    for row in rows:
        outbox.add(NOTICE_KIND, {"payment_id": str(row.id)}, now=now)
    await session.flush()
    report.written = True
    report.batch_id = batch.id
    report.payment_ids = [row.id for row in rows]
    return report
