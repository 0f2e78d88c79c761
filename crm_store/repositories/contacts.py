"""Contacts by id and by customer number."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from crm_store.models.contacts import ContactRow
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    from collections.abc import Iterable


class ContactRepository(Repository[ContactRow]):
    model = ContactRow

    async def by_customer_numbers(self, numbers: Iterable[str]) -> dict[str, list[ContactRow]]:
        """Active (not archived) contacts per customer, primary first then by name: one query."""
        wanted = sorted(set(numbers))
        result: dict[str, list[ContactRow]] = defaultdict(list)
        if not wanted:
            return result
        rows = await self.session.scalars(
            select(ContactRow)
            .where(ContactRow.customer_number.in_(wanted), ContactRow.archived_at.is_(None))
            .order_by(
                ContactRow.customer_number,
                ContactRow.is_primary.desc(),
                ContactRow.name,
                ContactRow.id,
            )
        )
        for row in rows:
            result[row.customer_number].append(row)
        return result

    async def clear_primary(self, customer_number: str, *, keep_id: int | None) -> None:
        """Make every other contact of the customer non-primary (one primary per customer)."""
        statement = update(ContactRow).where(
            ContactRow.customer_number == customer_number, ContactRow.is_primary.is_(True)
        )
        if keep_id is not None:
            statement = statement.where(ContactRow.id != keep_id)
        await self.session.execute(
            statement.values(is_primary=False).execution_options(synchronize_session="fetch")
        )

    async def emails_in_use(self, emails: Iterable[str]) -> set[str]:
        """Which of ``emails`` (compared case-insensitively) belong to an active contact."""
        wanted = sorted({email.lower() for email in emails})
        if not wanted:
            return set()
        found = await self.session.scalars(
            select(func.lower(ContactRow.email)).where(
                func.lower(ContactRow.email).in_(wanted), ContactRow.archived_at.is_(None)
            )
        )
        return {email for email in found if email is not None}
