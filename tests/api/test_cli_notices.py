"""``frontdesk serve`` and ``frontdesk worker`` deliver payment notices as real processes."""

from __future__ import annotations

import asyncio
import mailbox
import signal
import subprocess
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from crm_store.models.enums import InteractionKind
from crm_store.models.interactions import InteractionRow
from crm_store.models.payments import NoticeStatus, PaymentRow
from tests.support.databases import copy_sqlite, sqlite_store
from tests.support.erp import DemoErp
from tests.support.serve import FRONTDESK, environment, frontdesk_serving
from tests.workflows.payments.sending import import_demo_payments


def _wait_for_mail(directory: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not (directory / "new").is_dir() or len(list((directory / "new").iterdir())) < count:
        assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the notices did not arrive in 60 s"
        time.sleep(0.2)


def test_serve_says_where_notices_go_and_delivers_the_queued_demo_ones(
    tmp_path: Path,
) -> None:
    # The first start seeds the demo ERP, the demo CRM and the demo payments (two queued).
    mail = tmp_path / ".frontdesk" / "mail"
    with frontdesk_serving(tmp_path, workers=None, wait=False) as served:
        _wait_for_mail(mail, 2, served.process)
        response = httpx.post(
            served.graphql,
            json={
                "query": "{ payments(first: 20) { totalCount edges { node { noticeStatus } } } }"
            },
            headers={"Authorization": f"Bearer {served.admin_key()}"},
        )
        payments = response.json()["data"]["payments"]
    banner = served.banner
    assert "payment notices: no SMTP server configured, delivering to the Maildir" in banner
    assert ".frontdesk/mail" in banner
    assert payments["totalCount"] == 8
    statuses = sorted(edge["node"]["noticeStatus"] for edge in payments["edges"])
    assert statuses.count("SENT") == 6  # four seeded as sent, the two queued ones now sent
    assert {"SKIPPED", "FAILED"} <= set(statuses)
    subjects = sorted(str(message["Subject"]) for message in mailbox.Maildir(mail, create=False))
    assert [s.split()[1] for s in subjects] == ["DEMO-0007:", "DEMO-0008:"]


def _run_worker(url: str, erp_url: str, data: Path) -> None:
    """Run ``frontdesk worker`` until it has delivered three notices, then SIGTERM it."""
    process = subprocess.Popen(
        [str(FRONTDESK), "worker"],
        env=environment(
            FRONTDESK_DATABASE_URL=url,
            FRONTDESK_ERP_SQL_URL=erp_url,
            FRONTDESK_DATA_DIR=str(data),
            FRONTDESK_NOTICE_POLL_INTERVAL_SECONDS="0.2",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_mail(data / "mail", 3, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


async def _counts(url: str) -> tuple[int, int]:
    store = sqlite_store(url)
    try:
        async with store.sessionmaker() as session:
            sent = await session.scalar(
                select(func.count())
                .select_from(PaymentRow)
                .where(PaymentRow.notice_status == NoticeStatus.SENT)
            )
            logged = await session.scalar(
                select(func.count())
                .select_from(InteractionRow)
                .where(InteractionRow.kind == InteractionKind.PAYMENT_NOTICE)
            )
        return int(sent or 0), int(logged or 0)
    finally:
        store.detach()
        await store.engine.dispose()


async def test_the_worker_sends_through_the_erp_settings_and_records_history(
    sqlite_template: Path, tmp_path: Path, demo_erp: DemoErp
) -> None:
    url = copy_sqlite(sqlite_template, tmp_path / "crm.sqlite3")
    store = sqlite_store(url)
    try:
        await import_demo_payments(store.sessionmaker, 3)
    finally:
        store.detach()
        await store.engine.dispose()
    await asyncio.to_thread(_run_worker, url, demo_erp.url, tmp_path / "data")
    assert await _counts(url) == (3, 3)
