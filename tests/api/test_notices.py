"""The in-process sender as the application lifespan runs it, from settings."""

import asyncio
import mailbox
from pathlib import Path

from api.notices import notice_sender_running
from api.settings import Settings
from crm_store.models.payments import NoticeStatus
from tests.support.databases import Store
from tests.support.erp import DemoErp
from tests.support.payments import RecordingLog
from tests.workflows.payments.sending import (
    demo_gateway,
    import_demo_payments,
    payments_by_reference,
)


async def test_the_lifespan_sender_delivers_to_the_maildir_of_the_embedded_default(
    store: Store, tmp_path: Path, demo_erp: DemoErp
) -> None:
    settings = Settings(data_dir=tmp_path / "data", notice_poll_interval_seconds=0.05)
    await import_demo_payments(store.sessionmaker, 4)
    log = RecordingLog()
    async with notice_sender_running(
        settings,
        sessionmaker=store.sessionmaker,
        gateway=await demo_gateway(demo_erp),
        notice_log=log,
    ) as task:
        assert task is not None
        assert task.running
        for _ in range(200):
            if len(log.notices) == 4:
                break
            await asyncio.sleep(0.05)
    assert not task.running
    assert len(mailbox.Maildir(settings.mail_dir, create=False)) == 4
    payments = await payments_by_reference(store.sessionmaker)
    assert {p.notice_status for p in payments.values()} == {NoticeStatus.SENT}


async def test_the_in_process_sender_can_be_turned_off(
    store: Store, tmp_path: Path, demo_erp: DemoErp
) -> None:
    settings = Settings(data_dir=tmp_path / "data", notice_sender_in_process=False)
    async with notice_sender_running(
        settings,
        sessionmaker=store.sessionmaker,
        gateway=await demo_gateway(demo_erp),
        notice_log=RecordingLog(),
    ) as task:
        assert task is None
