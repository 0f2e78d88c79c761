"""Opportunities: creating them and moving them through the stages, with the ERP's rules.

Rules that use the ERP read it live (``workflows.erp_facts``):

- PROPOSAL and later need an A/R customer: an opportunity on a lead that is not converted
  yet is refused with CUSTOMER_REQUIRED; once the lead has its customer number the
  opportunity takes it over.
- WON is refused with CREDIT_HOLD (and the ERP's reason) while the customer is on credit
  hold, and with ERP_UNAVAILABLE when the ERP cannot say.
- An amount above the customer's remaining credit (limit minus balance, same currency) is a
  warning on PROPOSAL, NEGOTIATION and WON, never a refusal; so is a hold before WON, and
  an ERP that could not be asked before WON.

Every change (creation too, from nothing) is recorded with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.sales import OpportunityRow, OpportunityStage, OpportunityStageChangeRow
from crm_store.repositories.campaigns import CampaignRepository
from crm_store.repositories.leads import LeadRepository
from crm_store.repositories.opportunities import OpportunityRepository, from_units, to_units
from workflows.erp_facts import LiveCustomer, read_live_customer
from workflows.problems import Outcome, Problem, ProblemCode, problem
from workflows.sales_rules import MoneyDraft, allowed_move, check_money
from workflows.validation import Checker

if TYPE_CHECKING:
    import datetime as dt

    from crm_store.unit_of_work import UnitOfWork
    from erp_gateway.port import ErpGateway

NEEDS_CUSTOMER = frozenset(
    {OpportunityStage.PROPOSAL, OpportunityStage.NEGOTIATION, OpportunityStage.WON}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OpportunityDraft:
    name: str
    customer_number: str | None = None
    lead_id: int | None = None
    amount: MoneyDraft | None = None
    probability: int | None = None
    expected_close_date: dt.date | None = None
    campaign_id: int | None = None
    owner: str | None = None


@dataclass(slots=True)
class Moved:
    """A move's outcome plus the warnings it carries (warnings never stop a move)."""

    outcome: Outcome[OpportunityRow]
    warnings: list[Problem] = field(default_factory=list)


async def create_opportunity(
    uow: UnitOfWork, draft: OpportunityDraft, *, actor: str | None
) -> Outcome[OpportunityRow]:
    checker = Checker()
    name = checker.text("name", draft.name, required=True)
    number = checker.text("customer_number", draft.customer_number)
    owner = checker.text("owner", draft.owner) or actor
    money = check_money(checker, "amount", draft.amount)
    if number is None and draft.lead_id is None:
        checker.fail("customer_number", "give a customerNumber or a leadId")
    if draft.probability is not None and not 0 <= draft.probability <= 100:
        checker.fail("probability", "a percentage from 0 to 100")
    if checker.problems or name is None:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        if draft.lead_id is not None:
            lead = await LeadRepository(session).get(draft.lead_id)
            if lead is None:
                return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such lead", "lead_id"))
            number = number or lead.converted_customer_number
        if (
            draft.campaign_id is not None
            and await CampaignRepository(session).get(draft.campaign_id) is None
        ):
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such campaign", "campaign_id")
            )
        repository = OpportunityRepository(session)
        row = await repository.add(
            OpportunityRow(
                name=name,
                customer_number=number,
                lead_id=draft.lead_id,
                owner=owner,
                stage=OpportunityStage.PROSPECTING,
                amount_units=to_units(money.amount) if money else None,
                currency=money.currency if money else None,
                probability=draft.probability,
                expected_close_date=draft.expected_close_date,
                campaign_id=draft.campaign_id,
                created_at=utcnow(),
            )
        )
        await repository.record_change(
            OpportunityStageChangeRow(
                opportunity_id=row.id,
                from_stage=None,
                to_stage=row.stage,
                at=row.created_at,
                by=actor,
            )
        )
    return Outcome(value=row)


def _credit_warnings(row: OpportunityRow, live: LiveCustomer) -> list[Problem]:
    record = live.record
    if record is None or row.amount_units is None:
        return []
    limit, balance = record.credit_limit, record.balance
    if limit is None or limit.currency != row.currency:
        return []
    owed = balance.amount if balance is not None and balance.currency == limit.currency else 0
    remaining = limit.amount - owed
    amount = from_units(row.amount_units)
    if amount <= remaining:
        return []
    return [
        problem(
            ProblemCode.CREDIT_LIMIT,
            f"the amount {amount} {row.currency} is above the customer's remaining credit "
            f"of {remaining} {limit.currency}",
            "opportunity_id",
        )
    ]


