"""Helpers for the sender tests: a store with imported payments and a sender over real SMTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_store.models.outbox import OutboxMessageRow
from crm_store.models.payments import PaymentRow
from tests.support.static_erp import StaticErp, customer
from tests.workflows.payments.csv_files import payments_csv
from workflows.mail import SmtpMailer, SmtpSettings
from workflows.payments.import_csv import import_payments
from workflows.payments.sender import NoticeSender, RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from tests.support.payments import Clock, RecordingLog, SmtpServer
    from workflows.mail import Mailer
    from workflows.payments.metrics import NoticeMetrics

DEMO = [
    customer("C001", "Dupont SA", "ap@dupont.example", city="Lyon"),
    customer("C002", "Müller GmbH", "buchhaltung@mueller.example", city="Köln"),
    customer("C003", "Acme Ltd", "accounts@acme.example", city="Leeds"),
    customer("C004", "No Mail Corp", None),
]


def demo_erp() -> StaticErp:
    return StaticErp(DEMO)


async def import_demo_payments(
    sessionmaker: async_sessionmaker[AsyncSession],
    count: int,
    *,
    numbers: Sequence[str] = ("C001", "C002", "C003"),
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
    erp: StaticErp,
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
