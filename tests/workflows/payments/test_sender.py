import datetime as dt
import mailbox
from collections import Counter
from pathlib import Path

import pytest
from email_validator import EmailNotValidError
from prometheus_client import CollectorRegistry

from crm_store.models.outbox import OutboxStatus
from crm_store.models.payments import NoticeStatus
from tests.support.databases import Store
from tests.support.erp import DemoErp
from tests.support.payments import Clock, RecordingLog, SmtpServer
from tests.workflows.payments.csv_files import amount_for, payments_csv
from tests.workflows.payments.sending import (
    NO_MAIL,
    NOT_IN_ERP,
    NUMBERS,
    customers_of,
    demo_gateway,
    import_demo_payments,
    make_sender,
    outbox_messages,
    payments_by_reference,
    smtp_mailer,
)
from workflows.mail import MaildirMailer
from workflows.payments.import_csv import import_payments
from workflows.payments.metrics import NoticeMetrics
from workflows.payments.money import format_amount
from workflows.payments.notices import set_email_override


def _reference(subject: str) -> str:
    return subject.split()[1].rstrip(":")


async def test_imported_payments_become_e_mails_with_the_right_amounts_and_names(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 200)
    erp, log, clock = await demo_gateway(demo_erp), RecordingLog(), Clock()
    registry = CollectorRegistry()
    sender = make_sender(
        store.sessionmaker,
        erp=erp,
        mailer=smtp_mailer(smtp_server),
        log=log,
        clock=clock,
        metrics=NoticeMetrics(registry),
        batch_size=50,
    )
    passes = [await sender.run_once() for _ in range(5)]
    assert [p.sent for p in passes] == [50, 50, 50, 50, 0]
    assert len(erp.batches) == 4
    assert all(len(batch) == 3 for batch in erp.batches)
    customers = await customers_of(demo_erp)

    messages = smtp_server.inbox.messages
    assert len(messages) == 200
    payments = await payments_by_reference(store.sessionmaker)
    for message in messages:
        payment = payments[_reference(message["Subject"])]
        n = int(payment.reference.removeprefix("PAY-"))
        expected = format_amount(amount_for(n), "EUR")
        assert message["Subject"] == f"Payment {payment.reference}: {expected} is on its way"
        assert message["To"] == customers[payment.customer_number].email
        assert message["From"] == "Payments <payments@frontdesk.example>"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert f"Dear {customers[payment.customer_number].name}," in text
        assert f"Amount:     {expected}" in text
        assert f"<td>{expected}</td>" in html
    assert {p.notice_status for p in payments.values()} == {NoticeStatus.SENT}
    assert all(p.notice_sent_at == clock.now and p.notice_error is None for p in payments.values())
    assert {m.status for m in await outbox_messages(store.sessionmaker)} == {OutboxStatus.DONE}

    assert sorted(n.payment_id for n in log.notices) == sorted(p.id for p in payments.values())
    by_payment = {n.payment_id: n for n in log.notices}
    some = payments["PAY-0007"]
    logged = by_payment[some.id]
    assert (logged.customer_number, logged.recipient) == ("C10002", customers["C10002"].email)
    (sent,) = [m for m in messages if "PAY-0007" in m["Subject"]]
    assert logged.subject == sent["Subject"]
    wire_text = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert logged.body_text == wire_text.replace("\r\n", "\n")

    assert registry.get_sample_value("frontdesk_payment_notices_sent_total") == 200
    assert registry.get_sample_value("frontdesk_payment_notices_queued") == 0
    assert registry.get_sample_value("frontdesk_payment_notices_outbox_age_seconds") == 0

    async with store.sessionmaker() as session, session.begin():
        again = await import_payments(session, payments_csv(200, list(NUMBERS)), source="acme")
    assert (again.imported, again.already_there) == (0, 200)
    assert (await sender.run_once()).claimed == 0
    assert len(smtp_server.inbox.messages) == 200
    assert len(log.notices) == 200


