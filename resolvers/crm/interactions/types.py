"""``Interaction``: one entry of the activity history of a customer and/or a lead."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from crm_store.models.enums import ComplaintStatus as StoredStatus
from crm_store.models.enums import Direction as StoredDirection
from crm_store.models.enums import InteractionKind as StoredKind
from crm_store.models.interactions import InteractionFields
from resolvers.context import Info
from resolvers.crm.enums import ComplaintStatus, Direction, InteractionKind
from resolvers.node import Node, to_global_id
from resolvers.permissions import Capability, requires
from resolvers.scoping import only_visible, scoped

if TYPE_CHECKING:
    from resolvers.crm.contacts.types import Contact
    from resolvers.crm.leads.types import Lead
    from resolvers.customers.types import Customer
    from resolvers.sales.complaints import ComplaintTransition


# The store's enums -> the schema's (same names and values); a page converts hundreds.
_KINDS = {stored: InteractionKind(stored.value) for stored in StoredKind}
_DIRECTIONS = {stored: Direction(stored.value) for stored in StoredDirection}
_STATUSES = {stored: ComplaintStatus(stored.value) for stored in StoredStatus}


@scoped(Capability.READ_CUSTOMERS, customer="customer_number")
@strawberry.type(description="A call, e-mail, meeting, note, complaint or payment notice.")
class Interaction(Node):
    kind: InteractionKind
    direction: Direction
    subject: str
    body: str | None
    occurred_at: dt.datetime
    owner: str | None
    customer_number: str | None = strawberry.field(
        description="The ERP customer number it is attached to, if any."
    )
    complaint_status: ComplaintStatus | None = strawberry.field(
        description="Complaints only (null on other kinds)."
    )
    assignee: str | None = strawberry.field(description="Complaints only.")
    resolution: str | None = strawberry.field(description="Complaints only.")
    resolved_at: dt.datetime | None = strawberry.field(description="Complaints only.")
    satisfaction: int | None = strawberry.field(
        description="Complaints only: 1-5, recorded after resolution."
    )
    resolved_by: str | None = strawberry.field(description="Complaints only.")
    lead_id: strawberry.Private[int | None]
    contact_id: strawberry.Private[int | None]
    id_key: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: InteractionFields) -> Interaction:
        status = row.complaint_status
        key = row.id
        return cls(
            id=to_global_id("Interaction", key),
            kind=_KINDS[row.kind],
            direction=_DIRECTIONS[row.direction],
            subject=row.subject,
            body=row.body,
            occurred_at=row.occurred_at,
            owner=row.owner,
            customer_number=row.customer_number,
            complaint_status=_STATUSES[status] if status else None,
            assignee=row.assignee,
            resolution=row.resolution,
            resolved_at=row.resolved_at,
            satisfaction=row.satisfaction,
            resolved_by=row.resolved_by,
            lead_id=row.lead_id,
            contact_id=row.contact_id,
            id_key=key,
        )

    @strawberry.field(description="The customer, when it is attached to one.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import visible_customer

        return await visible_customer(info, self.customer_number)

    @strawberry.field(
        description="The lead, when it is attached to one (needs read:leads).",
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def lead(
        self, info: Info
    ) -> Annotated[Lead, strawberry.lazy("resolvers.crm.leads.types")] | None:
        from resolvers.crm.leads.types import Lead

        if self.lead_id is None:
            return None
        row = await info.context.loaders.lead_by_id.load(self.lead_id)
        return await only_visible(info, Lead.from_row(row) if row is not None else None)

    @strawberry.field(description="The customer's contact it was with, if recorded.")
    async def contact(
        self, info: Info
    ) -> Annotated[Contact, strawberry.lazy("resolvers.crm.contacts.types")] | None:
        from resolvers.crm.contacts.types import Contact

        if self.contact_id is None:
            return None
        row = await info.context.loaders.contact_by_id.load(self.contact_id)
        return await only_visible(info, Contact.from_row(row) if row is not None else None)

    @strawberry.field(
        description="Complaints only: every status change, oldest first (re-openings kept)."
    )
    async def complaint_history(
        self, info: Info
    ) -> list[Annotated[ComplaintTransition, strawberry.lazy("resolvers.sales.complaints")]]:
        from resolvers.sales.complaints import ComplaintTransition

        rows = await info.context.loaders.complaint_history_by_interaction.load(self.id_key)
        return [ComplaintTransition.from_row(row) for row in rows]
