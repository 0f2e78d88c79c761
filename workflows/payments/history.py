"""The customer's history side of payment notices: each sent notice becomes an Interaction.

``InteractionNoticeLog`` is the ``NoticeLog`` the API process and ``frontdesk worker`` use. The
sender calls it inside the transaction that marks the notice SENT, so the Interaction exists
exactly when the notice is marked sent, and only once (a claim that was lost is never settled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_store.models.enums import Direction, InteractionKind
from crm_store.models.interactions import InteractionRow
from crm_store.repositories.interactions import InteractionRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from workflows.payments.notices import SentNotice

NOTICE_OWNER = "payment notices"
"""The ``owner`` recorded on the interactions the notice sender writes."""
SUBJECT_LIMIT = 300
"""The interactions table's subject length."""


def notice_interaction(notice: SentNotice) -> InteractionRow:
    """The history entry for a sent notice: subject and text body exactly as they went out."""
    subject = notice.subject
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 1] + "…"
    return InteractionRow(
        kind=InteractionKind.PAYMENT_NOTICE,
        direction=Direction.OUTBOUND,
        subject=subject,
        body=notice.body_text,
        occurred_at=notice.sent_at,
        owner=NOTICE_OWNER,
        customer_number=notice.customer_number,
    )


class InteractionNoticeLog:
    """Writes a PAYMENT_NOTICE / OUTBOUND Interaction on the customer, in the caller's session."""

    async def record(self, session: AsyncSession, notice: SentNotice) -> None:
        await InteractionRepository(session).add(notice_interaction(notice))
