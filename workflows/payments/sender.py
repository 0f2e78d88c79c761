"""The payment notice sender: claim due outbox messages, resolve, render, send, settle.

One pass (``run_once``) claims up to ``batch_size`` due notices under a lease (committed at
once, so no transaction stays open while mail is sent), reads their payments and e-mail
overrides, asks the ERP for all their customers in one ``get_customers`` call, and sends one
message at a time. Each message is then settled in its own short transaction that checks the
claim is still ours:

- sent: outbox DONE, payment SENT with ``sent_at``, and ``NoticeLog.record`` (same transaction);
- no usable address: outbox DONE, payment SKIPPED with the reason;
- permanent failure (5xx reply, template error, unknown customer): FAILED with the reason;
- transient failure (SMTP down, 4xx reply, ``ErpUnavailable``): the message goes back with
  ``next_attempt_at`` moved out by exponential backoff with jitter, the payment stays QUEUED
  with the reason in ``notice_error``; after ``max_attempts`` it is FAILED.

An unexpected exception ends the pass; the messages it had claimed and not settled become due
again when their lease ends, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.outbox import OutboxStatus
from crm_store.models.payments import NoticeStatus
from crm_store.repositories.outbox import OutboxRepository
from crm_store.repositories.payments import EmailOverrideRepository, PaymentRepository
from crm_store.repositories.templates import NoticeTemplateRepository
from erp_gateway.errors import ErpUnavailable
from workflows.mail import MailPermanent, MailTransient, build_message
from workflows.payments.notices import NOTICE_KIND, SentNotice, recipient_for
from workflows.payments.templates import (
    NoticeRenderError,
    customer_context,
    payment_context,
    render,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from crm_store.models.payments import NoticeTemplateRow, PaymentRow
    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer
    from workflows.mail import Mailer
    from workflows.payments.metrics import NoticeMetrics
    from workflows.payments.notices import NoticeLog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits between half and all of base * 2^(n-1)."""

    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    max_attempts: int = 12

    def delay(self, attempts: int, rng: random.Random) -> dt.timedelta:
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return dt.timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


