"""Demo payments for the demo ERP's customers, with notices in every state.

Deterministic and idempotent: the payments have fixed references in the source ``demo``, and
nothing is written when any of them is already stored. Four notices are SENT (each with its
PAYMENT_NOTICE interaction on the customer, rendered with the default template from the
customer's ERP record, exactly as the sender would have), one is SKIPPED and one FAILED with
their reasons, and two are QUEUED in the outbox, so that a freshly started embedded server
delivers them to its Maildir.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from crm_store.models.payments import NoticeStatus, PaymentMethod, PaymentRow
from crm_store.repositories.outbox import OutboxRepository
from crm_store.repositories.payments import PaymentRepository
from crm_store.repositories.templates import NoticeTemplateRepository
from workflows.payments.history import notice_interaction
from workflows.payments.notices import NOTICE_KIND, SentNotice, recipient_for
from workflows.payments.templates import customer_context, payment_context, render

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from erp_gateway.port import ErpGateway

DEMO_SOURCE = "demo"
SENT_AT = dt.datetime(2026, 10, 20, 8, 30, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class _Demo:
    reference: str
    customer: str
    amount: str
    method: PaymentMethod
    value_date: dt.date
    remittance: str
    status: NoticeStatus
    reason: str | None = None


M = PaymentMethod
S = NoticeStatus
DEMO_PAYMENTS = (
    _Demo(
        "DEMO-0001", "C10001", "1250.00", M.TRANSFER, dt.date(2026, 10, 18), "Invoice 4711", S.SENT
    ),
    _Demo(
        "DEMO-0002", "C10002", "98.40", M.CHEQUE, dt.date(2026, 10, 18), "Credit note 88", S.SENT
    ),
    _Demo(
        "DEMO-0003",
        "C10003",
        "15300.00",
        M.WIRE,
        dt.date(2026, 10, 19),
        "Invoices 5001-5004",
        S.SENT,
    ),
    _Demo(
        "DEMO-0004", "C10001", "420.75", M.TRANSFER, dt.date(2026, 10, 19), "Invoice 4790", S.SENT
    ),
    _Demo(
        "DEMO-0005",
        "C10004",
        "310.00",
        M.CARD,
        dt.date(2026, 10, 20),
        "Refund order 1201",
        S.SKIPPED,
        "customer C10004 asked for no e-mail: notices are not sent (demo data)",
    ),
    _Demo(
        "DEMO-0006",
        "C10005",
        "2760.10",
        M.TRANSFER,
        dt.date(2026, 10, 21),
        "Invoice 4801",
        S.FAILED,
        "the SMTP server refused the recipient: 550 5.1.1 mailbox unavailable (demo data)",
    ),
    _Demo(
        "DEMO-0007", "C10006", "640.00", M.TRANSFER, dt.date(2026, 10, 30), "Invoice 4850", S.QUEUED
    ),
    _Demo(
        "DEMO-0008", "C10007", "75.00", M.OTHER, dt.date(2026, 10, 31), "Deposit return", S.QUEUED
    ),
)


@dataclass(frozen=True, slots=True)
class PaymentDemoSummary:
    payments: int
    sent: int
    queued: int


async def seed_payment_demo(
    session: AsyncSession, gateway: ErpGateway
) -> PaymentDemoSummary | None:
    """Store the demo payments in the caller's transaction; None when they are there already.

    Customers the ERP does not know are left out (a non-demo ERP has other numbers).
    """
    payments = PaymentRepository(session)
    references = [d.reference for d in DEMO_PAYMENTS]
    if await payments.existing_references(DEMO_SOURCE, references):
        return None
    customers = await gateway.get_customers(sorted({d.customer for d in DEMO_PAYMENTS}))
    template = await NoticeTemplateRepository(session).default()
    outbox = OutboxRepository(session)
    rows: list[PaymentRow] = []
    sent = queued = 0
    for demo in DEMO_PAYMENTS:
        customer = customers.get(demo.customer)
        if customer is None:
            continue
        row = PaymentRow(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"frontdesk:demo-payment:{demo.reference}"),
            source=DEMO_SOURCE,
            reference=demo.reference,
            customer_number=demo.customer,
            amount=Decimal(demo.amount),
            currency="EUR",
            method=demo.method,
            value_date=demo.value_date,
            remittance=demo.remittance,
            notice_status=demo.status,
            notice_error=demo.reason,
        )
        rows.append(row)
        session.add(row)
        recipient, _ = recipient_for(demo.customer, None, customer)
        if demo.status is S.SENT and template is not None and recipient is not None:
            notice = render(
                template, payment=payment_context(row), customer=customer_context(customer)
            )
            row.notice_sent_at = SENT_AT
            session.add(
                notice_interaction(
                    SentNotice(
                        payment_id=row.id,
                        customer_number=demo.customer,
                        recipient=recipient,
                        subject=notice.subject,
                        body_text=notice.text,
                        body_html=notice.html,
                        sent_at=SENT_AT,
                    )
                )
            )
            sent += 1
        elif demo.status is S.QUEUED:
            outbox.add(NOTICE_KIND, {"payment_id": str(row.id)}, now=NOW)
            queued += 1
    await session.flush()
    return PaymentDemoSummary(payments=len(rows), sent=sent, queued=queued)
