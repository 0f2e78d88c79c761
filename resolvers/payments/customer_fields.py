"""The payments half of ``Customer``: the payments the ERP recorded for it, newest first."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.pagination import Connection, page_size
from resolvers.payments.loaders import PaymentsPage
from resolvers.payments.paging import payment_connection, payment_key
from resolvers.payments.types import Payment
from resolvers.permissions import Capability, requires

DEFAULT_PAYMENTS = 20


@strawberry.type
class CustomerPaymentFields:
    number: str

    @strawberry.field(
        description="Payments to this customer and their notices, newest value date first.",
        permission_classes=[requires(Capability.READ_PAYMENTS)],
    )
    async def payments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Payment]:
        page = PaymentsPage(
            first=page_size(first, default=DEFAULT_PAYMENTS), after=payment_key(after)
        )
        found = await info.context.loaders.payments_by_customer.load((self.number, page))
        return payment_connection(found.rows, first=page.first, after=after, total=found.total)
