"""Campaigns: ``campaign``, ``campaigns`` and the mutations that build and answer them."""

from __future__ import annotations

import datetime as dt

import strawberry

from crm_store.models.sales import CampaignChannel as StoredChannel
from crm_store.models.sales import CampaignStatus as StoredStatus
from crm_store.repositories.campaigns import CampaignRepository
from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.ids import row_id
from resolvers.crm.problems import not_found, user_errors
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.pagination import Connection, connection
from resolvers.permissions import Capability, requires, visible_customers
from resolvers.sales.enums import CampaignChannel, CampaignStatus
from resolvers.sales.money import MoneyInput
from resolvers.sales.types import Campaign, CampaignMembership, page_args
from resolvers.scoping import object_scope_errors, only_visible, scope_errors
from workflows import campaigns as workflow


async def load_campaign_node(info: Info, key: str) -> Campaign | None:
    """``node(id)`` for ``Campaign:<id>``."""
    if not key.isdigit() or len(key) > 18:
        return None
    return await _load_campaign(info, int(key))


@strawberry.input(description="A new campaign; it starts as DRAFT unless a status is given.")
class CreateCampaignInput:
    name: str
    channel: CampaignChannel
    budget: MoneyInput | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    status: CampaignStatus | None = None


@strawberry.input(description="Change a campaign: fields left out stay as they are.")
class UpdateCampaignInput:
    campaign_id: strawberry.ID
    name: str | None = None
    status: CampaignStatus | None = None
    budget: MoneyInput | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


@strawberry.input(
    description=f"Add members: at most {workflow.MAX_MEMBERS_PER_CALL} customers and "
    f"{workflow.MAX_MEMBERS_PER_CALL} leads per call; existing members are skipped."
)
class AddCampaignMembersInput:
    campaign_id: strawberry.ID
    customer_numbers: list[str] | None = None
    lead_ids: list[strawberry.ID] | None = None


@strawberry.input(description="A member responded (and maybe converted).")
class RecordCampaignResponseInput:
    campaign_id: strawberry.ID
    customer_number: str | None = None
    lead_id: strawberry.ID | None = None
    converted: bool | None = False


@strawberry.type
class CreateCampaignPayload:
    campaign: Campaign | None
    user_errors: list[UserError]


@strawberry.type
class UpdateCampaignPayload:
    campaign: Campaign | None
    user_errors: list[UserError]


@strawberry.type
class AddCampaignMembersPayload:
    campaign: Campaign | None
    added: int = strawberry.field(description="New members.")
    already_members: int = strawberry.field(description="Given but already members.")
    user_errors: list[UserError]


@strawberry.type
class RecordCampaignResponsePayload:
    membership: CampaignMembership | None
    user_errors: list[UserError]


@strawberry.type
class CampaignQuery:
    @strawberry.field(
        description="A campaign by id; null when there is none (or, for a partner, when none "
        "of its customers is a member).",
        permission_classes=[requires(Capability.READ_CAMPAIGNS)],
    )
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign | None:
        return await only_visible(info, await _load_campaign(info, _campaign_key(id)))

    @strawberry.field(
        description="Campaigns, newest first (a partner: those its customers are members of).",
        permission_classes=[requires(Capability.READ_CAMPAIGNS)],
    )
    async def campaigns(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Campaign]:
        page = page_args(first, after, default=50)
        numbers = await visible_customers(info)
        async with info.context.uow.session() as session:
            repository = CampaignRepository(session)
            rows = await repository.page(
                first=page.first, after_id=page.after_id, customer_numbers=numbers
            )
            total = await repository.count(numbers)
        return connection(
            rows,
            first=page.first,
            after=after,
            total_count=total,
            cursor_of=lambda row: [row.id],
            node_of=Campaign.from_row,
        )


def _campaign_key(id: strawberry.ID) -> int | None:
    return row_id(id, "Campaign")


async def _load_campaign(info: Info, key: int | None) -> Campaign | None:
    row = await info.context.loaders.campaign_by_id.load(key) if key is not None else None
    return Campaign.from_row(row) if row is not None else None


