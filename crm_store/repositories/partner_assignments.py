"""Which partner may see which customer (customer number -> partner id)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_store.base import utcnow
from crm_store.models.security import PartnerAssignmentRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


class PartnerAssignmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def assign(self, customer_number: str, partner_id: str | None) -> None:
        """Assign the customer to ``partner_id``; ``None`` removes the assignment."""
        row = await self._session.get(PartnerAssignmentRow, customer_number)
        if partner_id is None:
            if row is not None:
                await self._session.delete(row)
        elif row is None:
            self._session.add(
                PartnerAssignmentRow(customer_number=customer_number, partner_id=partner_id)
            )
        else:
            row.partner_id = partner_id
            row.assigned_at = utcnow()
        await self._session.flush()

    async def partners_of(self, customer_numbers: Sequence[str]) -> dict[str, str]:
        """Customer number -> partner id, for those of ``customer_numbers`` assigned."""
        result = await self._session.execute(
            select(PartnerAssignmentRow.customer_number, PartnerAssignmentRow.partner_id).where(
                PartnerAssignmentRow.customer_number.in_(customer_numbers)
            )
        )
        return {number: partner for number, partner in result}

    async def customers_of(self, partner_id: str) -> list[str]:
        """The customer numbers assigned to ``partner_id``, in order."""
        result = await self._session.execute(
            select(PartnerAssignmentRow.customer_number)
            .where(PartnerAssignmentRow.partner_id == partner_id)
            .order_by(PartnerAssignmentRow.customer_number)
        )
        return list(result.scalars())
