"""Per-request DataLoaders: every nested field loads through one of these.

A loader is named by what it loads and by what key (``customer_by_number``,
``interactions_by_customer``). ``Loaders.create`` builds a fresh set for each operation so
nothing leaks between requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from crm_store.repositories import (
    ContactRepository,
    InteractionOwner,
    InteractionRepository,
    LeadRepository,
)
from crm_store.repositories.campaigns import CampaignRepository
from crm_store.repositories.opportunities import OpportunityRepository
from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from resolvers.crm import loaders as crm
from resolvers.customers.erp_access import customer_by_number
from resolvers.payments import loaders as payments
from resolvers.sales import loaders as sales

if TYPE_CHECKING:
    import uuid

    from crm_store.models import ContactRow, InteractionRow, LeadRow, LeadTransitionRow
    from crm_store.models.payments import PaymentRow
    from crm_store.models.sales import (
        CampaignMemberRow,
        CampaignRow,
        ComplaintTransitionRow,
        OpportunityRow,
        OpportunityStageChangeRow,
    )
    from crm_store.repositories import InteractionPage, InteractionSlice
    from crm_store.repositories.campaigns import MemberSlice, ResponseCount
    from crm_store.repositories.opportunities import OpportunitySlice
    from crm_store.unit_of_work import UnitOfWork
    from erp_gateway.freshness import Fetched
    from resolvers.customers.erp_access import ErpAccess
    from resolvers.payments.loaders import PaymentsPage, PaymentsSlice


def _partner_by_customer(uow: UnitOfWork) -> DataLoader[str, str | None]:
    async def load(numbers: Sequence[str]) -> list[str | None]:
        async with uow.session() as session:
            found = await PartnerAssignmentRepository(session).partners_of(list(numbers))
        return [found.get(number) for number in numbers]

    return DataLoader(load_fn=load)


def _customers_by_partner(uow: UnitOfWork) -> DataLoader[str, frozenset[str]]:
    async def load(partners: Sequence[str]) -> list[frozenset[str]]:
        async with uow.session() as session:
            repository = PartnerAssignmentRepository(session)
            return [frozenset(await repository.customers_of(p)) for p in partners]

    return DataLoader(load_fn=load)


@dataclass(slots=True, frozen=True, kw_only=True)
class Loaders:
    # --- ERP
    customer_by_number: DataLoader[str, Fetched | None]

    # --- CRM
    contact_by_id: DataLoader[int, ContactRow | None]
    lead_by_id: DataLoader[int, LeadRow | None]
    interaction_by_id: DataLoader[int, InteractionRow | None]
    contacts_by_customer: DataLoader[str, list[ContactRow]]
    history_by_lead: DataLoader[int, list[LeadTransitionRow]]
    interactions_by_customer: DataLoader[tuple[str, InteractionPage], InteractionSlice]
    interactions_by_lead: DataLoader[tuple[int, InteractionPage], InteractionSlice]
    interactions_by_contact: DataLoader[tuple[int, InteractionPage], InteractionSlice]

    # --- sales, service and marketing
    opportunity_by_id: DataLoader[int, OpportunityRow | None]
    campaign_by_id: DataLoader[int, CampaignRow | None]
    opportunities_by_customer: DataLoader[tuple[str, sales.PageArgs], OpportunitySlice]
    opportunities_by_lead: DataLoader[tuple[int, sales.PageArgs], OpportunitySlice]
    history_by_opportunity: DataLoader[int, list[OpportunityStageChangeRow]]
    memberships_by_customer: DataLoader[str, list[CampaignMemberRow]]
    members_by_campaign: DataLoader[sales.MemberKey, MemberSlice]
    campaigns_by_partner: DataLoader[str, frozenset[int]]
    responses_by_campaign: DataLoader[int, ResponseCount]
    complaint_history_by_interaction: DataLoader[int, list[ComplaintTransitionRow]]
    # --- payments
    payment_by_id: DataLoader[uuid.UUID, PaymentRow | None]
    payments_by_customer: DataLoader[tuple[str, PaymentsPage], PaymentsSlice]

    # --- security
    partner_by_customer: DataLoader[str, str | None]
    """The partner a customer is assigned to (partner scoping), ``None`` when unassigned."""
    customers_by_partner: DataLoader[str, frozenset[str]]
    """The customers assigned to a partner: read once per operation, then cached."""

    @classmethod
    def create(cls, *, uow: UnitOfWork, erp: ErpAccess | None = None) -> Loaders:
        return cls(
            # --- ERP
            customer_by_number=customer_by_number(erp),
            # --- CRM
            contact_by_id=crm.by_id_loader(uow, ContactRepository),
            lead_by_id=crm.by_id_loader(uow, LeadRepository),
            interaction_by_id=crm.by_id_loader(uow, InteractionRepository),
            contacts_by_customer=crm.contacts_by_customer(uow),
            history_by_lead=crm.history_by_lead(uow),
            interactions_by_customer=crm.interactions_by(uow, InteractionOwner.CUSTOMER),
            interactions_by_lead=crm.interactions_by(uow, InteractionOwner.LEAD),
            interactions_by_contact=crm.interactions_by(uow, InteractionOwner.CONTACT),
            # --- sales, service and marketing
            opportunity_by_id=crm.by_id_loader(uow, OpportunityRepository),
            campaign_by_id=crm.by_id_loader(uow, CampaignRepository),
            opportunities_by_customer=sales.opportunities_by(uow, "customer_number"),
            opportunities_by_lead=sales.opportunities_by(uow, "lead_id"),
            history_by_opportunity=sales.history_by_opportunity(uow),
            memberships_by_customer=sales.memberships_by_customer(uow),
            members_by_campaign=sales.members_by_campaign(uow),
            campaigns_by_partner=sales.campaigns_by_partner(uow),
            responses_by_campaign=sales.responses_by_campaign(uow),
            complaint_history_by_interaction=sales.complaint_history_by_interaction(uow),
            # --- payments
            payment_by_id=payments.payment_by_id(uow),
            payments_by_customer=payments.payments_by_customer(uow),
            # --- security
            partner_by_customer=_partner_by_customer(uow),
            customers_by_partner=_customers_by_partner(uow),
        )
