"""Logging an interaction on a customer and/or a lead, optionally with one of the contacts.

At least one of the customer number and the lead is required. A contact must belong to the
customer given; when only a lead is given, the interaction takes the contact's customer.
A COMPLAINT starts as an OPEN case. ``owner`` defaults to whoever logs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.enums import ComplaintStatus, Direction, InteractionKind
from crm_store.models.interactions import InteractionRow
from crm_store.repositories.contacts import ContactRepository
from crm_store.repositories.interactions import InteractionRepository
from crm_store.repositories.leads import LeadRepository
from workflows.problems import Outcome, ProblemCode, problem
from workflows.validation import Checker

if TYPE_CHECKING:
    from crm_store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionDraft:
    kind: InteractionKind
    direction: Direction
    subject: str
    body: str | None = None
    occurred_at: dt.datetime | None = None
    owner: str | None = None
    customer_number: str | None = None
    lead_id: int | None = None
    contact_id: int | None = None


async def log_interaction(
    uow: UnitOfWork, draft: InteractionDraft, *, actor: str | None
) -> Outcome[InteractionRow]:
    checker = Checker()
    subject = checker.text("subject", draft.subject, required=True)
    body = checker.text("body", draft.body)
    owner = checker.text("owner", draft.owner) or actor
    number = checker.text("customer_number", draft.customer_number)
    if number is None and draft.lead_id is None:
        checker.fail("customer_number", "give a customerNumber, a leadId or both")
    occurred_at = draft.occurred_at or utcnow()
    if occurred_at.tzinfo is None:
        checker.fail("occurred_at", "occurredAt needs a timezone offset")
    if checker.problems or subject is None:
        return Outcome.refused(*checker.problems)
    occurred_at = occurred_at.astimezone(dt.UTC)
    async with uow.session() as session:
        if draft.lead_id is not None and await LeadRepository(session).get(draft.lead_id) is None:
            return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such lead", "lead_id"))
        if draft.contact_id is not None:
            contact = await ContactRepository(session).get(draft.contact_id)
            if contact is None:
                return Outcome.refused(
                    problem(ProblemCode.NOT_FOUND, "no such contact", "contact_id")
                )
            if number is not None and contact.customer_number != number:
                return Outcome.refused(
                    problem(
                        ProblemCode.INVALID,
                        f"the contact works for customer {contact.customer_number}, not {number}",
                        "contact_id",
                    )
                )
            number = contact.customer_number
        row = await InteractionRepository(session).add(
            InteractionRow(
                kind=draft.kind,
                direction=draft.direction,
                subject=subject,
                body=body,
                occurred_at=occurred_at,
                owner=owner,
                customer_number=number,
                lead_id=draft.lead_id,
                contact_id=draft.contact_id,
                complaint_status=(
                    ComplaintStatus.OPEN if draft.kind is InteractionKind.COMPLAINT else None
                ),
            )
        )
    return Outcome(value=row)
