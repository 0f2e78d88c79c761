"""``Customer``: one type joining the ERP's record and the CRM store's rows by number."""

from __future__ import annotations

import strawberry

from resolvers.crm.customer_fields import CustomerCrmFields
from resolvers.customers.erp_fields import CustomerErpFields
from resolvers.node import Node, to_global_id


@strawberry.type(description="A customer: the ERP's record and the CRM's history, by number.")
class Customer(CustomerCrmFields, CustomerErpFields, Node):
    @classmethod
    def from_number(cls, number: str) -> Customer:
        return cls(id=to_global_id("Customer", number), number=number)
