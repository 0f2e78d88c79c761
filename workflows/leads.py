"""Writing leads: create, update and advance through the qualification workflow.

Each function validates everything first and writes nothing when it reports a problem. Lead
writes are guarded by the lead's ``version`` (``UPDATE ... WHERE version = :seen``): of two
concurrent changes to one lead exactly one wins, the other gets a ``CONFLICT`` problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.enums import LeadStatus
from crm_store.models.leads import LeadRow, LeadTransitionRow
from crm_store.repositories.interactions import InteractionRepository
from crm_store.repositories.leads import LeadRepository
from workflows.lead_rules import LeadFacts, needs_activity, transition_refusal
from workflows.problems import Outcome, ProblemCode, problem
from workflows.validation import ADDRESS_FIELDS, Checker, ContactRules

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crm_store.unit_of_work import UnitOfWork

LEAD_FIELDS = ("name", "company", "email", "phone", "source", "owner", *ADDRESS_FIELDS)

CONFLICT_MESSAGE = "the lead was changed by someone else meanwhile; read it again and retry"


def clean_lead_fields(
    values: Mapping[str, str | None], checker: Checker, *, existing: LeadRow | None = None
) -> dict[str, str | None]:
    """Validated, normalised values of the lead fields given in ``values``.

    On create (``existing`` is None) ``name`` is required; on update a field that is given
    replaces the stored value (null clears it, except ``name``, which cannot be cleared).
    """
    unknown = set(values) - set(LEAD_FIELDS)
    if unknown:
        raise ValueError(f"not lead fields: {sorted(unknown)}")
    cleaned: dict[str, str | None] = {}
    for name, value in values.items():
        if name == "name":
            cleaned[name] = checker.text(name, value, required=True)
        elif name == "email":
            cleaned[name] = checker.email(name, value)
        elif name == "phone":
            cleaned[name] = checker.phone(name, value)
        elif name == "country":
            cleaned[name] = checker.country(name, value)
        elif name != "postal_code":
            cleaned[name] = checker.text(name, value)
    if existing is None and "name" not in values:
        checker.fail("name", "name is required")
    if "postal_code" in values:
        country = cleaned.get("country") if "country" in values else None
        if "country" not in values and existing is not None:
            country = existing.country
        cleaned["postal_code"] = checker.postal_code("postal_code", values["postal_code"], country)
    elif "country" in values and existing is not None and existing.postal_code:
        checker.postal_code("postal_code", existing.postal_code, cleaned["country"])
    return cleaned


async def create_lead(
    uow: UnitOfWork, values: Mapping[str, str | None], *, rules: ContactRules
) -> Outcome[LeadRow]:
    checker = Checker(rules=rules)
    cleaned = clean_lead_fields(values, checker)
    if checker.problems:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        row = await LeadRepository(session).add(LeadRow(status=LeadStatus.NEW, **cleaned))
    return Outcome(value=row)


async def update_lead(
    uow: UnitOfWork,
    lead_id: int,
    values: Mapping[str, str | None],
    *,
    rules: ContactRules,
    expected_version: int | None = None,
) -> Outcome[LeadRow]:
    async with uow.session() as session:
        leads = LeadRepository(session)
        row = await leads.get(lead_id)
        if row is None:
            return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such lead", "lead_id"))
        if expected_version is not None and expected_version != row.version:
            return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "version"))
        checker = Checker(rules=rules)
        cleaned = clean_lead_fields(values, checker, existing=row)
        if checker.problems:
            return Outcome.refused(*checker.problems)
        if cleaned and not await leads.update_guarded(
            row, expected_version=row.version, values=cleaned
        ):
            return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "lead_id"))
    return Outcome(value=row)


async def advance_lead(
    uow: UnitOfWork,
    lead_id: int,
    target: LeadStatus,
    *,
    note: str | None,
    actor: str | None,
    rules: ContactRules,
    expected_version: int | None = None,
) -> Outcome[LeadRow]:
    """Move a lead one step (or to DISQUALIFIED) when the step's rule holds; record it."""
    checker = Checker(rules=rules)
    note = checker.text("note", note)
    if checker.problems:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        leads = LeadRepository(session)
        row = await leads.get(lead_id)
        if row is None:
            return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such lead", "lead_id"))
        seen_version = row.version
        if expected_version is not None and expected_version != seen_version:
            return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "version"))
        activity = (
            await InteractionRepository(session).activity_of_lead(row.id)
            if needs_activity(target)
            else {}
        )
        facts = LeadFacts(
            name=row.name,
            email=row.email,
            phone=row.phone,
            address={name: getattr(row, name) for name in ADDRESS_FIELDS},
            activity=activity,
        )
        current = row.status
        refusal = transition_refusal(current, target, facts, rules)
        if refusal:
            return Outcome.refused(problem(ProblemCode.INVALID_TRANSITION, refusal, "to"))
        if not await leads.update_guarded(
            row, expected_version=seen_version, values={"status": target}
        ):
            return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "lead_id"))
        await leads.record_transition(
            LeadTransitionRow(
                lead_id=row.id,
                from_status=current,
                to_status=target,
                at=utcnow(),
                by=actor,
                note=note,
            )
        )
    return Outcome(value=row)