@dataclass(slots=True)
class PassSummary:
    """What one pass did."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    lost_claims: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Claim:
    message_id: uuid.UUID
    payment_id: uuid.UUID | None
    attempts: int


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: NoticeStatus | None
    """SENT, SKIPPED or FAILED; None means try again later."""
    reason: str | None = None
    notice: SentNotice | None = None


class NoticeSender:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        gateway: ErpGateway,
        mailer: Mailer,
        sender_address: str,
        notice_log: NoticeLog,
        metrics: NoticeMetrics | None = None,
        retry: RetryPolicy | None = None,
        batch_size: int = 50,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        worker_id: str | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._gateway = gateway
        self._mailer = mailer
        self._sender_address = sender_address
        self._notice_log = notice_log
        self._metrics = metrics
        self._retry = retry or RetryPolicy()
        self.batch_size = batch_size
        self._lease = lease
        self.worker_id = worker_id or f"notices-{secrets.token_hex(6)}"
        self._clock = clock
        self._rng = rng or random.Random()

    async def run_once(self) -> PassSummary:
        """Claim one batch of due notices and settle each of them."""
        summary = PassSummary()
        claims = await self._claim()
        summary.claimed = len(claims)
        if claims:
            await self._process(claims, summary)
        await self._observe_backlog()
        return summary

    async def _claim(self) -> list[_Claim]:
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            rows = await OutboxRepository(session).claim_due(
                NOTICE_KIND,
                worker=self.worker_id,
                now=now,
                lease_until=now + self._lease,
                limit=self.batch_size,
            )
            return [_Claim(row.id, _payment_id(row.payload), row.attempts) for row in rows]

    async def _process(self, claims: list[_Claim], summary: PassSummary) -> None:
        ids = [c.payment_id for c in claims if c.payment_id is not None]
        async with self._sessionmaker() as session:
            payments = await PaymentRepository(session).by_ids(ids)
            numbers = sorted({p.customer_number for p in payments.values()})
            overrides = await EmailOverrideRepository(session).by_customer_numbers(numbers)
            template = await NoticeTemplateRepository(session).default()
        customers: Mapping[str, ErpCustomer] = {}
        erp_problem: str | None = None
        if numbers:
            try:
                customers = await self._gateway.get_customers(numbers)
            except ErpUnavailable as exc:
                erp_problem = f"the ERP is unavailable: {exc.message}"
        for claim in claims:
            payment = payments.get(claim.payment_id) if claim.payment_id else None
            if payment is None:
                outcome = _Outcome(NoticeStatus.FAILED, "the payment no longer exists")
            elif erp_problem is not None:
                outcome = _Outcome(None, erp_problem)
            else:
                outcome = await self._deliver(
                    payment,
                    template,
                    customers.get(payment.customer_number),
                    overrides.get(payment.customer_number),
                )
            await self._settle(claim, outcome, summary)

    async def _deliver(
        self,
        payment: PaymentRow,
        template: NoticeTemplateRow | None,
        customer: ErpCustomer | None,
        override: str | None,
    ) -> _Outcome:
        if template is None:
            return _Outcome(NoticeStatus.FAILED, "there is no default notice template")
        if customer is None:
            return _Outcome(
                NoticeStatus.FAILED, f"customer {payment.customer_number} is not in the ERP"
            )
        recipient, why = recipient_for(payment.customer_number, override, customer)
        if recipient is None:
            return _Outcome(NoticeStatus.SKIPPED, why)
        try:
            notice = render(
                template, payment=payment_context(payment), customer=customer_context(customer)
            )
        except NoticeRenderError as exc:
            return _Outcome(NoticeStatus.FAILED, f"template {template.name!r}: {exc}")
        message = build_message(
            sender=self._sender_address,
            recipient=recipient,
            subject=notice.subject,
            text=notice.text,
            html=notice.html,
        )
        try:
            await self._mailer.send(message)
        except MailTransient as exc:
            return _Outcome(None, str(exc))
        except MailPermanent as exc:
            return _Outcome(NoticeStatus.FAILED, str(exc))
        sent = SentNotice(
            payment_id=payment.id,
            customer_number=payment.customer_number,
            recipient=recipient,
            subject=notice.subject,
            body_text=notice.text,
            body_html=notice.html,
            sent_at=self._clock(),
        )
        return _Outcome(NoticeStatus.SENT, None, sent)

    async def _settle(self, claim: _Claim, outcome: _Outcome, summary: PassSummary) -> None:
        now = self._clock()
        status = outcome.status
        reason = outcome.reason
        if status is None and claim.attempts >= self._retry.max_attempts:
            status = NoticeStatus.FAILED
            reason = f"gave up after {claim.attempts} attempts: {reason}"
        async with self._sessionmaker() as session, session.begin():
            outbox = OutboxRepository(session)
            payments = PaymentRepository(session)
            if status is None:
                at = now + self._retry.delay(claim.attempts, self._rng)
                held = await outbox.retry_later(
                    claim.message_id, worker=self.worker_id, at=at, error=reason or ""
                )
                if held and claim.payment_id is not None:
                    await payments.set_notice_state(
                        claim.payment_id, NoticeStatus.QUEUED, error=reason
                    )
            else:
                failed = status is NoticeStatus.FAILED
                held = await outbox.settle(
                    claim.message_id,
                    worker=self.worker_id,
                    status=OutboxStatus.FAILED if failed else OutboxStatus.DONE,
                    now=now,
                    error=reason,
                )
                if held and claim.payment_id is not None:
                    sent_at = outcome.notice.sent_at if outcome.notice else None
                    await payments.set_notice_state(
                        claim.payment_id, status, error=reason, sent_at=sent_at
                    )
                    if outcome.notice is not None:
                        await self._notice_log.record(session, outcome.notice)
        if not held:
            summary.lost_claims += 1
            log.warning("notice %s: claim lost before settling (lease expired)", claim.message_id)
            return
        self._count(status, reason, summary)

    def _count(self, status: NoticeStatus | None, reason: str | None, summary: PassSummary) -> None:
        if reason:
            summary.errors.append(reason)
        metrics = self._metrics
        if status is None:
            summary.retried += 1
            if metrics:
                metrics.retried.inc()
        elif status is NoticeStatus.SENT:
            summary.sent += 1
            if metrics:
                metrics.sent.inc()
        elif status is NoticeStatus.SKIPPED:
            summary.skipped += 1
            if metrics:
                metrics.skipped.inc()
        else:
            summary.failed += 1
            if metrics:
                metrics.failed.inc()

    async def _observe_backlog(self) -> None:
        if self._metrics is None:
            return
        now = self._clock()
        async with self._sessionmaker() as session:
            backlog = await OutboxRepository(session).backlog(NOTICE_KIND, now=now)
        self._metrics.queued.set(backlog.pending)
        oldest = backlog.oldest_due_created_at
        self._metrics.outbox_age.set(max((now - oldest).total_seconds(), 0) if oldest else 0)


def _payment_id(payload: Mapping[str, object]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(payload["payment_id"]))
    except (KeyError, ValueError):
        return None