async def test_smtp_down_delays_notices_and_loses_none(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 12)
    erp, log, clock = await demo_gateway(demo_erp), RecordingLog(), Clock()
    registry = CollectorRegistry()
    sender = make_sender(
        store.sessionmaker,
        erp=erp,
        mailer=smtp_mailer(smtp_server),
        log=log,
        clock=clock,
        metrics=NoticeMetrics(registry),
    )
    smtp_server.stop()
    down = await sender.run_once()
    assert (down.claimed, down.retried, down.sent) == (12, 12, 0)
    payments = await payments_by_reference(store.sessionmaker)
    assert {p.notice_status for p in payments.values()} == {NoticeStatus.QUEUED}
    assert all("SMTP server 127.0.0.1" in (p.notice_error or "") for p in payments.values())
    messages = await outbox_messages(store.sessionmaker)
    assert {(m.status, m.attempts, m.claimed_by) for m in messages} == {
        (OutboxStatus.PENDING, 1, None)
    }
    waits = [m.next_attempt_at - clock.now for m in messages]
    assert all(dt.timedelta(seconds=30) <= w <= dt.timedelta(seconds=60) for w in waits)
    assert (await sender.run_once()).claimed == 0, "nothing is due before its backoff"
    assert registry.get_sample_value("frontdesk_payment_notices_queued") == 12

    clock.advance(minutes=5)
    assert registry.get_sample_value("frontdesk_payment_notices_retried_total") == 12
    second = await sender.run_once()
    assert (second.claimed, second.retried) == (12, 12)
    messages = await outbox_messages(store.sessionmaker)
    assert {m.attempts for m in messages} == {2}
    waits = [m.next_attempt_at - clock.now for m in messages]
    assert all(dt.timedelta(seconds=60) <= w <= dt.timedelta(seconds=120) for w in waits)
    assert registry.get_sample_value("frontdesk_payment_notices_outbox_age_seconds") == 0

    clock.advance(minutes=1)
    await sender.run_once()  # some may be due, the server is still down
    clock.advance(minutes=10)
    smtp_server.start()
    back = await sender.run_once()
    assert back.sent == 12
    assert (await sender.run_once()).claimed == 0
    references = Counter(_reference(m["Subject"]) for m in smtp_server.inbox.messages)
    assert sorted(references) == sorted(payments)
    assert set(references.values()) == {1}
    assert len(log.notices) == 12
    payments = await payments_by_reference(store.sessionmaker)
    assert {(p.notice_status, p.notice_error) for p in payments.values()} == {
        (NoticeStatus.SENT, None)
    }


async def test_an_erp_outage_is_retried_and_a_refusing_server_fails_the_notice(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 3)
    erp, log, clock, registry = (
        await demo_gateway(demo_erp),
        RecordingLog(),
        Clock(),
        CollectorRegistry(),
    )
    sender = make_sender(
        store.sessionmaker,
        erp=erp,
        mailer=smtp_mailer(smtp_server),
        log=log,
        clock=clock,
        metrics=NoticeMetrics(registry),
    )
    demo_erp.take_down()
    summary = await sender.run_once()
    assert summary.retried == 3
    assert summary.errors[0].startswith("the ERP is unavailable: ")

    demo_erp.bring_back()
    smtp_server.inbox.reply = "451 4.3.0 try again later"
    clock.advance(hours=1)
    assert (await sender.run_once()).retried == 3

    smtp_server.inbox.reply = "550 5.1.1 mailbox unavailable"
    clock.advance(hours=1)
    assert (await sender.run_once()).failed == 3
    assert registry.get_sample_value("frontdesk_payment_notices_failed_total") == 3
    payments = await payments_by_reference(store.sessionmaker)
    assert {p.notice_status for p in payments.values()} == {NoticeStatus.FAILED}
    assert {p.notice_error for p in payments.values()} == {"SMTP 550 5.1.1 mailbox unavailable"}
    assert {m.status for m in await outbox_messages(store.sessionmaker)} == {OutboxStatus.FAILED}
    assert log.notices == []


