"""Wiring payment notices from settings: the mailer, the sender, the background task, the worker.

The ERP gateway and the ``NoticeLog`` (the customer's history) are handed in by the caller:
the application lifespan and ``frontdesk worker`` build them from their own settings.
"""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from workflows.mail import MaildirMailer, Mailer, SmtpMailer, SmtpSettings
from workflows.payments.import_csv import ImportLimits
from workflows.payments.metrics import NoticeMetrics
from workflows.payments.runner import NoticeSenderTask, run_until
from workflows.payments.sender import NoticeSender, RetryPolicy

if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncIterator

    from prometheus_client import CollectorRegistry
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from api.settings import Settings
    from erp_gateway.port import ErpGateway
    from workflows.payments.notices import NoticeLog


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when ``FRONTDESK_SMTP_HOST`` is set, else a Maildir under the data directory."""
    if settings.smtp_host is None:
        return MaildirMailer(settings.mail_dir)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        SmtpSettings(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
            ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        )
    )


def describe_mail(settings: Settings) -> str:
    """One line for the start-up banner: where notices go."""
    if settings.smtp_host is None:
        return (
            "payment notices: no SMTP server configured, "
            f"delivering to the Maildir {settings.mail_dir}"
        )
    tls = "STARTTLS" if settings.smtp_starttls else "no TLS"
    return f"payment notices: SMTP {settings.smtp_host}:{settings.smtp_port} ({tls})"


def import_limits(settings: Settings) -> ImportLimits:
    return ImportLimits(
        max_bytes=settings.payments_import_max_bytes, max_rows=settings.payments_import_max_rows
    )


def build_notice_sender(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    gateway: ErpGateway,
    notice_log: NoticeLog,
    registry: CollectorRegistry | None = None,
    mailer: Mailer | None = None,
) -> NoticeSender:
    return NoticeSender(
        sessionmaker=sessionmaker,
        gateway=gateway,
        mailer=mailer or build_mailer(settings),
        sender_address=settings.notice_from,
        notice_log=notice_log,
        metrics=NoticeMetrics(registry) if registry is not None else None,
        retry=RetryPolicy(
            base_seconds=settings.notice_retry_base_seconds,
            max_seconds=settings.notice_retry_max_seconds,
            max_attempts=settings.notice_max_attempts,
        ),
        batch_size=settings.notice_batch_size,
        lease=dt.timedelta(seconds=settings.notice_lease_seconds),
    )


@asynccontextmanager
async def notice_sender_running(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    gateway: ErpGateway,
    notice_log: NoticeLog,
    registry: CollectorRegistry | None = None,
    mailer: Mailer | None = None,
) -> AsyncIterator[NoticeSenderTask | None]:
    """For the application lifespan: the in-process sender runs for the duration of the block.

    Yields the running task, or None when ``FRONTDESK_NOTICE_SENDER_IN_PROCESS`` is off.
    """
    sender = build_notice_sender(
        settings,
        sessionmaker=sessionmaker,
        gateway=gateway,
        notice_log=notice_log,
        registry=registry,
        mailer=mailer,
    )
    task = start_in_process_sender(settings, sender)
    try:
        yield task
    finally:
        if task is not None:
            await task.stop()


def start_in_process_sender(settings: Settings, sender: NoticeSender) -> NoticeSenderTask | None:
    """For the lifespan: start the background sender unless settings turn it off.

    The caller keeps the task and awaits ``task.stop()`` at shutdown.
    """
    if not settings.notice_sender_in_process:
        return None
    task = NoticeSenderTask(sender, poll_interval=settings.notice_poll_interval_seconds)
    task.start()
    return task


async def run_worker(settings: Settings, sender: NoticeSender, stop: asyncio.Event) -> None:
    """``frontdesk worker``: send notices until ``stop`` is set."""
    await run_until(sender, stop, poll_interval=settings.notice_poll_interval_seconds)
