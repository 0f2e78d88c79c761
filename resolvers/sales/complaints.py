"""Complaints to resolution: the ``complaints`` list and ``updateComplaint``."""

from __future__ import annotations

import datetime as dt

import strawberry

from crm_store.models.enums import ComplaintStatus as StoredStatus
from crm_store.models.sales import ComplaintTransitionRow
from crm_store.repositories.complaints import ComplaintFilter, ComplaintRepository
from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.enums import ComplaintStatus
from resolvers.crm.ids import row_id
from resolvers.crm.interactions.types import Interaction
from resolvers.crm.problems import not_found, user_errors
from resolvers.errors import BadUserInput, UserError
from resolvers.pagination import Connection, connection, decode_cursor, page_size
from resolvers.permissions import Capability, requires, visible_customers
from resolvers.scoping import object_scope_errors
from workflows import complaints as workflow


@strawberry.type(description="One change of a complaint's status, with the resolution if any.")
class ComplaintTransition:
    from_: ComplaintStatus = strawberry.field(name="from")
    to: ComplaintStatus
    at: dt.datetime
    by: str | None
    note: str | None = strawberry.field(description="The resolution, on a move to RESOLVED.")

    @classmethod
    def from_row(cls, row: ComplaintTransitionRow) -> ComplaintTransition:
        return cls(
            from_=ComplaintStatus(row.from_status.value),
            to=ComplaintStatus(row.to_status.value),
            at=row.at,
            by=row.by,
            note=row.note,
        )


@strawberry.input(
    description=(
        "Change a complaint: status (RESOLVED needs a resolution; re-opening keeps the "
        "history), assignee, and the satisfaction score (1-5, once resolved)."
    )
)
class UpdateComplaintInput:
    interaction_id: strawberry.ID
    status: ComplaintStatus | None = None
    assignee: str | None = None
    resolution: str | None = None
    satisfaction: int | None = None


@strawberry.type
class UpdateComplaintPayload:
    interaction: Interaction | None
    user_errors: list[UserError]


def _keyset(after: str | None) -> tuple[dt.datetime, int] | None:
    values = decode_cursor(after, arity=2)
    if values is None:
        return None
    occurred_at, id = values
    if not isinstance(occurred_at, str) or not isinstance(id, int):
        raise BadUserInput("`after` is not a cursor this list gave out")
    try:
        return dt.datetime.fromisoformat(occurred_at), id
    except ValueError as exc:
        raise BadUserInput("`after` is not a cursor this list gave out") from exc


@strawberry.type
class ComplaintQuery:
    @strawberry.field(
        description="Complaints, newest first, by status, assignee or customer (a partner: "
        "on its customers).",
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def complaints(
        self,
        info: Info,
        status: ComplaintStatus | None = None,
        assignee: str | None = None,
        customer_number: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Interaction]:
        size = page_size(first)
        keyset = _keyset(after)
        numbers = await visible_customers(info)
        scope = tuple(sorted(numbers)) if numbers is not None else None
        filter = ComplaintFilter(
            status=StoredStatus(status.value) if status is not None else None,
            assignee=assignee,
            customer_number=customer_number,
            customer_numbers=scope,
        )
        async with info.context.uow.session() as session:
            repository = ComplaintRepository(session)
            rows = await repository.page(filter, first=size, after=keyset)
            total = await repository.count(filter)
        return connection(
            rows,
            first=size,
            after=after,
            total_count=total,
            cursor_of=lambda row: [row.occurred_at.isoformat(), row.id],
            node_of=Interaction.from_row,
        )


@strawberry.type
class ComplaintMutation:
    @strawberry.mutation(
        description="Work a complaint towards resolution; every status change is recorded.",
        permission_classes=[requires(Capability.WRITE_CASES)],
    )
    async def update_complaint(
        self, info: Info, input: UpdateComplaintInput
    ) -> UpdateComplaintPayload:
        key = row_id(input.interaction_id, "Interaction")
        row = await info.context.loaders.interaction_by_id.load(key) if key else None

        async def load() -> Interaction | None:
            return Interaction.from_row(row) if row is not None else None

        refused = await object_scope_errors(info, load, "interactionId")
        if refused or row is None:
            return UpdateComplaintPayload(
                interaction=None,
                user_errors=refused or not_found("interaction", "interactionId"),
            )
        outcome = await workflow.update_complaint(
            info.context.uow,
            workflow.ComplaintUpdate(
                interaction_id=row.id,
                status=StoredStatus(input.status.value) if input.status else None,
                assignee=input.assignee,
                resolution=input.resolution,
                satisfaction=input.satisfaction,
            ),
            actor=actor_of(info),
        )
        return UpdateComplaintPayload(
            interaction=Interaction.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )
