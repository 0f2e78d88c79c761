"""All SQL of the CRM store: one repository per aggregate over a small generic base."""

from crm_store.repositories.base import Repository
from crm_store.repositories.contacts import ContactRepository
from crm_store.repositories.interactions import (
    InteractionFilter,
    InteractionOwner,
    InteractionPage,
    InteractionRepository,
    InteractionSlice,
    interaction_slices,
)
from crm_store.repositories.leads import LeadFilter, LeadRepository
from crm_store.repositories.partner_assignments import PartnerAssignmentRepository

__all__ = [
    "ContactRepository",
    "InteractionFilter",
    "InteractionOwner",
    "InteractionPage",
    "InteractionRepository",
    "InteractionSlice",
    "LeadFilter",
    "LeadRepository",
    "PartnerAssignmentRepository",
    "Repository",
    "interaction_slices",
]
