"""What the sales domain contributes to the schema's composition (``resolvers/schema.py``)."""

from __future__ import annotations

from resolvers.node import NodeLoader
from resolvers.sales.campaigns import CampaignMutation, CampaignQuery, load_campaign_node
from resolvers.sales.complaints import ComplaintMutation, ComplaintQuery
from resolvers.sales.kpis import KpiQuery
from resolvers.sales.opportunities import (
    OpportunityMutation,
    OpportunityQuery,
    load_opportunity_node,
)

SALES_QUERIES: tuple[type, ...] = (OpportunityQuery, CampaignQuery, ComplaintQuery, KpiQuery)
SALES_MUTATIONS: tuple[type, ...] = (OpportunityMutation, CampaignMutation, ComplaintMutation)
SALES_NODE_LOADERS: dict[str, NodeLoader] = {
    "Opportunity": load_opportunity_node,
    "Campaign": load_campaign_node,
}
