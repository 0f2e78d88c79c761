"""``kpis(since, until)``: the sales, service and marketing figures of a period, from SQL.

The period is ``[since, until)``; ``until`` defaults to now and ``since`` to 90 days before
``until``. What "in the period" means for each figure is in ``crm_store.repositories.kpis``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import strawberry

from crm_store.base import utcnow
from crm_store.repositories.kpis import KpiRepository, Period
from resolvers.context import Info
from resolvers.crm.enums import InteractionKind
from resolvers.customers.erp_types import Money
from resolvers.errors import BadUserInput
from resolvers.permissions import Capability, requires
from resolvers.sales.money import amount_of
from resolvers.sales.types import Campaign

DEFAULT_PERIOD = dt.timedelta(days=90)
MAX_PERIOD = dt.timedelta(days=3660)
CENT = Decimal("0.01")


@strawberry.type(description="A campaign's return: (won - budget) / budget, in its currency.")
class CampaignRoi:
    campaign: Campaign
    roi: float | None = strawberry.field(description="Null for a zero budget.")
    currency: str
    won: Decimal = strawberry.field(description="Won amount of the opportunities it sourced.")
    budget: Decimal


@strawberry.type
class KindCount:
    kind: InteractionKind
    count: int


@strawberry.type
class OwnerCount:
    owner: str | None
    count: int


@strawberry.type(description="Figures of one period; see each field for what it counts.")
class Kpis:
    since: dt.datetime
    until: dt.datetime
    lead_conversion_rate: float = strawberry.field(
        description="Leads that left NEW in the period: converted / all of them."
    )
    opportunity_win_rate: float = strawberry.field(
        description="Opportunities closed in the period: won / (won + lost)."
    )
    average_deal_size: list[Money] = strawberry.field(
        description="Mean amount of deals won in the period, per currency (to the cent)."
    )
    sales_cycle_days: float | None = strawberry.field(
        description="Median days from creation to WON, deals won in the period."
    )
    campaign_response_rate: float = strawberry.field(
        description="Campaign members added in the period: responded / all."
    )
    marketing_roi: list[CampaignRoi] = strawberry.field(
        description="Campaigns with a budget running in the period."
    )
    customer_retention_rate: float = strawberry.field(
        description="Customers with an interaction in the previous period of the same length "
        "who have one in this period too / those of the previous period."
    )
    customer_satisfaction: float | None = strawberry.field(
        description="Mean score of complaints resolved in the period."
    )
    open_complaints: int = strawberry.field(
        description="Complaints that occurred before `until` and are not resolved."
    )
    interactions_by_kind: list[KindCount]
    interactions_by_owner: list[OwnerCount]


def _period(since: dt.datetime | None, until: dt.datetime | None) -> Period:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise BadUserInput(f"`{name}` needs a timezone offset")
    end = until or utcnow()
    start = since or end - DEFAULT_PERIOD
    if start >= end:
        raise BadUserInput("`since` must be before `until`")
    if end - start > MAX_PERIOD:
        raise BadUserInput("the period is longer than ten years")
    return Period(since=start, until=end)


@strawberry.type
class KpiQuery:
    @strawberry.field(
        description="KPIs of the period [since, until) (default: the last 90 days).",
        permission_classes=[requires(Capability.READ_REPORTS)],
    )
    async def kpis(
        self, info: Info, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> Kpis:
        period = _period(since, until)
        async with info.context.uow.session() as session:
            kpis = KpiRepository(session)
            conversion = await kpis.lead_conversion(period)
            wins = await kpis.win_rate(period)
            won = await kpis.won_by_currency(period)
            cycle = await kpis.median_sales_cycle_days(period)
            response = await kpis.campaign_response(period)
            returns = await kpis.campaign_returns(period)
            retention = await kpis.retention(period)
            satisfaction = await kpis.satisfaction(period)
            open_complaints = await kpis.open_complaints(period)
            by_kind = await kpis.interactions_by_kind(period)
            by_owner = await kpis.interactions_by_owner(period)
        return Kpis(
            since=period.since,
            until=period.until,
            lead_conversion_rate=conversion.rate,
            opportunity_win_rate=wins.rate,
            average_deal_size=[
                Money(
                    amount=(amount_of(units) / deals).quantize(CENT, rounding=ROUND_HALF_EVEN),
                    currency=currency,
                )
                for currency, deals, units in won
            ],
            sales_cycle_days=cycle,
            campaign_response_rate=response.rate,
            marketing_roi=[
                CampaignRoi(
                    campaign=Campaign.from_row(item.campaign),
                    roi=item.roi,
                    currency=item.campaign.budget_currency or "",
                    won=amount_of(item.won_units),
                    budget=amount_of(item.campaign.budget_units or 0),
                )
                for item in returns
            ],
            customer_retention_rate=retention.rate,
            customer_satisfaction=satisfaction,
            open_complaints=open_complaints,
            interactions_by_kind=[
                KindCount(kind=InteractionKind(kind.value), count=n) for kind, n in by_kind
            ],
            interactions_by_owner=[OwnerCount(owner=o, count=n) for o, n in by_owner],
        )
