"""Reading contacts."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.crm.contacts.types import Contact
from resolvers.crm.ids import row_id
from resolvers.permissions import Capability, requires
from resolvers.scoping import only_visible


async def load_contact_node(info: Info, key: str) -> Contact | None:
    """``node(id)`` for ``Contact:<id>``."""
    if not key.isdigit():
        return None
    row = await info.context.loaders.contact_by_id.load(int(key))
    return Contact.from_row(row) if row is not None else None


@strawberry.type
class ContactQuery:
    @strawberry.field(
        description="A contact by id (archived ones too); null when there is none.",
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def contact(self, info: Info, id: strawberry.ID) -> Contact | None:
        key = row_id(id, "Contact")
        if key is None:
            return None
        row = await info.context.loaders.contact_by_id.load(key)
        return await only_visible(info, Contact.from_row(row) if row is not None else None)
