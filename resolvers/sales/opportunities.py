"""Opportunities: the ``opportunities`` list, ``pipeline``, and the two mutations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from crm_store.models.sales import OpportunityStage as StoredStage
from crm_store.repositories.opportunities import OpportunityFilter, OpportunityRepository
from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.ids import row_id
from resolvers.crm.problems import camel, not_found, user_errors
from resolvers.errors import UserError
from resolvers.pagination import Connection, connection
from resolvers.permissions import Capability, requires, visible_customers
from resolvers.sales.enums import OpportunityStage
from resolvers.sales.money import MoneyInput
from resolvers.sales.types import (
    Opportunity,
    PipelineStage,
    Warning,
    page_args,
)
from resolvers.scoping import object_scope_errors, scope_errors
from workflows import opportunities as workflow
from workflows.problems import Problem


async def load_opportunity_node(info: Info, key: str) -> Opportunity | None:
    """``node(id)`` for ``Opportunity:<id>``."""
    if not key.isdigit() or len(key) > 18:
        return None
    row = await info.context.loaders.opportunity_by_id.load(int(key))
    return Opportunity.from_row(row) if row is not None else None


@strawberry.input(description="A new opportunity (PROSPECTING) on a customer or a lead.")
class CreateOpportunityInput:
    name: str
    customer_number: str | None = None
    lead_id: strawberry.ID | None = None
    amount: MoneyInput | None = None
    probability: int | None = strawberry.field(default=None, description="Percent, 0-100.")
    expected_close_date: dt.date | None = None
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None, description="The campaign that sourced it."
    )
    owner: str | None = strawberry.field(default=None, description="Defaults to the caller.")


@strawberry.input(description="Move an opportunity to another stage (LOST needs a reason).")
class MoveOpportunityInput:
    opportunity_id: strawberry.ID
    to: OpportunityStage
    lost_reason: str | None = None


@strawberry.type
class CreateOpportunityPayload:
    opportunity: Opportunity | None
    user_errors: list[UserError]


@strawberry.type
class MoveOpportunityPayload:
    opportunity: Opportunity | None
    warnings: list[Warning] = strawberry.field(
        description="CREDIT_LIMIT (amount above remaining credit), CREDIT_HOLD before WON, "
        "ERP_UNAVAILABLE before WON: the move was made anyway."
    )
    user_errors: list[UserError]


def _warnings(problems: list[Problem]) -> list[Warning]:
    return [
        Warning(
            field=["input", *(camel(f) for f in p.field)] if p.field else None,
            code=p.code.value,
            message=p.message,
        )
        for p in problems
    ]


def _sorted(numbers: frozenset[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(numbers)) if numbers is not None else None


async def _load_opportunity(info: Info, key: int | None) -> Opportunity | None:
    row = await info.context.loaders.opportunity_by_id.load(key) if key else None
    return Opportunity.from_row(row) if row is not None else None


@strawberry.type
class OpportunityQuery:
    @strawberry.field(
        description="Opportunities, newest first, filtered exactly (a partner: on its customers).",
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def opportunities(
        self,
        info: Info,
        stage: OpportunityStage | None = None,
        owner: str | None = None,
        customer_number: str | None = None,
        closing_before: Annotated[
            dt.date | None,
            strawberry.argument(description="Expected close date before this day."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Opportunity]:
        page = page_args(first, after, default=50)
        filter = OpportunityFilter(
            stage=StoredStage(stage.value) if stage is not None else None,
            owner=owner,
            customer_number=customer_number,
            closing_before=closing_before,
            customer_numbers=_sorted(await visible_customers(info)),
        )
        async with info.context.uow.session() as session:
            repository = OpportunityRepository(session)
            rows = await repository.page(filter, first=page.first, after_id=page.after_id)
            total = await repository.count(filter)
        return connection(
            rows,
            first=page.first,
            after=after,
            total_count=total,
            cursor_of=lambda row: [row.id],
            node_of=Opportunity.from_row,
        )

    @strawberry.field(
        description="Count, total and probability-weighted total per stage and currency.",
        permission_classes=[requires(Capability.READ_REPORTS)],
    )
    async def pipeline(self, info: Info) -> list[PipelineStage]:
        async with info.context.uow.session() as session:
            lines = await OpportunityRepository(session).pipeline()
        return [
            PipelineStage(
                stage=OpportunityStage(line.stage.value),
                currency=line.currency,
                count=line.count,
                total=line.total,
                weighted=line.weighted,
            )
            for line in lines
        ]


@strawberry.type
class OpportunityMutation:
    @strawberry.mutation(
        description="Open an opportunity (PROSPECTING) on a customer or a lead.",
        permission_classes=[requires(Capability.WRITE_OPPORTUNITIES)],
    )
    async def create_opportunity(
        self, info: Info, input: CreateOpportunityInput
    ) -> CreateOpportunityPayload:
        lead_id = row_id(input.lead_id, "Lead") if input.lead_id is not None else None
        if input.lead_id is not None and lead_id is None:
            return CreateOpportunityPayload(
                opportunity=None, user_errors=not_found("lead", "leadId")
            )
        campaign_id = row_id(input.campaign_id, "Campaign") if input.campaign_id else None
        if input.campaign_id is not None and campaign_id is None:
            return CreateOpportunityPayload(
                opportunity=None, user_errors=not_found("campaign", "campaignId")
            )
        number = input.customer_number
        refused = await scope_errors(info, number, "customerNumber") if number else []
        if refused:
            return CreateOpportunityPayload(opportunity=None, user_errors=refused)
        outcome = await workflow.create_opportunity(
            info.context.uow,
            workflow.OpportunityDraft(
                name=input.name,
                customer_number=number,
                lead_id=lead_id,
                amount=input.amount.to_draft() if input.amount else None,
                probability=input.probability,
                expected_close_date=input.expected_close_date,
                campaign_id=campaign_id,
                owner=input.owner,
            ),
            actor=actor_of(info),
        )
        return CreateOpportunityPayload(
            opportunity=Opportunity.from_row(outcome.value) if outcome.value else None,
            user_errors=user_errors(outcome.problems),
        )

    @strawberry.mutation(
        description=(
            "Move an opportunity. PROPOSAL and later need an ERP customer (CUSTOMER_REQUIRED); "
            "WON is refused while the customer is on credit hold (CREDIT_HOLD) or when the ERP "
            "cannot be read live (ERP_UNAVAILABLE). Recorded in its history."
        ),
        permission_classes=[requires(Capability.WRITE_OPPORTUNITIES)],
    )
    async def move_opportunity(
        self, info: Info, input: MoveOpportunityInput
    ) -> MoveOpportunityPayload:
        key = row_id(input.opportunity_id, "Opportunity")
        refused = await object_scope_errors(
            info, lambda: _load_opportunity(info, key), "opportunityId"
        )
        row = await info.context.loaders.opportunity_by_id.load(key) if key else None
        if refused or row is None:
            return MoveOpportunityPayload(
                opportunity=None,
                warnings=[],
                user_errors=refused or not_found("opportunity", "opportunityId"),
            )
        erp = info.context.erp
        moved = await workflow.move_opportunity(
            info.context.uow,
            row.id,
            StoredStage(input.to.value),
            lost_reason=input.lost_reason,
            actor=actor_of(info),
            erp=erp.gateway if erp is not None else None,
        )
        value = moved.outcome.value
        return MoveOpportunityPayload(
            opportunity=Opportunity.from_row(value) if value else None,
            warnings=_warnings(moved.warnings),
            user_errors=user_errors(moved.outcome.problems),
        )
