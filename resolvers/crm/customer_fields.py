"""The CRM half of ``Customer``: what Frontdesk's own store knows about a customer."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.context import Info
from resolvers.crm.contacts.types import Contact
from resolvers.crm.enums import InteractionKind
from resolvers.crm.interactions.paging import interaction_connection, interaction_page
from resolvers.crm.interactions.types import Interaction
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

    @strawberry.field(
        description=(
            "The activity history: interactions newest first, filterable by kind and by "
            "occurredAt in [since, until)."
        )
    )
    async def interactions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: InteractionKind | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> Connection[Interaction]:
        page = interaction_page(first=first, after=after, kind=kind, since=since, until=until)
        found = await info.context.loaders.interactions_by_customer.load((self.number, page))
        return interaction_connection(found, page, after)

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
