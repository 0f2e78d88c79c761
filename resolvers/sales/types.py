"""``Opportunity``, its stage changes, the pipeline, ``Campaign`` and memberships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from crm_store.models.sales import (
    CampaignMemberRow,
    CampaignRow,
    OpportunityRow,
    OpportunityStageChangeRow,
)
from resolvers.context import Info
from resolvers.customers.erp_types import Money
from resolvers.errors import BadUserInput
from resolvers.node import Node, to_global_id
from resolvers.pagination import Connection, connection, decode_cursor, page_size
from resolvers.permissions import Capability, partner_scope, requires, visible_customers
from resolvers.sales.enums import CampaignChannel, OpportunityStage
from resolvers.sales.loaders import PageArgs
from resolvers.sales.money import money_of
from resolvers.scoping import only_visible, scoped

if TYPE_CHECKING:
    from crm_store.repositories.opportunities import OpportunitySlice
    from resolvers.crm.leads.types import Lead
    from resolvers.customers.types import Customer

DEFAULT_NESTED = 20


def page_args(first: int | None, after: str | None, *, default: int = DEFAULT_NESTED) -> PageArgs:
    """A connection's ``first``/``after`` (an id cursor) checked."""
    size = page_size(first, default=default)
    values = decode_cursor(after, arity=1)
    if values is None:
        return PageArgs(first=size)
    if not isinstance(values[0], int):
        raise BadUserInput("`after` is not a cursor this list gave out")
    return PageArgs(first=size, after_id=values[0])


@strawberry.type(description="One move of an opportunity; `from` is null at creation.")
class OpportunityStageChange:
    from_: OpportunityStage | None = strawberry.field(name="from")
    to: OpportunityStage
    at: dt.datetime
    by: str | None

    @classmethod
    def from_row(cls, row: OpportunityStageChangeRow) -> OpportunityStageChange:
        return cls(
            from_=OpportunityStage(row.from_stage.value) if row.from_stage else None,
            to=OpportunityStage(row.to_stage.value),
            at=row.at,
            by=row.by,
        )


