"""logInteraction: add an entry to a customer's and/or a lead's activity history.

Needs write:interactions. A partner logs only on its own customers (with their contacts),
never on a lead; anything else is a ``FORBIDDEN`` user error at the input field.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from crm_store.models.enums import Direction as StoredDirection
from crm_store.models.enums import InteractionKind as StoredKind
from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.contacts.types import Contact
from resolvers.crm.enums import Direction, InteractionKind
from resolvers.crm.ids import row_id
from resolvers.crm.interactions.types import Interaction
from resolvers.crm.problems import not_found, user_errors
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.permissions import Capability, partner_scope, requires
from resolvers.scoping import OUT_OF_SCOPE, object_scope_errors, scope_errors
from workflows.events import Event, Topic
from workflows.interactions import InteractionDraft, log_interaction


@strawberry.input(
    description=(
        "An interaction: at least one of customerNumber and leadId; contactId must be a "
        "contact of that customer."
    )
)
class LogInteractionInput:
    kind: InteractionKind
    direction: Direction
    subject: str
    customer_number: str | None = None
    lead_id: strawberry.ID | None = None
    contact_id: strawberry.ID | None = None
    body: str | None = None
    occurred_at: dt.datetime | None = strawberry.field(
        default=None, description="When it happened (with an offset); now when left out."
    )
    owner: str | None = strawberry.field(
        default=None, description="Who owns it; the acting user when left out."
    )


@strawberry.type
class LogInteractionPayload:
    interaction: Interaction | None
    user_errors: list[UserError]


async def _scope_errors(
    info: Info, input: LogInteractionInput, contact_id: int | None
) -> list[UserError]:
    if partner_scope(info) is None:
        return []
    if input.lead_id is not None:  # partners see no leads
        return [user_error(ErrorCode.FORBIDDEN, OUT_OF_SCOPE, "input", "leadId")]
    errors: list[UserError] = []
    if input.customer_number is not None:
        errors += await scope_errors(info, input.customer_number, "customerNumber")
    if contact_id is not None:

        async def load() -> Contact | None:
            row = await info.context.loaders.contact_by_id.load(contact_id)
            return Contact.from_row(row) if row is not None else None

        errors += await object_scope_errors(info, load, "contactId")
    return errors


@strawberry.type
class InteractionMutation:
    @strawberry.mutation(
        description="Log a call, e-mail, meeting, note, complaint, ...",
        permission_classes=[requires(Capability.WRITE_INTERACTIONS)],
    )
    async def log_interaction(
        self, info: Info, input: LogInteractionInput
    ) -> LogInteractionPayload:
        lead_id = row_id(input.lead_id, "Lead")
        if input.lead_id is not None and lead_id is None:
            return LogInteractionPayload(interaction=None, user_errors=not_found("lead", "leadId"))
        contact_id = row_id(input.contact_id, "Contact")
        if input.contact_id is not None and contact_id is None:
            return LogInteractionPayload(
                interaction=None, user_errors=not_found("contact", "contactId")
            )
        refused = await _scope_errors(info, input, contact_id)
        if refused:
            return LogInteractionPayload(interaction=None, user_errors=refused)
        draft = InteractionDraft(
            kind=StoredKind(input.kind.value),
            direction=StoredDirection(input.direction.value),
            subject=input.subject,
            body=input.body,
            occurred_at=input.occurred_at,
            owner=input.owner,
            customer_number=input.customer_number,
            lead_id=lead_id,
            contact_id=contact_id,
        )
        outcome = await log_interaction(info.context.uow, draft, actor=actor_of(info))
        if outcome.value is not None and outcome.value.customer_number:
            number, ref = outcome.value.customer_number, str(outcome.value.id)
            info.context.pending_events.append(Event(Topic.INTERACTION, number, ref))
        return LogInteractionPayload(
            interaction=Interaction.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )
