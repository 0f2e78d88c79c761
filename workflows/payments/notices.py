"""What a payment notice is: its outbox kind, its recipient, the history hook, and a preview.

``NoticeLog`` is the seam to the customer's history: the sender calls it inside the very
transaction that marks the payment's notice SENT, so a notice is recorded exactly when (and
only once) it is marked sent. The application wires it to the interactions repository (an
Interaction of kind PAYMENT_NOTICE, direction OUTBOUND, with the subject and body as sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from email_validator import EmailNotValidError, validate_email

from crm_store.repositories.payments import EmailOverrideRepository, PaymentRepository
from crm_store.repositories.templates import NoticeTemplateRepository
from workflows.payments.templates import (
    RenderedNotice,
    customer_context,
    payment_context,
    render,
)

if TYPE_CHECKING:
    import datetime as dt
    import uuid

    from sqlalchemy.ext.asyncio import AsyncSession

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer

NOTICE_KIND = "payment_notice"
"""The outbox ``kind`` of a payment notice; its payload is ``{"payment_id": "<uuid>"}``."""


@dataclass(frozen=True, slots=True)
class SentNotice:
    """A notice as it left: who it went to and exactly what it said."""

    payment_id: uuid.UUID
    customer_number: str
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    sent_at: dt.datetime


class NoticeLog(Protocol):
    """Records a sent notice on the customer's history, in the caller's transaction.

    ``record`` runs inside the transaction that marks the notice SENT and must only add rows
    through ``session`` (no commit): if that transaction fails, neither the SENT mark nor the
    history entry survives, and the notice is retried. The application's implementation writes
    an Interaction (PAYMENT_NOTICE, OUTBOUND, subject and body as sent) for the customer.
    """

    async def record(self, session: AsyncSession, notice: SentNotice) -> None: ...


class NoHistory:
    """A ``NoticeLog`` that records nothing: for processes with no customer history to write."""

    async def record(self, session: AsyncSession, notice: SentNotice) -> None:
        return None


def recipient_for(
    customer_number: str, override: str | None, customer: ErpCustomer | None
) -> tuple[str | None, str]:
    """The address a notice goes to (override first, then the ERP), or None and the reason."""
    if override:
        address, source = override, "the e-mail override"
    elif customer is not None and customer.email:
        address, source = customer.email, "the ERP"
    else:
        return None, f"customer {customer_number} has no e-mail address"
    try:
        return validate_email(address, check_deliverability=False).normalized, source
    except EmailNotValidError as exc:
        return None, f"customer {customer_number}: {address!r} from {source} is not valid ({exc})"


class NoticeNotPreviewable(LookupError):
    """The payment, the template or the customer to render a notice for is missing."""


@dataclass(frozen=True, slots=True)
class NoticePreview:
    """A rendered notice and where it would go (or why it would be SKIPPED)."""

    notice: RenderedNotice
    recipient: str | None
    recipient_problem: str | None


async def preview_notice(
    session: AsyncSession,
    gateway: ErpGateway,
    payment_id: uuid.UUID,
    template_id: uuid.UUID | None = None,
) -> RenderedNotice:
    """Render a payment's notice without sending it (the default template unless one is named).

    Raises ``NoticeNotPreviewable``, ``NoticeRenderError`` (the template fails) or the gateway's
    ``ErpUnavailable``.
    """
    return (await preview_with_recipient(session, gateway, payment_id, template_id)).notice


async def preview_with_recipient(
    session: AsyncSession,
    gateway: ErpGateway,
    payment_id: uuid.UUID,
    template_id: uuid.UUID | None = None,
) -> NoticePreview:
    """``preview_notice`` plus the recipient the sender would choose now."""
    payment = await PaymentRepository(session).get(payment_id)
    if payment is None:
        raise NoticeNotPreviewable(f"no payment {payment_id}")
    templates = NoticeTemplateRepository(session)
    template = await (templates.default() if template_id is None else templates.get(template_id))
    if template is None:
        raise NoticeNotPreviewable("no such notice template")
    overrides = await EmailOverrideRepository(session).by_customer_numbers(
        [payment.customer_number]
    )
    customers = await gateway.get_customers([payment.customer_number])
    customer = customers.get(payment.customer_number)
    if customer is None:
        raise NoticeNotPreviewable(f"customer {payment.customer_number} is not in the ERP")
    notice = render(template, payment=payment_context(payment), customer=customer_context(customer))
    recipient, why = recipient_for(
        payment.customer_number, overrides.get(payment.customer_number), customer
    )
    return NoticePreview(
        notice=notice, recipient=recipient, recipient_problem=None if recipient else why
    )


async def set_email_override(session: AsyncSession, customer_number: str, email: str) -> str:
    """Send this customer's notices to ``email``; returns the normalised address.

    Raises ``email_validator.EmailNotValidError`` for an address that is not one.
    """
    normalized = validate_email(email, check_deliverability=False).normalized
    await EmailOverrideRepository(session).put(customer_number, normalized)
    return normalized


async def clear_email_override(session: AsyncSession, customer_number: str) -> bool:
    """Send this customer's notices to the ERP's address again; False when none was set."""
    return await EmailOverrideRepository(session).remove(customer_number)


async def email_override(session: AsyncSession, customer_number: str) -> str | None:
    """The address this customer's notices go to instead of the ERP's, if one is set."""
    found = await EmailOverrideRepository(session).by_customer_numbers([customer_number])
    return found.get(customer_number)
