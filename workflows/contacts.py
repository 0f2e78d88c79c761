"""Writing contacts: create, update and archive, with their data validated first.

A customer has at most one primary contact: making one primary makes the others not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.contacts import ContactRow
from crm_store.repositories.contacts import ContactRepository
from workflows.problems import Outcome, ProblemCode, problem
from workflows.validation import Checker, ContactRules

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crm_store.unit_of_work import UnitOfWork

CONTACT_FIELDS = ("name", "title", "email", "phone", "notes")


def clean_contact_fields(
    values: Mapping[str, str | None], checker: Checker, *, creating: bool
) -> dict[str, str | None]:
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    cleaned: dict[str, str | None] = {}
    for name, value in values.items():
        if name == "name":
            cleaned[name] = checker.text(name, value, required=True)
        elif name == "email":
            cleaned[name] = checker.email(name, value)
        elif name == "phone":
            cleaned[name] = checker.phone(name, value)
        else:
            cleaned[name] = checker.text(name, value)
    if creating and "name" not in values:
        checker.fail("name", "name is required")
    return cleaned


async def create_contact(
    uow: UnitOfWork,
    customer_number: str,
    values: Mapping[str, str | None],
    *,
    is_primary: bool,
    rules: ContactRules,
) -> Outcome[ContactRow]:
    checker = Checker(rules=rules)
    number = checker.text("customer_number", customer_number, required=True)
    cleaned = clean_contact_fields(values, checker, creating=True)
    if checker.problems or number is None:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        contacts = ContactRepository(session)
        if is_primary:
            await contacts.clear_primary(number, keep_id=None)
        row = await contacts.add(
            ContactRow(customer_number=number, is_primary=is_primary, **cleaned)
        )
    return Outcome(value=row)


async def update_contact(
    uow: UnitOfWork,
    contact_id: int,
    values: Mapping[str, str | None],
    *,
    is_primary: bool | None,
    rules: ContactRules,
) -> Outcome[ContactRow]:
    checker = Checker(rules=rules)
    cleaned = clean_contact_fields(values, checker, creating=False)
    if checker.problems:
        return Outcome.refused(*checker.problems)
    async with uow.session() as session:
        contacts = ContactRepository(session)
        row = await contacts.get(contact_id)
        if row is None or row.archived_at is not None:
            return Outcome.refused(problem(ProblemCode.NOT_FOUND, "no such contact", "contact_id"))
        for name, value in cleaned.items():
            setattr(row, name, value)
        if is_primary is not None:
            if is_primary:
                await contacts.clear_primary(row.customer_number, keep_id=row.id)
            row.is_primary = is_primary
        await session.flush()
    return Outcome(value=row)


async def archive_contact(uow: UnitOfWork, contact_id: int) -> Outcome[ContactRow]:
    """Hide a contact from lists; it stays readable by id and on its interactions."""
    async with uow.session() as session:
        row = await ContactRepository(session).get(contact_id)
        if row is None or row.archived_at is not None:
            return Outcome.refused(
                problem(ProblemCode.NOT_FOUND, "no such active contact", "contact_id")
            )
        row.archived_at = utcnow()
        row.is_primary = False
        await session.flush()
    return Outcome(value=row)
