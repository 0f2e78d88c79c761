"""``Customer``: one type joining the ERP's record and the CRM store's rows by number."""

from __future__ import annotations

import strawberry

from erp_gateway.freshness import Fetched
from erp_gateway.records import ErpCustomer
from resolvers.crm.customer_fields import CustomerCrmFields
from resolvers.customers.erp_fields import CustomerErpFields
from resolvers.node import Node, to_global_id
from resolvers.payments.customer_fields import CustomerPaymentFields


@strawberry.type(description="A customer: the ERP's record and the CRM's history, by number.")
class Customer(CustomerPaymentFields, CustomerCrmFields, CustomerErpFields, Node):
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
