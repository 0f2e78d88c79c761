from decimal import Decimal

from sqlalchemy import func, select

from crm_store.models.outbox import OutboxMessageRow, OutboxStatus
from crm_store.models.payments import NoticeStatus, PaymentImportBatchRow, PaymentRow
from tests.support.databases import Store
from tests.workflows.payments.csv_files import HEADER, payments_csv
from workflows.payments.import_csv import ImportLimits, import_payments
from workflows.payments.notices import NOTICE_KIND

CUSTOMERS = ["C001", "C002", "C003"]


async def _counts(store: Store) -> tuple[int, int, int]:
    async with store.sessionmaker() as session:
        payments = await session.scalar(select(func.count()).select_from(PaymentRow))
        messages = await session.scalar(select(func.count()).select_from(OutboxMessageRow))
        batches = await session.scalar(select(func.count()).select_from(PaymentImportBatchRow))
    return int(payments or 0), int(messages or 0), int(batches or 0)


async def test_an_import_stores_payments_and_queues_one_notice_each(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        report = await import_payments(session, payments_csv(30, CUSTOMERS), source="acme")
    assert (report.total_rows, report.imported, report.already_there) == (30, 30, 0)
    assert report.written
    assert not report.refused
    async with store.sessionmaker() as session:
        payments = (await session.scalars(select(PaymentRow).order_by(PaymentRow.reference))).all()
        messages = (await session.scalars(select(OutboxMessageRow))).all()
    assert payments[1].amount == Decimal("10.37")
    assert payments[1].customer_number == "C002"
    assert {p.notice_status for p in payments} == {NoticeStatus.QUEUED}
    assert {p.import_batch_id for p in payments} == {report.batch_id}
    assert sorted(m.payload["payment_id"] for m in messages) == sorted(str(p.id) for p in payments)
    assert {(m.kind, m.status, m.attempts) for m in messages} == {
        (NOTICE_KIND, OutboxStatus.PENDING, 0)
    }


async def test_a_rolled_back_import_leaves_neither_payments_nor_notices(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        report = await import_payments(session, payments_csv(5, CUSTOMERS), source="acme")
        await session.rollback()
    assert report.imported == 5
    assert await _counts(store) == (0, 0, 0)


async def test_reimporting_a_file_creates_no_duplicates_and_counts_what_was_there(
    store: Store,
) -> None:
    async with store.sessionmaker() as session, session.begin():
        await import_payments(session, payments_csv(20, CUSTOMERS), source="acme")
    async with store.sessionmaker() as session, session.begin():
        again = await import_payments(session, payments_csv(25, CUSTOMERS), source="acme")
    assert (again.imported, again.already_there) == (5, 20)
    assert await _counts(store) == (25, 25, 2)
    async with store.sessionmaker() as session, session.begin():
        other = await import_payments(session, payments_csv(3, CUSTOMERS), source="globex")
    assert (other.imported, other.already_there) == (3, 0)


async def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(store: Store) -> None:
    data = payments_csv(10, CUSTOMERS) + (
        b"BAD-1,C001,12.345,EUR,transfer,2026-11-20,\nBAD-2,C001,5.00,EUR,transfer,2026-13-01,\n"
    )
    async with store.sessionmaker() as session, session.begin():
        report = await import_payments(session, data, source="acme")
    assert report.refused
    assert not report.written
    assert [(e.row, e.column) for e in report.invalid] == [(12, "amount"), (13, "value_date")]
    assert await _counts(store) == (0, 0, 0)


async def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(store: Store) -> None:
    data = payments_csv(10, CUSTOMERS) + b"BAD-1,C001,1e2,EUR,transfer,2026-11-20,\n"
    async with store.sessionmaker() as session, session.begin():
        report = await import_payments(session, data, source="acme", skip_invalid=True)
    assert (report.imported, len(report.invalid), report.refused) == (10, 1, False)
    assert await _counts(store) == (10, 10, 1)


async def test_a_dry_run_counts_without_writing(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        await import_payments(session, payments_csv(4, CUSTOMERS), source="acme")
    async with store.sessionmaker() as session, session.begin():
        report = await import_payments(
            session, payments_csv(6, CUSTOMERS), source="acme", dry_run=True
        )
    assert (report.imported, report.already_there, report.written) == (2, 4, False)
    assert await _counts(store) == (4, 4, 1)


async def test_size_and_row_limits_refuse_the_file(store: Store) -> None:
    data = payments_csv(10, CUSTOMERS)
    async with store.sessionmaker() as session, session.begin():
        too_big = await import_payments(
            session, data, source="acme", limits=ImportLimits(max_bytes=100)
        )
        too_long = await import_payments(
            session, data, source="acme", limits=ImportLimits(max_rows=9)
        )
        header_only = await import_payments(session, HEADER.encode(), source="acme")
    assert too_big.file_errors == [f"the file has {len(data)} bytes, over the limit of 100"]
    assert too_long.file_errors == ["more than 9 rows (the limit)"]
    assert header_only.total_rows == 0
    assert header_only.imported == 0
    assert await _counts(store) == (0, 0, 1)


async def test_existing_references_are_found_in_one_query_per_chunk(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        await import_payments(session, payments_csv(120, CUSTOMERS), source="acme")
    async with store.sessionmaker() as session, session.begin():
        with store.count_queries() as counter:
            report = await import_payments(session, payments_csv(120, CUSTOMERS), source="acme")
    assert report.already_there == 120
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
