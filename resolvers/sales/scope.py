"""The one place where the sales domain's entry points decide which customers the caller
may see (partner scoping): every customer-number argument and every list goes through here."""

from __future__ import annotations

from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from resolvers.context import Info
from resolvers.permissions import customer_visible, partner_scope


async def visible(info: Info, customer_number: str) -> bool:
    """Whether the caller may see (and act on) the customer ``customer_number``."""
    return await customer_visible(info, customer_number)


async def customers_in_scope(info: Info) -> tuple[str, ...] | None:
    """The customer numbers a partner may see; ``None`` for everyone else (no restriction)."""
    scope = partner_scope(info)
    if scope is None:
        return None
    async with info.context.uow.session() as session:
        return tuple(await PartnerAssignmentRepository(session).customers_of(scope))
