import asyncio
import uuid

import pytest

from crm_store.models.payments import NoticeStatus
from tests.support.databases import Store
from tests.support.erp import DemoErp
from tests.support.payments import Clock, RecordingLog, SmtpServer
from tests.workflows.payments.sending import (
    customers_of,
    demo_gateway,
    import_demo_payments,
    make_sender,
    payments_by_reference,
    smtp_mailer,
)
from workflows.payments.notices import NoticeNotPreviewable, preview_notice
from workflows.payments.runner import NoticeSenderTask
from workflows.payments.templates import create_template


async def test_the_background_task_sends_what_is_queued_and_stops(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 5)
    sender = make_sender(
        store.sessionmaker,
        erp=await demo_gateway(demo_erp),
        mailer=smtp_mailer(smtp_server),
        log=RecordingLog(),
        clock=Clock(),
    )
    task = NoticeSenderTask(sender, poll_interval=0.05)
    task.start()
    try:
        for _ in range(200):
            if len(smtp_server.inbox.messages) == 5:
                break
            await asyncio.sleep(0.05)
    finally:
        await task.stop()
    assert not task.running
    assert len(smtp_server.inbox.messages) == 5
    payments = await payments_by_reference(store.sessionmaker)
    assert {p.notice_status for p in payments.values()} == {NoticeStatus.SENT}


async def test_a_preview_renders_without_sending(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 3)
    payment = (await payments_by_reference(store.sessionmaker))["PAY-0001"]
    erp = await demo_gateway(demo_erp)
    name = (await customers_of(demo_erp))["C10002"].name
    async with store.sessionmaker() as session, session.begin():
        custom = await create_template(
            session,
            name="Terse",
            subject="{{ payment.reference }}",
            body_text="{{ customer.name }}: {{ payment.amount }}",
            body_html="<i>{{ customer.name }}</i>",
        )
    async with store.sessionmaker() as session:
        default = await preview_notice(session, erp, payment.id)
        terse = await preview_notice(session, erp, payment.id, custom.id)
        with pytest.raises(NoticeNotPreviewable, match="no payment"):
            await preview_notice(session, erp, uuid.uuid4())
        with pytest.raises(NoticeNotPreviewable, match="no such notice template"):
            await preview_notice(session, erp, payment.id, uuid.uuid4())
    assert default.subject == "Payment PAY-0001: 10.37 EUR is on its way"
    assert (terse.subject, terse.text, terse.html) == (
        "PAY-0001",
        f"{name}: 10.37 EUR",
        f"<i>{name}</i>",
    )
    assert smtp_server.inbox.messages == []
    after = (await payments_by_reference(store.sessionmaker))["PAY-0001"]
    assert after.notice_status is NoticeStatus.QUEUED