async def move_opportunity(
    uow: UnitOfWork,
    opportunity_id: int,
    to: OpportunityStage,
    *,
    lost_reason: str | None,
    actor: str | None,
    erp: ErpGateway | None,
) -> Moved:
    checker = Checker()
    reason = checker.text("lost_reason", lost_reason)
    if to is OpportunityStage.LOST and reason is None:
        checker.fail("lost_reason", "say why the opportunity was lost")
    if to is not OpportunityStage.LOST and reason is not None:
        checker.fail("lost_reason", "a reason is given only when the opportunity is LOST")
    if checker.problems:
        return Moved(Outcome.refused(*checker.problems))
    async with uow.session() as session:
        row = await OpportunityRepository(session).get(opportunity_id)
        if row is None:
            return Moved(
                Outcome.refused(
                    problem(ProblemCode.NOT_FOUND, "no such opportunity", "opportunity_id")
                )
            )
        why = allowed_move(row.stage, to)
        if why is not None:
            return Moved(Outcome.refused(problem(ProblemCode.INVALID_TRANSITION, why, "to")))
        number = row.customer_number
        if number is None and to in NEEDS_CUSTOMER:
            lead = await LeadRepository(session).get(row.lead_id) if row.lead_id else None
            number = lead.converted_customer_number if lead is not None else None
            if number is None:
                return Moved(
                    Outcome.refused(
                        problem(
                            ProblemCode.CUSTOMER_REQUIRED,
                            f"{to.value} needs an ERP customer: convert the lead first",
                            "to",
                        )
                    )
                )
    warnings: list[Problem] = []
    if number is not None and to in NEEDS_CUSTOMER:
        live = await read_live_customer(erp, number)
        refusal = _won_refusal(live, number) if to is OpportunityStage.WON else None
        if refusal is not None:
            return Moved(Outcome.refused(refusal))
        warnings = _credit_warnings(row, live) + _notes(live, number)
    now = utcnow()
    values: dict[str, object] = {"customer_number": number, "stage": to}
    if to is OpportunityStage.WON:
        values |= {"closed_at": now, "probability": 100}
    elif to is OpportunityStage.LOST:
        values |= {"closed_at": now, "probability": 0, "lost_reason": reason}
    async with uow.session() as session:
        repository = OpportunityRepository(session)
        before = row.stage
        if not await repository.move_guarded(row, seen=before, values=values):
            return Moved(
                Outcome.refused(
                    problem(
                        ProblemCode.CONFLICT,
                        "the opportunity was moved by someone else meanwhile: read it again",
                        "opportunity_id",
                    )
                )
            )
        await repository.record_change(
            OpportunityStageChangeRow(
                opportunity_id=row.id, from_stage=before, to_stage=to, at=now, by=actor
            )
        )
    return Moved(Outcome(value=row), warnings)


def _won_refusal(live: LiveCustomer, number: str) -> Problem | None:
    if live.unavailable:
        return problem(
            ProblemCode.ERP_UNAVAILABLE,
            "the ERP cannot be reached to check the customer's credit: try again later",
            "to",
        )
    if live.record is None:
        return problem(ProblemCode.NOT_FOUND, f"customer {number} is not in the ERP", "to")
    if live.record.credit_hold:
        reason = live.record.credit_hold_reason or "no reason given"
        return problem(
            ProblemCode.CREDIT_HOLD, f"customer {number} is on credit hold: {reason}", "to"
        )
    return None


def _notes(live: LiveCustomer, number: str) -> list[Problem]:
    """Warnings before WON: the ERP could not be asked, or the customer is on hold."""
    if live.unavailable:
        return [
            problem(ProblemCode.ERP_UNAVAILABLE, "the customer's credit could not be checked", "to")
        ]
    if live.record is not None and live.record.credit_hold:
        reason = live.record.credit_hold_reason or "no reason given"
        return [problem(ProblemCode.CREDIT_HOLD, f"customer {number} is on credit hold: {reason}")]
    return []
