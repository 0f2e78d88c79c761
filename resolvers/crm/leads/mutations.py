"""Writing leads: createLead, updateLead, advanceLead (the qualification workflow).

All need write:leads (partners never have it: they see no leads).
"""

from __future__ import annotations

import strawberry

from crm_store.models import LeadRow
from crm_store.models.enums import LeadStatus as StoredStatus
from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.enums import LeadStatus
from resolvers.crm.ids import row_id
from resolvers.crm.leads.types import Lead
from resolvers.crm.problems import not_found, user_errors
from resolvers.errors import UserError
from resolvers.permissions import Capability, requires
from workflows import leads as workflow
from workflows.events import Event, Topic
from workflows.problems import Outcome


@strawberry.input(description="A new lead; it starts NEW.")
class CreateLeadInput:
    name: str
    company: str | None = None
    email: str | None = None
    phone: str | None = strawberry.field(
        default=None, description="Any common format; stored as E.164 (default region applies)."
    )
    source: str | None = None
    owner: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2.")


@strawberry.input(description="Changes to a lead: fields left out stay; null clears.")
class UpdateLeadInput:
    lead_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the lead is at this version."
    )
    name: str | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    source: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    street: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET


@strawberry.input(description="Move a lead one step on, or to DISQUALIFIED.")
class AdvanceLeadInput:
    lead_id: strawberry.ID
    to: LeadStatus
    note: str | None = None
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the lead is at this version."
    )


@strawberry.type
class CreateLeadPayload:
    lead: Lead | None
    user_errors: list[UserError]


@strawberry.type
class UpdateLeadPayload:
    lead: Lead | None
    user_errors: list[UserError]


@strawberry.type
class AdvanceLeadPayload:
    lead: Lead | None
    user_errors: list[UserError]


def _lead(outcome: Outcome[LeadRow], info: Info | None = None) -> Lead | None:
    """The changed lead; with ``info``, ``leadChanged`` fires once the change commits."""
    if outcome.value is None:
        return None
    if info is not None:
        info.context.pending_events.append(Event(Topic.LEAD, str(outcome.value.id)))
    return Lead.from_row(outcome.value)


WRITE_LEADS = [requires(Capability.WRITE_LEADS)]


@strawberry.type
class LeadMutation:
    @strawberry.mutation(
        description="Record a new lead (status NEW).", permission_classes=WRITE_LEADS
    )
    async def create_lead(self, info: Info, input: CreateLeadInput) -> CreateLeadPayload:
        values = {name: getattr(input, name) for name in workflow.LEAD_FIELDS}
        outcome = await workflow.create_lead(
            info.context.uow, values, rules=info.context.contact_rules
        )
        return CreateLeadPayload(lead=_lead(outcome), user_errors=user_errors(outcome.problems))

    @strawberry.mutation(
        description="Change a lead's data; only the fields given change.",
        permission_classes=WRITE_LEADS,
    )
    async def update_lead(self, info: Info, input: UpdateLeadInput) -> UpdateLeadPayload:
        key = row_id(input.lead_id, "Lead")
        if key is None:
            return UpdateLeadPayload(lead=None, user_errors=not_found("lead", "leadId"))
        values = {
            name: getattr(input, name)
            for name in workflow.LEAD_FIELDS
            if getattr(input, name) is not strawberry.UNSET
        }
        outcome = await workflow.update_lead(
            info.context.uow,
            key,
            values,
            rules=info.context.contact_rules,
            expected_version=input.expected_version,
        )
        return UpdateLeadPayload(
            lead=_lead(outcome, info), user_errors=user_errors(outcome.problems)
        )

    @strawberry.mutation(
        description=(
            "Move a lead to `to` when that step's rule holds (INVALID_TRANSITION names the "
            "unmet rule otherwise); the step is recorded in its history with the actor."
        ),
        permission_classes=WRITE_LEADS,
    )
    async def advance_lead(self, info: Info, input: AdvanceLeadInput) -> AdvanceLeadPayload:
        key = row_id(input.lead_id, "Lead")
        if key is None:
            return AdvanceLeadPayload(lead=None, user_errors=not_found("lead", "leadId"))
        outcome = await workflow.advance_lead(
            info.context.uow,
            key,
            StoredStatus(input.to.value),
            note=input.note,
            actor=actor_of(info),
            rules=info.context.contact_rules,
            expected_version=input.expected_version,
        )
        return AdvanceLeadPayload(
            lead=_lead(outcome, info), user_errors=user_errors(outcome.problems)
        )