async def test_too_many_transient_failures_fail_the_notice(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 1)
    clock = Clock()
    sender = make_sender(
        store.sessionmaker,
        erp=await demo_gateway(demo_erp),
        mailer=smtp_mailer(smtp_server),
        log=RecordingLog(),
        clock=clock,
        max_attempts=3,
    )
    smtp_server.inbox.reply = "421 4.7.0 too busy"
    outcomes = []
    for _ in range(4):
        summary = await sender.run_once()
        outcomes.append((summary.retried, summary.failed))
        clock.advance(hours=1)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    (payment,) = (await payments_by_reference(store.sessionmaker)).values()
    assert payment.notice_status is NoticeStatus.FAILED
    assert payment.notice_error == "gave up after 3 attempts: SMTP 421 4.7.0 too busy"


async def test_a_customer_without_an_address_is_skipped_and_an_override_wins(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 4, numbers=[NO_MAIL, "C10001"])
    async with store.sessionmaker() as session, session.begin():
        stored = await set_email_override(session, "C10001", "Treasury@Dupont.example")
        with pytest.raises(EmailNotValidError):
            await set_email_override(session, NO_MAIL, "not an address")
    assert stored == "Treasury@dupont.example"
    log, registry = RecordingLog(), CollectorRegistry()
    sender = make_sender(
        store.sessionmaker,
        erp=await demo_gateway(demo_erp),
        mailer=smtp_mailer(smtp_server),
        log=log,
        clock=Clock(),
        metrics=NoticeMetrics(registry),
    )
    summary = await sender.run_once()
    assert (summary.sent, summary.skipped) == (2, 2)
    assert registry.get_sample_value("frontdesk_payment_notices_skipped_total") == 2
    payments = await payments_by_reference(store.sessionmaker)
    skipped = [p for p in payments.values() if p.customer_number == NO_MAIL]
    assert {(p.notice_status, p.notice_error) for p in skipped} == {
        (NoticeStatus.SKIPPED, f"customer {NO_MAIL} has no e-mail address")
    }
    assert {m["To"] for m in smtp_server.inbox.messages} == {"Treasury@dupont.example"}
    assert {n.customer_number for n in log.notices} == {"C10001"}


async def test_a_customer_missing_from_the_erp_fails_its_notice(
    store: Store, smtp_server: SmtpServer, demo_erp: DemoErp
) -> None:
    await import_demo_payments(store.sessionmaker, 1, numbers=[NOT_IN_ERP])
    sender = make_sender(
        store.sessionmaker,
        erp=await demo_gateway(demo_erp),
        mailer=smtp_mailer(smtp_server),
        log=RecordingLog(),
        clock=Clock(),
    )
    assert (await sender.run_once()).failed == 1
    (payment,) = (await payments_by_reference(store.sessionmaker)).values()
    assert (payment.notice_status, payment.notice_error) == (
        NoticeStatus.FAILED,
        f"customer {NOT_IN_ERP} is not in the ERP",
    )
    assert smtp_server.inbox.messages == []


async def test_notices_land_in_a_maildir_in_the_embedded_default(
    store: Store, tmp_path: Path, demo_erp: DemoErp
) -> None:
    directory = tmp_path / "mail"
    await import_demo_payments(store.sessionmaker, 3)
    sender = make_sender(
        store.sessionmaker,
        erp=await demo_gateway(demo_erp),
        mailer=MaildirMailer(directory),
        log=RecordingLog(),
        clock=Clock(),
    )
    assert (await sender.run_once()).sent == 3
    box = mailbox.Maildir(directory, create=False)
    subjects = sorted(str(message["Subject"]) for message in box)
    assert subjects == [
        f"Payment PAY-{n:04d}: {format_amount(amount_for(n), 'EUR')} is on its way"
        for n in range(3)
    ]
    assert len(list((directory / "new").iterdir())) == 3
