"""Several senders on one committed PostgreSQL database send each notice exactly once."""

import asyncio
import secrets
from collections import Counter

from sqlalchemy import delete, select

from crm_store.models.outbox import OutboxMessageRow
from crm_store.models.payments import NoticeStatus, PaymentImportBatchRow, PaymentRow
from crm_store.session import create_engine, create_sessionmaker
from tests.support.erp import DemoErp
from tests.support.payments import RecordingLog, SmtpServer
from tests.workflows.payments.sending import demo_gateway, import_demo_payments, smtp_mailer
from workflows.payments.sender import NoticeSender, PassSummary

COUNT = 80


async def _drain(sender: NoticeSender) -> list[PassSummary]:
    passes = []
    while True:
        summary = await sender.run_once()
        passes.append(summary)
        if summary.claimed == 0:
            return passes


async def test_two_workers_send_each_notice_exactly_once(
    postgres_url: str, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    source = f"two-workers-{secrets.token_hex(4)}"
    engines = [create_engine(postgres_url, pool_size=2) for _ in range(3)]
    setup, *workers = [create_sessionmaker(engine) for engine in engines]
    log = RecordingLog()
    try:
        await import_demo_payments(setup, COUNT, source=source)
        senders = [
            NoticeSender(
                sessionmaker=sessionmaker,
                gateway=await demo_gateway(demo_erp),
                mailer=smtp_mailer(smtp_server),
                sender_address="payments@frontdesk.example",
                notice_log=log,
                batch_size=7,
                worker_id=f"worker-{i}",
            )
            for i, sessionmaker in enumerate(workers)
        ]
        results = await asyncio.gather(*(_drain(sender) for sender in senders))

        sent_by_worker = [sum(p.sent for p in passes) for passes in results]
        assert sum(sent_by_worker) == COUNT
        assert all(sent > 0 for sent in sent_by_worker), sent_by_worker
        assert all(p.lost_claims == 0 for passes in results for p in passes)
        subjects = Counter(m["Subject"].split()[1] for m in smtp_server.inbox.messages)
        assert len(subjects) == COUNT
        assert set(subjects.values()) == {1}
        assert len({n.payment_id for n in log.notices}) == len(log.notices) == COUNT
        async with setup() as session:
            statuses = set(
                await session.scalars(
                    select(PaymentRow.notice_status).where(PaymentRow.source == source)
                )
            )
        assert statuses == {NoticeStatus.SENT}
    finally:
        async with setup() as session, session.begin():
            ids = {
                str(i)
                for i in await session.scalars(
                    select(PaymentRow.id).where(PaymentRow.source == source)
                )
            }
            messages = await session.scalars(select(OutboxMessageRow))
            doomed = [m.id for m in messages if m.payload.get("payment_id") in ids]
            await session.execute(delete(OutboxMessageRow).where(OutboxMessageRow.id.in_(doomed)))
            await session.execute(delete(PaymentRow).where(PaymentRow.source == source))
            await session.execute(
                delete(PaymentImportBatchRow).where(PaymentImportBatchRow.source == source)
            )
        for engine in engines:
            await engine.dispose()
