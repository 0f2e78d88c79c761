"""Converting a QUALIFIED lead into an ERP customer, exactly once per idempotency key.

    convert_lead(lead, key)
      1. the key is known (``idempotency_keys``)?  done -> the stored customer, nothing runs;
         asked for another lead -> refused.
      2. the lead must be QUALIFIED (else INVALID_TRANSITION).
      3. claim the key (``pending``), in the operation's CRM transaction.
      4. ``ErpGateway.create_customer(draft, idempotency_key=key)``.
      5. lead -> CONVERTED with the customer number (a transition by the actor), the lead's CRM
         rows re-pointed to the customer (``repoint_lead_rows``), the key ``done``.
      The edge commits 3-5 together.

Why a retry never creates a second customer, whatever failed:

* ERP refused or unreachable at 4: the claim is removed again and nothing else was written;
  a retry starts afresh (``ERP_REJECTED`` / ``ERP_UNAVAILABLE`` to the client).
* A crash, a timeout or a failed commit after 4: the CRM transaction rolls back as a whole
  (no claim, the lead still QUALIFIED), but the customer exists in the ERP. The retry runs
  4 again with the same key, and every adapter's ``create_customer`` is idempotent by key
  (Tryton, Odoo and the sql adapter derive the customer's code from the key; ERPNext stores a
  marker), so the ERP answers with the customer it created the first time.
* After a commit: step 1 answers from the stored outcome without calling the ERP.
* Two concurrent requests with one key: the second claim waits on the first's row (PostgreSQL)
  and then finds it taken: ``CONFLICT``, retry.
* A ``pending`` key that was committed (the lead changed concurrently, step 5 refused) is
  resumed by the retry: 4 again returns the same customer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.enums import LeadStatus
from crm_store.models.leads import LeadRow, LeadTransitionRow
from crm_store.repositories.campaigns import CampaignRepository
from crm_store.repositories.idempotency import DONE, IdempotencyKeyRepository
from crm_store.repositories.interactions import InteractionRepository
from crm_store.repositories.leads import LeadRepository
from crm_store.repositories.opportunities import OpportunityRepository
from erp_gateway.errors import ErpError
from erp_gateway.freshness import read_customers
from erp_gateway.records import Address, NewCustomer
from workflows.erp_problems import erp_problem
from workflows.leads import CONFLICT_MESSAGE
from workflows.problems import Outcome, ProblemCode, problem

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from crm_store.unit_of_work import UnitOfWork
    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer

OPERATION = "convert_lead"
MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Conversion:
    lead: LeadRow
    customer_number: str
    customer: ErpCustomer | None
    """The ERP's record, when it could be read (a replay reads it through the cache)."""


def fingerprint(lead_id: int) -> str:
    """What a convertLead request asks for; one key may only ever ask for the same."""
    return hashlib.sha256(f"{OPERATION}:{lead_id}".encode()).hexdigest()


def customer_draft(lead: LeadRow) -> NewCustomer:
    """The ERP customer a lead becomes: the company's name when given, else the person's."""
    fields = (lead.street, lead.city, lead.postal_code, lead.region, lead.country)
    address = (
        Address(
            street=lead.street,
            city=lead.city,
            postal_code=lead.postal_code,
            region=lead.region,
            country=lead.country,
        )
        if any(fields)
        else None
    )
    return NewCustomer(
        name=lead.company or lead.name, email=lead.email, phone=lead.phone, billing_address=address
    )


async def repoint_lead_rows(session: AsyncSession, lead_id: int, customer_number: str) -> None:
    """Put every CRM row that belongs to the lead on the new customer as well.

    Interactions and opportunities keep their lead and gain the customer number (they show
    on both). Campaign memberships become the customer's (a membership is a customer's or a
    lead's), except in campaigns the customer already is a member of.
    """
    await InteractionRepository(session).repoint_lead(lead_id, customer_number)
    await OpportunityRepository(session).repoint_lead(lead_id, customer_number)
    await CampaignRepository(session).repoint_lead(lead_id, customer_number)


async def convert_lead(
    uow: UnitOfWork,
    gateway: ErpGateway,
    lead_id: int,
    idempotency_key: str,
    *,
    actor: str | None,
) -> Outcome[Conversion]:
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return Outcome.refused(
            problem(
                ProblemCode.INVALID,
                f"give an idempotency key of 1 to {MAX_KEY_LENGTH} characters",
                "idempotency_key",
            )
        )
    asked = fingerprint(lead_id)
    async with uow.session() as session:
        keys = IdempotencyKeyRepository(session)
        known = await keys.find(key, OPERATION)
        if known is not None and known.fingerprint != asked:
            return Outcome.refused(
                problem(
                    ProblemCode.INVALID,
                    "this idempotency key was used for another lead; use a new key",
                    "idempotency_key",
                )
            )
        lead = await LeadRepository(session).get(lead_id)
        if lead is None:
            return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such lead", "lead_id"))
        if known is not None and known.status == DONE and known.customer_number:
            number = known.customer_number
            replay = True
        else:
            replay = False
            if lead.status is not LeadStatus.QUALIFIED:
                return Outcome.refused(
                    problem(
                        ProblemCode.INVALID_TRANSITION,
                        f"only a QUALIFIED lead is converted; this one is {lead.status.value}",
                        "lead_id",
                    )
                )
            claimed = known or await keys.claim(key, OPERATION, asked)
            if claimed is None:
                return Outcome.refused(
                    problem(
                        ProblemCode.CONFLICT,
                        "a conversion with this key is running; retry shortly",
                        "idempotency_key",
                    )
                )
            claim = claimed
            seen_version = lead.version
            draft = customer_draft(lead)
    if replay:
        reads = await read_customers(gateway, [number], live=False)
        found = reads.found.get(number)
        return Outcome(value=Conversion(lead, number, found.record if found else None))
    try:
        customer = await gateway.create_customer(draft, idempotency_key=key)
    except ErpError as exc:
        async with uow.session() as session:
            if known is None:
                await session.delete(claim)
                await session.flush()
        return Outcome.refused(erp_problem(exc, "lead_id"))
    async with uow.session() as session:
        leads = LeadRepository(session)
        moved = await leads.update_guarded(
            lead,
            expected_version=seen_version,
            values={
                "status": LeadStatus.CONVERTED,
                "converted_customer_number": customer.number,
                "converted_at": utcnow(),
            },
        )
        if not moved:
            return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "lead_id"))
        await leads.record_transition(
            LeadTransitionRow(
                lead_id=lead.id,
                from_status=LeadStatus.QUALIFIED,
                to_status=LeadStatus.CONVERTED,
                at=utcnow(),
                by=actor,
                note=f"converted to customer {customer.number}",
            )
        )
        await repoint_lead_rows(session, lead.id, customer.number)
        await IdempotencyKeyRepository(session).finish(claim, customer.number)
    return Outcome(value=Conversion(lead, customer.number, customer))
