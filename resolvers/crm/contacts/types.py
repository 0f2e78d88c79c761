"""``Contact``: a person who works for an ERP customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from crm_store.models.contacts import ContactRow
from resolvers.context import Info
from resolvers.crm.interactions.paging import interactions_field
from resolvers.entities import NodeEntity, entity_key
from resolvers.node import Node, to_global_id
from resolvers.permissions import Capability
from resolvers.scoping import scoped

if TYPE_CHECKING:
    from resolvers.customers.types import Customer


@scoped(Capability.READ_CUSTOMERS, customer="customer_number")
@strawberry.type(
    description="A person at a customer (the company itself lives in the ERP).",
    directives=entity_key("id"),
)
class Contact(NodeEntity, Node):
    customer_number: str
    name: str
    title: str | None
    email: str | None
    phone: str | None = strawberry.field(description="E.164, e.g. +4930123456.")
    is_primary: bool
    notes: str | None
    archived: bool = strawberry.field(description="Archived contacts are no longer listed.")
    key: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: ContactRow) -> Contact:
        return cls(
            id=to_global_id("Contact", row.id),
            customer_number=row.customer_number,
            name=row.name,
            title=row.title,
            email=row.email,
            phone=row.phone,
            is_primary=row.is_primary,
            notes=row.notes,
            archived=row.archived_at is not None,
            key=row.id,
        )

    @strawberry.field(description="The customer this person works for.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import visible_customer

        return await visible_customer(info, self.customer_number)

    interactions = interactions_field(
        description="Interactions with this person, newest first.",
        loader=lambda loaders: loaders.interactions_by_contact,
        key="key",
    )
