"""``Customer``: one type joining the ERP's record and the CRM store's rows by number."""

from __future__ import annotations

import strawberry

from erp_gateway.freshness import Fetched
from erp_gateway.records import ErpCustomer
from resolvers.context import Info
from resolvers.crm.customer_fields import CustomerCrmFields
from resolvers.customers.erp_fields import CustomerErpFields
from resolvers.entities import entity_key
from resolvers.node import Node, to_global_id
from resolvers.payments.customer_fields import CustomerPaymentFields
from resolvers.permissions import Capability
from resolvers.scoping import only_visible, scoped


@scoped(Capability.READ_CUSTOMERS, customer="number")
@strawberry.type(
    description="A customer: the ERP's record and the CRM's history, by number.",
    directives=entity_key("number"),
)
class Customer(CustomerPaymentFields, CustomerCrmFields, CustomerErpFields, Node):
    @classmethod
    async def resolve_reference(cls, info: Info, number: str) -> Customer | None:
        """Federation's ``_entities``: scoped and loaded exactly as ``customer(number)``."""
        from resolvers.customers.queries import load_customer  # queries import this module

        return await load_customer(info, number)

    @classmethod
    def from_number(cls, number: str) -> Customer:
        """A customer known by number only: ERP fields load through ``customer_by_number``."""
        return cls(id=to_global_id("Customer", number), number=number)

    @classmethod
    def from_erp(cls, record: ErpCustomer, *, stale: bool = False) -> Customer:
        """A customer whose ERP record is already at hand (no further ERP call)."""
        return cls(
            id=to_global_id("Customer", record.number),
            number=record.number,
            prefetched=Fetched(record, stale=stale),
        )


async def visible_customer(info: Info, number: str | None) -> Customer | None:
    """The customer ``number`` for a nested field, ``None`` when out of the principal's scope."""
    if number is None:
        return None
    return await only_visible(info, Customer.from_number(number))
