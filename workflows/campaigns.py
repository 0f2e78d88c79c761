"""Campaigns: create and change them, add members, record responses.

- Status DRAFT -> ACTIVE -> CLOSED (any change but back to DRAFT once it has responses).
- Members are customers (by number) and/or leads, at most ``MAX_MEMBERS_PER_CALL`` of each per
  call; adding one twice is not an error (it is counted as already a member). A CLOSED
  campaign takes no new members.
- A response (``responded``, optionally ``converted``) is recorded for a member of a campaign
  that is not a DRAFT (a draft reached nobody).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.sales import (
    CampaignChannel,
    CampaignMemberRow,
    CampaignRow,
    CampaignStatus,
    MemberStatus,
)
from crm_store.repositories.campaigns import CampaignRepository
from crm_store.repositories.leads import LeadRepository
from crm_store.repositories.opportunities import to_units
from workflows.problems import Outcome, ProblemCode, problem
from workflows.sales_rules import MoneyDraft, check_money
from workflows.validation import Checker

if TYPE_CHECKING:
    import datetime as dt

    from crm_store.unit_of_work import UnitOfWork

MAX_MEMBERS_PER_CALL = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignDraft:
    name: str
    channel: CampaignChannel
    status: CampaignStatus = CampaignStatus.DRAFT
    budget: MoneyDraft | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class MembersAdded:
    campaign: CampaignRow
    added: int
    already: int


def _check_dates(checker: Checker, starts: dt.datetime | None, ends: dt.datetime | None) -> None:
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if value is not None and value.tzinfo is None:
            checker.fail(name, f"{name} needs a timezone offset")
            return
    if starts is not None and ends is not None and ends < starts:
        checker.fail("ends_at", "the campaign ends before it starts")


async def create_campaign(
    uow: UnitOfWork, draft: CampaignDraft, *, actor: str | None
) -> Outcome[CampaignRow]:
    checker = Checker()
    name = checker.text("name", draft.name, required=True)
    budget = check_money(checker, "budget", draft.budget)
    _check_dates(checker, draft.starts_at, draft.ends_at)
    if checker.problems or name is None:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        row = await CampaignRepository(session).add(
            CampaignRow(
                name=name,
                channel=draft.channel,
                status=draft.status,
                budget_units=to_units(budget.amount) if budget else None,
                budget_currency=budget.currency if budget else None,
                starts_at=draft.starts_at,
                ends_at=draft.ends_at,
                created_by=actor,
            )
        )
    return Outcome(value=row)


async def update_campaign(
    uow: UnitOfWork,
    campaign_id: int,
    *,
    name: str | None = None,
    status: CampaignStatus | None = None,
    budget: MoneyDraft | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Outcome[CampaignRow]:
    checker = Checker()
    clean_name = checker.text("name", name)
    clean_budget = check_money(checker, "budget", budget)
    if checker.problems:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        campaigns = CampaignRepository(session)
        row = await campaigns.get(campaign_id)
        if row is None:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such campaign", "campaign_id")
            )
        _check_dates(checker, starts_at or row.starts_at, ends_at or row.ends_at)
        if checker.problems:
            return Outcome.refused(*checker.problems)
        if status is CampaignStatus.DRAFT and row.status is not CampaignStatus.DRAFT:
            counts = await campaigns.response_counts([row.id])
            if counts[row.id].responded:
                return Outcome.refused(
                    problem(
                        ProblemCode.INVALID_TRANSITION,
                        "a campaign with responses cannot go back to DRAFT",
                        "status",
                    )
                )
        if clean_name is not None:
            row.name = clean_name
        if status is not None:
            row.status = status
        if clean_budget is not None:
            row.budget_units = to_units(clean_budget.amount)
            row.budget_currency = clean_budget.currency
        if starts_at is not None:
            row.starts_at = starts_at
        if ends_at is not None:
            row.ends_at = ends_at
        row.updated_at = utcnow()
        await session.flush()
    return Outcome(value=row)


async def add_members(
    uow: UnitOfWork, campaign_id: int, *, customer_numbers: list[str], lead_ids: list[int]
) -> Outcome[MembersAdded]:
    checker = Checker()
    numbers: list[str] = []
    for index, number in enumerate(customer_numbers):
        checker.prefix = ("customer_numbers", str(index))
        clean = checker.text("customer_number", number, required=True)
        if clean is not None:
            numbers.append(clean)
    checker.prefix = ()
    for name, values in (("customer_numbers", customer_numbers), ("lead_ids", lead_ids)):
        if len(values) > MAX_MEMBERS_PER_CALL:
            checker.fail(name, f"at most {MAX_MEMBERS_PER_CALL} per call")
    if not customer_numbers and not lead_ids:
        checker.fail("customer_numbers", "give customerNumbers, leadIds or both")
    if checker.problems:
        return Outcome.refused(*checker.problems)
    numbers = list(dict.fromkeys(numbers))
    leads = list(dict.fromkeys(lead_ids))
    async with uow.session() as session:
        campaigns = CampaignRepository(session)
        campaign = await campaigns.get(campaign_id)
        if campaign is None:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such campaign", "campaign_id")
            )
        if campaign.status is CampaignStatus.CLOSED:
            return Outcome.refused(
                problem(ProblemCode.INVALID, "a closed campaign takes no members", "campaign_id")
            )
        found = await LeadRepository(session).by_ids(leads)
        missing = [id for id in leads if id not in found]
        if missing:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, f"no such lead(s): {missing}", "lead_ids")
            )
        had_numbers, had_leads = await campaigns.existing_members(
            campaign_id, numbers=numbers, lead_ids=leads
        )
        now = utcnow()
        rows = [
            CampaignMemberRow(campaign_id=campaign_id, customer_number=n, added_at=now)
            for n in numbers
            if n not in had_numbers
        ] + [
            CampaignMemberRow(campaign_id=campaign_id, lead_id=id, added_at=now)
            for id in leads
            if id not in had_leads
        ]
        session.add_all(rows)
        await session.flush()
    already = len(had_numbers) + len(had_leads)
    return Outcome(value=MembersAdded(campaign=campaign, added=len(rows), already=already))


async def record_response(
    uow: UnitOfWork,
    campaign_id: int,
    *,
    customer_number: str | None,
    lead_id: int | None,
    converted: bool,
) -> Outcome[CampaignMemberRow]:
    if (customer_number is None) == (lead_id is None):
        return Outcome.refused(
            problem(ProblemCode.INVALID, "give a customerNumber or a leadId", "customer_number")
        )
    async with uow.session() as session:
        campaigns = CampaignRepository(session)
        campaign = await campaigns.get(campaign_id)
        if campaign is None:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such campaign", "campaign_id")
            )
        if campaign.status is CampaignStatus.DRAFT:
            return Outcome.refused(
                problem(ProblemCode.INVALID, "a draft campaign has reached nobody", "campaign_id")
            )
        member = await campaigns.member(
            campaign_id, customer_number=customer_number, lead_id=lead_id
        )
        if member is None:
            field = "customer_number" if customer_number is not None else "lead_id"
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "not a member of this campaign", field)
            )
        now = utcnow()
        if member.responded_at is None:
            member.responded_at = now
        if converted:
            member.status = MemberStatus.CONVERTED
            member.converted_at = member.converted_at or now
        elif member.status is MemberStatus.MEMBER:
            member.status = MemberStatus.RESPONDED
        await session.flush()
    return Outcome(value=member)
