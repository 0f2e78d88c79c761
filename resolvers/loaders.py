"""Per-request DataLoaders: every nested field loads through one of these.

A loader is named by what it loads and by what key (``customer_by_number``,
``interactions_by_customer``). ``Loaders.create`` builds a fresh set for each operation so
nothing leaks between requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
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


class Loaders:
    """The operation's DataLoaders, each built on first use: an operation touches a few of
    them, and building all of them cost more than a small query's execution."""

    def __init__(self, *, uow: UnitOfWork, erp: ErpAccess | None = None) -> None:
        self._uow = uow
        self._erp = erp

    @classmethod
    def create(cls, *, uow: UnitOfWork, erp: ErpAccess | None = None) -> Loaders:
        return cls(uow=uow, erp=erp)

    @cached_property
    def customer_by_number(self) -> DataLoader[str, Fetched | None]:
        """The customers assigned to a partner: read once per operation, then cached."""
        return customer_by_number(self._erp)

    @cached_property
    def contact_by_id(self) -> DataLoader[int, ContactRow | None]:
        return crm.by_id_loader(self._uow, ContactRepository)

    @cached_property
    def lead_by_id(self) -> DataLoader[int, LeadRow | None]:
        return crm.by_id_loader(self._uow, LeadRepository)

    @cached_property
    def interaction_by_id(self) -> DataLoader[int, InteractionRow | None]:
        return crm.by_id_loader(self._uow, InteractionRepository)

    @cached_property
    def contacts_by_customer(self) -> DataLoader[str, list[ContactRow]]:
        return crm.contacts_by_customer(self._uow)

    @cached_property
    def history_by_lead(self) -> DataLoader[int, list[LeadTransitionRow]]:
        return crm.history_by_lead(self._uow)

    @cached_property
    def interactions_by_customer(self) -> DataLoader[tuple[str, InteractionPage], InteractionSlice]:
        return crm.interactions_by(self._uow, InteractionOwner.CUSTOMER)

    @cached_property
    def interactions_by_lead(self) -> DataLoader[tuple[int, InteractionPage], InteractionSlice]:
        return crm.interactions_by(self._uow, InteractionOwner.LEAD)

    @cached_property
    def interactions_by_contact(self) -> DataLoader[tuple[int, InteractionPage], InteractionSlice]:
        return crm.interactions_by(self._uow, InteractionOwner.CONTACT)

    @cached_property
    def opportunity_by_id(self) -> DataLoader[int, OpportunityRow | None]:
        return crm.by_id_loader(self._uow, OpportunityRepository)

    @cached_property
    def campaign_by_id(self) -> DataLoader[int, CampaignRow | None]:
        return crm.by_id_loader(self._uow, CampaignRepository)

    @cached_property
    def opportunities_by_customer(self) -> DataLoader[tuple[str, sales.PageArgs], OpportunitySlice]:
        return sales.opportunities_by(self._uow, "customer_number")

    @cached_property
    def opportunities_by_lead(self) -> DataLoader[tuple[int, sales.PageArgs], OpportunitySlice]:
        return sales.opportunities_by(self._uow, "lead_id")

    @cached_property
    def history_by_opportunity(self) -> DataLoader[int, list[OpportunityStageChangeRow]]:
        return sales.history_by_opportunity(self._uow)

    @cached_property
    def memberships_by_customer(self) -> DataLoader[str, list[CampaignMemberRow]]:
        return sales.memberships_by_customer(self._uow)

    @cached_property
    def members_by_campaign(self) -> DataLoader[sales.MemberKey, MemberSlice]:
        return sales.members_by_campaign(self._uow)

    @cached_property
    def campaigns_by_partner(self) -> DataLoader[str, frozenset[int]]:
        return sales.campaigns_by_partner(self._uow)

    @cached_property
    def responses_by_campaign(self) -> DataLoader[int, ResponseCount]:
        return sales.responses_by_campaign(self._uow)

    @cached_property
    def complaint_history_by_interaction(self) -> DataLoader[int, list[ComplaintTransitionRow]]:
        return sales.complaint_history_by_interaction(self._uow)

    @cached_property
    def payment_by_id(self) -> DataLoader[uuid.UUID, PaymentRow | None]:
        return payments.payment_by_id(self._uow)

    @cached_property
    def payments_by_customer(self) -> DataLoader[tuple[str, PaymentsPage], PaymentsSlice]:
        return payments.payments_by_customer(self._uow)

    @cached_property
    def partner_by_customer(self) -> DataLoader[str, str | None]:
        return _partner_by_customer(self._uow)

    @cached_property
    def customers_by_partner(self) -> DataLoader[str, frozenset[str]]:
        return _customers_by_partner(self._uow)
