"""Writing contacts: createContact, updateContact, archiveContact (needs write:contacts).

A partner writes only to its own customers' contacts; anything else is refused with a
``FORBIDDEN`` user error at the input field, before anything is written.
"""

from __future__ import annotations

import strawberry

from crm_store.models import ContactRow
from resolvers.context import Info
from resolvers.crm.contacts.types import Contact
from resolvers.crm.ids import row_id
from resolvers.crm.problems import not_found, user_errors
from resolvers.errors import UserError
from resolvers.permissions import Capability, requires
from resolvers.scoping import object_scope_errors, scope_errors
from workflows import contacts as workflow
from workflows.problems import Outcome


@strawberry.input(description="A new contact at an ERP customer.")
class CreateContactInput:
    customer_number: str
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = strawberry.field(
        default=None, description="Any common format; stored as E.164 (default region applies)."
    )
    is_primary: bool | None = strawberry.field(
        default=False, description="Make this the customer's one primary contact."
    )
    notes: str | None = None


@strawberry.input(description="Changes to a contact: fields left out stay; null clears.")
class UpdateContactInput:
    contact_id: strawberry.ID
    name: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    is_primary: bool | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input
class ArchiveContactInput:
    contact_id: strawberry.ID


@strawberry.type
class CreateContactPayload:
    contact: Contact | None
    user_errors: list[UserError]


@strawberry.type
class UpdateContactPayload:
    contact: Contact | None
    user_errors: list[UserError]


@strawberry.type
class ArchiveContactPayload:
    contact: Contact | None
    user_errors: list[UserError]


def _contact(outcome: Outcome[ContactRow]) -> Contact | None:
    return Contact.from_row(outcome.value) if outcome.value is not None else None


async def _contact_scope_errors(info: Info, key: int) -> list[UserError]:
    async def load() -> Contact | None:
        row = await info.context.loaders.contact_by_id.load(key)
        return Contact.from_row(row) if row is not None else None

    return await object_scope_errors(info, load, "contactId")


WRITE_CONTACTS = [requires(Capability.WRITE_CONTACTS)]


@strawberry.type
class ContactMutation:
    @strawberry.mutation(
        description="Add a person to an ERP customer.", permission_classes=WRITE_CONTACTS
    )
    async def create_contact(self, info: Info, input: CreateContactInput) -> CreateContactPayload:
        refused = await scope_errors(info, input.customer_number, "customerNumber")
        if refused:
            return CreateContactPayload(contact=None, user_errors=refused)
        values = {
            "name": input.name,
            "title": input.title,
            "email": input.email,
            "phone": input.phone,
            "notes": input.notes,
        }
        outcome = await workflow.create_contact(
            info.context.uow,
            input.customer_number,
            values,
            is_primary=bool(input.is_primary),
            rules=info.context.contact_rules,
        )
        return CreateContactPayload(
            contact=_contact(outcome), user_errors=user_errors(outcome.problems)
        )

    @strawberry.mutation(
        description="Change a contact's data; only the fields given change.",
        permission_classes=WRITE_CONTACTS,
    )
    async def update_contact(self, info: Info, input: UpdateContactInput) -> UpdateContactPayload:
        key = row_id(input.contact_id, "Contact")
        if key is None:
            return UpdateContactPayload(contact=None, user_errors=not_found("contact", "contactId"))
        refused = await _contact_scope_errors(info, key)
        if refused:
            return UpdateContactPayload(contact=None, user_errors=refused)
        values = {
            name: getattr(input, name)
            for name in workflow.CONTACT_FIELDS
            if getattr(input, name) is not strawberry.UNSET
        }
        is_primary = None if input.is_primary is strawberry.UNSET else bool(input.is_primary)
        outcome = await workflow.update_contact(
            info.context.uow, key, values, is_primary=is_primary, rules=info.context.contact_rules
        )
        return UpdateContactPayload(
            contact=_contact(outcome), user_errors=user_errors(outcome.problems)
        )

    @strawberry.mutation(
        description="Stop listing a contact; its history stays.",
        permission_classes=WRITE_CONTACTS,
    )
    async def archive_contact(
        self, info: Info, input: ArchiveContactInput
    ) -> ArchiveContactPayload:
        key = row_id(input.contact_id, "Contact")
        if key is None:
            return ArchiveContactPayload(
                contact=None, user_errors=not_found("contact", "contactId")
            )
        refused = await _contact_scope_errors(info, key)
        if refused:
            return ArchiveContactPayload(contact=None, user_errors=refused)
        outcome = await workflow.archive_contact(info.context.uow, key)
        return ArchiveContactPayload(
            contact=_contact(outcome), user_errors=user_errors(outcome.problems)
        )
