"""What the CRM domain contributes to the schema's composition (``resolvers/schema.py``)."""

from __future__ import annotations

from resolvers.crm.contacts.mutations import ContactMutation
from resolvers.crm.contacts.queries import ContactQuery, load_contact_node
from resolvers.crm.interactions.mutations import InteractionMutation
from resolvers.crm.interactions.queries import InteractionQuery, load_interaction_node
from resolvers.crm.leads.mutations import LeadMutation
from resolvers.crm.leads.queries import LeadQuery, load_lead_node
from resolvers.node import NodeLoader

CRM_QUERIES: tuple[type, ...] = (ContactQuery, InteractionQuery, LeadQuery)
CRM_MUTATIONS: tuple[type, ...] = (ContactMutation, InteractionMutation, LeadMutation)
CRM_NODE_LOADERS: dict[str, NodeLoader] = {
    "Contact": load_contact_node,
    "Interaction": load_interaction_node,
    "Lead": load_lead_node,
}