@scoped(Capability.READ_CUSTOMERS, customer="customer_number")  # on a lead alone: not partners'
@strawberry.type(description="A possible sale to a customer or a lead, moving through stages.")
class Opportunity(Node):
    name: str
    customer_number: str | None
    owner: str | None
    stage: OpportunityStage
    amount: Money | None
    probability: int | None = strawberry.field(description="Percent, 0-100.")
    expected_close_date: dt.date | None
    lost_reason: str | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    key: strawberry.Private[int]
    lead_id: strawberry.Private[int | None]
    campaign_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: OpportunityRow) -> Opportunity:
        return cls(
            id=to_global_id("Opportunity", row.id),
            name=row.name,
            customer_number=row.customer_number,
            owner=row.owner,
            stage=OpportunityStage(row.stage.value),
            amount=money_of(row.amount_units, row.currency),
            probability=row.probability,
            expected_close_date=row.expected_close_date,
            lost_reason=row.lost_reason,
            closed_at=row.closed_at,
            created_at=row.created_at,
            key=row.id,
            lead_id=row.lead_id,
            campaign_id=row.campaign_id,
        )

    @strawberry.field(description="The ERP customer, once there is one.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import visible_customer

        return await visible_customer(info, self.customer_number)

    @strawberry.field(
        description="The lead it started from, if any (needs read:leads).",
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def lead(
        self, info: Info
    ) -> Annotated[Lead, strawberry.lazy("resolvers.crm.leads.types")] | None:
        return await lead_of(info, self.lead_id)

    @strawberry.field(
        description="The campaign that sourced it, if any (needs read:campaigns).",
        permission_classes=[requires(Capability.READ_CAMPAIGNS)],
    )
    async def campaign(self, info: Info) -> Campaign | None:
        if self.campaign_id is None:
            return None
        row = await info.context.loaders.campaign_by_id.load(self.campaign_id)
        return await only_visible(info, Campaign.from_row(row) if row is not None else None)

    @strawberry.field(description="Every stage change, oldest first (creation included).")
    async def history(self, info: Info) -> list[OpportunityStageChange]:
        rows = await info.context.loaders.history_by_opportunity.load(self.key)
        return [OpportunityStageChange.from_row(row) for row in rows]


def opportunity_connection(
    found: OpportunitySlice, page: PageArgs, after: str | None
) -> Connection[Opportunity]:
    return connection(
        found.rows,
        first=page.first,
        after=after,
        total_count=found.total,
        cursor_of=lambda row: [row.id],
        node_of=Opportunity.from_row,
    )


@strawberry.type(description="Open and closed business per stage and currency.")
class PipelineStage:
    stage: OpportunityStage
    currency: str
    count: int
    total: Decimal
    weighted: Decimal = strawberry.field(
        description="Sum of amount x probability (WON counts 100%, LOST 0%)."
    )


@strawberry.type(description="Something the caller should know; it did not stop the change.")
class Warning:
    field: list[str] | None
    code: str
    message: str


async def lead_of(info: Info, lead_id: int | None) -> Lead | None:
    """A nested reference to a lead, through its scoping rule (partners see none)."""
    from resolvers.crm.leads.types import Lead

    if lead_id is None:
        return None
    row = await info.context.loaders.lead_by_id.load(lead_id)
    return await only_visible(info, Lead.from_row(row) if row is not None else None)


async def partner_sees_campaign(info: Info, campaign: Any) -> bool:
    """A partner sees a campaign one of its customers is a member of (one query per request)."""
    scope = partner_scope(info)
    if scope is None:
        return True
    return campaign.key in await info.context.loaders.campaigns_by_partner.load(scope)


@scoped(Capability.READ_CAMPAIGNS, partner=partner_sees_campaign)
@strawberry.type(description="A marketing campaign: its channel, budget, members and responses.")
class Campaign(Node):
    name: str
    channel: CampaignChannel
    status: str = strawberry.field(description="DRAFT, ACTIVE or CLOSED.")
    budget: Money | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    key: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: CampaignRow) -> Campaign:
        return cls(
            id=to_global_id("Campaign", row.id),
            name=row.name,
            channel=CampaignChannel(row.channel.value),
            status=row.status.value,
            budget=money_of(row.budget_units, row.budget_currency),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            key=row.id,
        )

    @strawberry.field(
        description="Members in the order they were added (a partner: its customers alone)."
    )
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CampaignMembership]:
        page = page_args(first, after, default=50)
        numbers = await visible_customers(info)
        found = await info.context.loaders.members_by_campaign.load((self.key, page, numbers))
        return connection(
            found.rows,
            first=page.first,
            after=after,
            total_count=found.total,
            cursor_of=lambda row: [row.id],
            node_of=CampaignMembership.from_row,
        )

    @strawberry.field(description="Responded members / members (0 without members).")
    async def response_rate(self, info: Info) -> float:
        counts = await info.context.loaders.responses_by_campaign.load(self.key)
        return counts.rate


@strawberry.type(description="A customer's or a lead's place in a campaign and its response.")
class CampaignMembership:
    status: str = strawberry.field(description="MEMBER, RESPONDED or CONVERTED.")
    responded_at: dt.datetime | None
    converted_at: dt.datetime | None
    customer_number: str | None
    campaign_id: strawberry.Private[int]
    lead_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: CampaignMemberRow) -> CampaignMembership:
        return cls(
            status=row.status.value,
            responded_at=row.responded_at,
            converted_at=row.converted_at,
            customer_number=row.customer_number,
            campaign_id=row.campaign_id,
            lead_id=row.lead_id,
        )

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign:
        row = await info.context.loaders.campaign_by_id.load(self.campaign_id)
        if row is None:  # the membership's foreign key guarantees it
            raise BadUserInput("the campaign is gone")
        return Campaign.from_row(row)

    @strawberry.field(description="The customer, when the member is a customer.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import visible_customer

        return await visible_customer(info, self.customer_number)

    @strawberry.field(
        description="The lead, when the member is a lead (needs read:leads).",
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def lead(
        self, info: Info
    ) -> Annotated[Lead, strawberry.lazy("resolvers.crm.leads.types")] | None:
        return await lead_of(info, self.lead_id)
