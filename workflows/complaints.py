"""Complaints to resolution: OPEN -> IN_PROGRESS -> RESOLVED, re-opening allowed.

- Any status may follow any other (OPEN -> RESOLVED directly too); RESOLVED needs a
  resolution text in the same update and records resolved-at and resolved-by.
- Re-opening (RESOLVED -> OPEN or IN_PROGRESS) clears the case's current resolution and score;
  the earlier resolution stays in the complaint's history (``complaint_transitions``), which
  records every status change with who, when and the resolution as its note.
- A satisfaction score (1-5) is recorded only on a resolved complaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.enums import ComplaintStatus, InteractionKind
from crm_store.models.sales import ComplaintTransitionRow
from crm_store.repositories.complaints import ComplaintRepository
from workflows.problems import Outcome, ProblemCode, problem
from workflows.validation import Checker

if TYPE_CHECKING:
    from crm_store.models.interactions import InteractionRow
    from crm_store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintUpdate:
    interaction_id: int
    status: ComplaintStatus | None = None
    assignee: str | None = None
    resolution: str | None = None
    satisfaction: int | None = None


async def update_complaint(
    uow: UnitOfWork, update: ComplaintUpdate, *, actor: str | None
) -> Outcome[InteractionRow]:
    checker = Checker()
    assignee = checker.text("assignee", update.assignee)
    resolution = checker.text("resolution", update.resolution)
    if update.satisfaction is not None and not 1 <= update.satisfaction <= 5:
        checker.fail("satisfaction", "a score from 1 to 5")
    if update.status is ComplaintStatus.RESOLVED and resolution is None:
        checker.fail("resolution", "say how the complaint was resolved")
    if resolution is not None and update.status is not ComplaintStatus.RESOLVED:
        checker.fail("resolution", "a resolution is given when the status becomes RESOLVED")
    if checker.problems:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        complaints = ComplaintRepository(session)
        row = await complaints.get(update.interaction_id)
        if row is None:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such interaction", "interaction_id")
            )
        if row.kind is not InteractionKind.COMPLAINT or row.complaint_status is None:
            return Outcome.refused(
                problem(ProblemCode.INVALID, "the interaction is not a complaint", "interaction_id")
            )
        current = row.complaint_status
        target = update.status or current
        if update.status is not None and update.status == current:
            return Outcome.refused(
                problem(
                    ProblemCode.INVALID_TRANSITION,
                    f"the complaint is already {current.value}",
                    "status",
                )
            )
        if update.satisfaction is not None and target is not ComplaintStatus.RESOLVED:
            return Outcome.refused(
                problem(
                    ProblemCode.INVALID,
                    "a satisfaction score is recorded once the complaint is resolved",
                    "satisfaction",
                )
            )
        now = utcnow()
        if assignee is not None:
            row.assignee = assignee
        if target is not current:
            if target is ComplaintStatus.RESOLVED:
                row.resolution, row.resolved_at, row.resolved_by = resolution, now, actor
            else:
                row.resolution = row.resolved_at = row.resolved_by = row.satisfaction = None
            row.complaint_status = target
            await complaints.record_transition(
                ComplaintTransitionRow(
                    interaction_id=row.id,
                    from_status=current,
                    to_status=target,
                    at=now,
                    by=actor,
                    note=resolution,
                )
            )
        if update.satisfaction is not None:
            row.satisfaction = update.satisfaction
        row.updated_at = now
        await session.flush()
    return Outcome(value=row)
