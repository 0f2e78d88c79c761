"""Helpers for the sender tests: a store with imported payments and a sender over real SMTP.

Customers come from the demo ERP (the ``demo_erp`` fixture's private copy, read by the sql
adapter); the one customer without an e-mail address the tests need is inserted into that copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from crm_store.models.outbox import OutboxMessageRow
from crm_store.models.payments import PaymentRow
from erp_gateway.demo import debtor
from tests.support.erp import CountingGateway
from tests.workflows.payments.csv_files import payments_csv
from workflows.mail import SmtpMailer, SmtpSettings
from workflows.payments.import_csv import import_payments
from workflows.payments.sender import NoticeSender, RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer
    from tests.support.erp import DemoErp
    from tests.support.payments import Clock, RecordingLog, SmtpServer
    from workflows.mail import Mailer
    from workflows.payments.metrics import NoticeMetrics

NUMBERS = ("C10001", "C10002", "C10003")
"""Demo ERP customers the sender tests pay."""
NO_MAIL = "C19999"
"""A customer without an e-mail address, added to the test's copy of the demo ERP."""
NOT_IN_ERP = "C99999"


async def demo_gateway(demo: DemoErp) -> CountingGateway:
    """The demo ERP through the sql adapter (calls counted), with ``NO_MAIL`` added."""
    engine = create_async_engine(demo.url)
    try:
        async with engine.begin() as connection:
            await connection.execute(debtor.delete().where(debtor.c.number == NO_MAIL))
            await connection.execute(
                debtor.insert().values(
                    number=NO_MAIL, name="No Mail Corp", email=None, currency="EUR", revision=1
                )
            )
    finally:
        await engine.dispose()
    return CountingGateway(demo.adapter())


async def customers_of(demo: DemoErp) -> dict[str, ErpCustomer]:
    """The demo ERP's records of ``NUMBERS`` (names and e-mail addresses to expect)."""
    adapter = demo.adapter()
    try:
        return dict(await adapter.get_customers(NUMBERS))
    finally:
        await adapter.close()


async def import_demo_payments(
    sessionmaker: async_sessionmaker[AsyncSession],
    count: int,
    *,
    numbers: Sequence[str] = NUMBERS,
    source: str = "acme",
) -> None:
    async with sessionmaker() as session, session.begin():
        report = await import_payments(
            session, payments_csv(count, list(numbers)), source=source, now=None
        )
    assert report.imported == count


def smtp_mailer(server: SmtpServer) -> SmtpMailer:
    return SmtpMailer(SmtpSettings(host=server.host, port=server.port, starttls=False, timeout=5))


def make_sender(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    erp: ErpGateway,
    mailer: Mailer,
    log: RecordingLog,
    clock: Clock,
    metrics: NoticeMetrics | None = None,
    batch_size: int = 50,
    max_attempts: int = 5,
) -> NoticeSender:
    return NoticeSender(
        sessionmaker=sessionmaker,
        gateway=erp,
        mailer=mailer,
        sender_address="Payments <payments@frontdesk.example>",
        notice_log=log,
        metrics=metrics,
        retry=RetryPolicy(base_seconds=60, max_seconds=600, max_attempts=max_attempts),
        batch_size=batch_size,
        clock=clock,
    )


async def payments_by_reference(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, PaymentRow]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(PaymentRow))).all()
    return {row.reference: row for row in rows}


async def outbox_messages(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[OutboxMessageRow]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessageRow))).all())
