"""The demo payments: every notice state, the SENT ones on the customer's history, idempotent."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_store.models.outbox import OutboxMessageRow
from crm_store.models.payments import NoticeStatus, PaymentRow
from tests.support.graphql import gql
from workflows.payments.demo import seed_payment_demo

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

HISTORY = """
query {
  customer(number: "C10001") {
    name
    interactions(kind: PAYMENT_NOTICE) { totalCount edges { node { subject body direction } } }
    payments { totalCount edges { node { reference noticeStatus noticeSentAt } } }
  }
}"""


async def test_demo_payments_cover_every_notice_state_once(
    store: Store, demo_erp: DemoErp, client: httpx.AsyncClient
) -> None:
    async with store.sessionmaker() as session, session.begin():
        summary = await seed_payment_demo(session, demo_erp.adapter())
    assert summary is not None
    assert (summary.payments, summary.sent, summary.queued) == (8, 4, 2)
    async with store.sessionmaker() as session, session.begin():
        assert await seed_payment_demo(session, demo_erp.adapter()) is None
    async with store.sessionmaker() as session:
        rows = (await session.scalars(select(PaymentRow))).all()
        outbox = (await session.scalars(select(OutboxMessageRow))).all()
    assert Counter(row.notice_status for row in rows) == {
        NoticeStatus.SENT: 4,
        NoticeStatus.QUEUED: 2,
        NoticeStatus.SKIPPED: 1,
        NoticeStatus.FAILED: 1,
    }
    assert all(row.notice_error for row in rows if row.notice_status is NoticeStatus.FAILED)
    assert len(outbox) == 2

    body = await gql(client, HISTORY)
    customer = body["data"]["customer"]
    history = customer["interactions"]
    assert history["totalCount"] == 2
    assert all(f"Dear {customer['name']}," in e["node"]["body"] for e in history["edges"])
    payments = customer["payments"]["edges"]
    assert sorted(e["node"]["reference"] for e in payments) == ["DEMO-0001", "DEMO-0004"]
    assert {e["node"]["noticeStatus"] for e in payments} == {"SENT"}
