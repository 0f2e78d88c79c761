"""``Lead`` and ``LeadTransition``: a prospect on its way through qualification."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from crm_store.models.leads import LeadRow, LeadTransitionRow
from resolvers.context import Info
from resolvers.crm.enums import LeadStatus
from resolvers.crm.interactions.paging import interactions_field
from resolvers.entities import NodeEntity, entity_key
from resolvers.node import Node, to_global_id
from resolvers.pagination import Connection
from resolvers.permissions import Capability
from resolvers.sales.types import Opportunity, opportunity_connection, page_args
from resolvers.scoping import scoped

if TYPE_CHECKING:
    from resolvers.customers.types import Customer


@strawberry.type(description="One step of a lead's qualification: from, to, when, by whom.")
class LeadTransition:
    from_: LeadStatus = strawberry.field(name="from")
    to: LeadStatus
    at: dt.datetime
    by: str | None
    note: str | None

    @classmethod
    def from_row(cls, row: LeadTransitionRow) -> LeadTransition:
        return cls(
            from_=LeadStatus(row.from_status.value),
            to=LeadStatus(row.to_status.value),
            at=row.at,
            by=row.by,
            note=row.note,
        )


@scoped(Capability.READ_LEADS)  # no customer: partners never see leads
@strawberry.type(
    description="A prospect, qualified step by step before it becomes a customer.",
    directives=entity_key("id"),
)
class Lead(NodeEntity, Node):
    status: LeadStatus
    name: str
    company: str | None
    email: str | None
    phone: str | None = strawberry.field(description="E.164, e.g. +4930123456.")
    source: str | None
    owner: str | None
    street: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2.")
    version: int = strawberry.field(
        description="Changes with every write; give it as expectedVersion to refuse lost updates."
    )
    created_at: dt.datetime
    converted_customer_number: str | None
    key: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: LeadRow) -> Lead:
        return cls(
            id=to_global_id("Lead", row.id),
            status=LeadStatus(row.status.value),
            name=row.name,
            company=row.company,
            email=row.email,
            phone=row.phone,
            source=row.source,
            owner=row.owner,
            street=row.street,
            city=row.city,
            postal_code=row.postal_code,
            region=row.region,
            country=row.country,
            version=row.version,
            created_at=row.created_at,
            converted_customer_number=row.converted_customer_number,
            key=row.id,
        )

    @strawberry.field(description="Every transition, oldest first.")
    async def history(self, info: Info) -> list[LeadTransition]:
        rows = await info.context.loaders.history_by_lead.load(self.key)
        return [LeadTransition.from_row(row) for row in rows]

    @strawberry.field(description="The customer the lead became, once CONVERTED.")
    async def converted_customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import visible_customer

        return await visible_customer(info, self.converted_customer_number)

    interactions = interactions_field(
        description="Interactions logged on this lead, newest first.",
        loader=lambda loaders: loaders.interactions_by_lead,
        key="key",
    )

    @strawberry.field(description="Opportunities opened on this lead, newest first.")
    async def opportunities(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Opportunity]:
        page = page_args(first, after)
        found = await info.context.loaders.opportunities_by_lead.load((self.key, page))
        return opportunity_connection(found, page, after)
