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
from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from resolvers.crm import loaders as crm
from resolvers.customers.erp_access import customer_by_number
from resolvers.payments import loaders as payments

if TYPE_CHECKING:
    import uuid

    from crm_store.models import ContactRow, InteractionRow, LeadRow, LeadTransitionRow
    from crm_store.models.payments import PaymentRow
    from crm_store.repositories import InteractionPage, InteractionSlice
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

    # --- payments
    payment_by_id: DataLoader[uuid.UUID, PaymentRow | None]
    payments_by_customer: DataLoader[tuple[str, PaymentsPage], PaymentsSlice]

    # --- security
    partner_by_customer: DataLoader[str, str | None]
    """The partner a customer is assigned to (partner scoping), ``None`` when unassigned."""

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
            # --- payments
            payment_by_id=payments.payment_by_id(uow),
            payments_by_customer=payments.payments_by_customer(uow),
            # --- security
            partner_by_customer=_partner_by_customer(uow),
        )