async def _campaign_scope_errors(info: Info, key: int) -> list[UserError]:
    return await object_scope_errors(info, lambda: _load_campaign(info, key), "campaignId")


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(
        description="Create a campaign.",
        permission_classes=[requires(Capability.WRITE_CAMPAIGNS)],
    )
    async def create_campaign(
        self, info: Info, input: CreateCampaignInput
    ) -> CreateCampaignPayload:
        outcome = await workflow.create_campaign(
            info.context.uow,
            workflow.CampaignDraft(
                name=input.name,
                channel=StoredChannel(input.channel.value),
                status=StoredStatus(input.status.value) if input.status else StoredStatus.DRAFT,
                budget=input.budget.to_draft() if input.budget else None,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
            ),
            actor=actor_of(info),
        )
        return CreateCampaignPayload(
            campaign=Campaign.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )

    @strawberry.mutation(
        description="Change a campaign's name, status (DRAFT/ACTIVE/CLOSED), budget or dates.",
        permission_classes=[requires(Capability.WRITE_CAMPAIGNS)],
    )
    async def update_campaign(
        self, info: Info, input: UpdateCampaignInput
    ) -> UpdateCampaignPayload:
        key = _campaign_key(input.campaign_id)
        if key is None:
            return UpdateCampaignPayload(
                campaign=None, user_errors=not_found("campaign", "campaignId")
            )
        refused = await _campaign_scope_errors(info, key)
        if refused:
            return UpdateCampaignPayload(campaign=None, user_errors=refused)
        outcome = await workflow.update_campaign(
            info.context.uow,
            key,
            name=input.name,
            status=StoredStatus(input.status.value) if input.status else None,
            budget=input.budget.to_draft() if input.budget else None,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
        )
        return UpdateCampaignPayload(
            campaign=Campaign.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )

    @strawberry.mutation(
        description="Add customers (by number) and leads to a campaign.",
        permission_classes=[requires(Capability.WRITE_CAMPAIGNS)],
    )
    async def add_campaign_members(
        self, info: Info, input: AddCampaignMembersInput
    ) -> AddCampaignMembersPayload:
        def refused(errors: list[UserError]) -> AddCampaignMembersPayload:
            return AddCampaignMembersPayload(
                campaign=None, added=0, already_members=0, user_errors=errors
            )

        key = _campaign_key(input.campaign_id)
        if key is None:
            return refused(not_found("campaign", "campaignId"))
        out_of_scope = await _campaign_scope_errors(info, key)
        if out_of_scope:
            return refused(out_of_scope)
        numbers = input.customer_numbers or []
        lead_ids: list[int] = []
        for index, lead in enumerate((input.lead_ids or [])[: workflow.MAX_MEMBERS_PER_CALL + 1]):
            lead_key = row_id(lead, "Lead")
            if lead_key is None:
                return refused(
                    [
                        user_error(
                            ErrorCode.NOT_FOUND, "no such lead", "input", "leadIds", str(index)
                        )
                    ]
                )
            lead_ids.append(lead_key)
        for index, number in enumerate(numbers[: workflow.MAX_MEMBERS_PER_CALL]):
            out_of_scope = await scope_errors(info, number, "customerNumbers", str(index))
            if out_of_scope:
                return refused(out_of_scope)
        outcome = await workflow.add_members(
            info.context.uow, key, customer_numbers=numbers, lead_ids=lead_ids
        )
        if outcome.value is None:
            return refused(user_errors(outcome.problems))
        return AddCampaignMembersPayload(
            campaign=Campaign.from_row(outcome.value.campaign),
            added=outcome.value.added,
            already_members=outcome.value.already,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Record that a member responded (and whether it converted).",
        permission_classes=[requires(Capability.WRITE_CAMPAIGNS)],
    )
    async def record_campaign_response(
        self, info: Info, input: RecordCampaignResponseInput
    ) -> RecordCampaignResponsePayload:
        key = _campaign_key(input.campaign_id)
        if key is None:
            return RecordCampaignResponsePayload(
                membership=None, user_errors=not_found("campaign", "campaignId")
            )
        lead_id = row_id(input.lead_id, "Lead") if input.lead_id is not None else None
        if input.lead_id is not None and lead_id is None:
            return RecordCampaignResponsePayload(
                membership=None, user_errors=not_found("lead", "leadId")
            )
        number = input.customer_number.strip() if input.customer_number else None
        out_of_scope = await _campaign_scope_errors(info, key)
        if number is not None:
            out_of_scope += await scope_errors(info, number, "customerNumber")
        if out_of_scope:
            return RecordCampaignResponsePayload(membership=None, user_errors=out_of_scope)
        outcome = await workflow.record_response(
            info.context.uow,
            key,
            customer_number=number,
            lead_id=lead_id,
            converted=bool(input.converted),
        )
        return RecordCampaignResponsePayload(
            membership=CampaignMembership.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )
