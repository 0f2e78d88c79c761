"""The CRM half of ``Customer``: what Frontdesk's own store knows about a customer."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.crm.contacts.types import Contact
from resolvers.crm.interactions.paging import interactions_field
from resolvers.pagination import Connection
from resolvers.permissions import Capability, requires
from resolvers.sales.types import (
    CampaignMembership,
    Opportunity,
    opportunity_connection,
    page_args,
)


@strawberry.type
class CustomerCrmFields:
    number: str

    @strawberry.field(description="The people at this customer, primary first (not archived).")
    async def contacts(self, info: Info) -> list[Contact]:
        rows = await info.context.loaders.contacts_by_customer.load(self.number)
        return [Contact.from_row(row) for row in rows]

    interactions = interactions_field(
        description=(
            "The activity history: interactions newest first, filterable by kind and by "
            "occurredAt in [since, until)."
        ),
        loader=lambda loaders: loaders.interactions_by_customer,
        key="number",
    )

    @strawberry.field(description="The customer's opportunities, newest first.")
    async def opportunities(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Opportunity]:
        page = page_args(first, after)
        found = await info.context.loaders.opportunities_by_customer.load((self.number, page))
        return opportunity_connection(found, page, after)

    @strawberry.field(
        description="The campaigns the customer is a member of, newest first "
        "(needs read:campaigns).",
        permission_classes=[requires(Capability.READ_CAMPAIGNS)],
    )
    async def campaigns(self, info: Info) -> list[CampaignMembership]:
        rows = await info.context.loaders.memberships_by_customer.load(self.number)
        return [CampaignMembership.from_row(row) for row in rows]
