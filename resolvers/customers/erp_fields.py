"""The ERP-backed half of ``Customer``: fields read live from the ERP through the gateway.

Each field awaits the customer's record: the one the Customer was built with
(``Customer.from_erp``), else ``customer_by_number`` (one gateway call per level). When the
ERP cannot answer and nothing is cached, the field is null with ``ERP_UNAVAILABLE`` at its
path; the customer's number, id and CRM fields resolve all the same.

Credit fields are for the roles of the permission table: ``creditHold`` needs
``read:credit-hold``; ``creditHoldReason``, ``creditLimit``, ``paymentTerms`` and ``balance``
need ``read:credit``. Without it the field is null with ``FORBIDDEN`` at its path, and the
rest of the answer stands.
"""

from __future__ import annotations

import datetime as dt

import strawberry
import structlog

from erp_gateway.errors import ErpUnavailable
from erp_gateway.freshness import Fetched
from erp_gateway.records import ErpCustomer
from resolvers.context import Info
from resolvers.customers.erp_types import Address, AddressRole, Money
from resolvers.errors import ErrorCode, FrontdeskError
from resolvers.permissions import Capability, requires

log = structlog.get_logger("frontdesk.erp")

CREDIT_HOLD = [requires(Capability.READ_CREDIT_HOLD)]
CREDIT = [requires(Capability.READ_CREDIT)]


class ErpUnavailableError(FrontdeskError):
    """The ERP could not answer; the client sees why in general terms, the log in full."""

    code = ErrorCode.ERP_UNAVAILABLE

    @classmethod
    def because(cls, exc: ErpUnavailable) -> ErpUnavailableError:
        log.warning("ERP unavailable", reason=exc.message, operation=exc.operation)
        return cls("The ERP cannot be reached right now; try again later.")


@strawberry.type
class CustomerErpFields:
    number: str = strawberry.field(description="The ERP's customer number: the key everywhere.")
    prefetched: strawberry.Private[Fetched | None] = None

    async def _fetched(self, info: Info) -> Fetched | None:
        if self.prefetched is not None:
            return self.prefetched
        try:
            return await info.context.loaders.customer_by_number.load(self.number)
        except ErpUnavailable as exc:
            raise ErpUnavailableError.because(exc) from exc

    async def _record(self, info: Info) -> ErpCustomer | None:
        fetched = await self._fetched(info)
        return None if fetched is None else fetched.record

    @strawberry.field(description="The customer's name in the ERP.")
    async def name(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.name if record else None

    @strawberry.field(description="VAT or other tax id.")
    async def tax_id(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.tax_id if record else None

    @strawberry.field(description="The customer's e-mail address as the ERP holds it.")
    async def email(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.email if record else None

    @strawberry.field(
        description="True when the ERP blocks new orders on credit.", permission_classes=CREDIT_HOLD
    )
    async def credit_hold(self, info: Info) -> bool | None:
        record = await self._record(info)
        return record.credit_hold if record else None

    @strawberry.field(description="Why the customer is on credit hold.", permission_classes=CREDIT)
    async def credit_hold_reason(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.credit_hold_reason if record else None

    @strawberry.field(
        description="The credit limit in the customer's currency.", permission_classes=CREDIT
    )
    async def credit_limit(self, info: Info) -> Money | None:
        record = await self._record(info)
        return Money.from_erp(record.credit_limit) if record else None

    @strawberry.field(
        description="Payment terms, as the ERP words them.", permission_classes=CREDIT
    )
    async def payment_terms(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.payment_terms if record else None

    @strawberry.field(description="Open receivable balance.", permission_classes=CREDIT)
    async def balance(self, info: Info) -> Money | None:
        record = await self._record(info)
        return Money.from_erp(record.balance) if record else None

    @strawberry.field(description="Where invoices go.")
    async def billing_address(self, info: Info) -> Address | None:
        record = await self._record(info)
        return Address.from_erp(record.billing_address) if record else None

    @strawberry.field(description="Where goods go.")
    async def shipping_address(self, info: Info) -> Address | None:
        record = await self._record(info)
        return Address.from_erp(record.shipping_address) if record else None

    @strawberry.field(description="One address by role.")
    async def address(self, info: Info, role: AddressRole) -> Address | None:
        record = await self._record(info)
        if record is None:
            return None
        chosen = record.billing_address if role is AddressRole.BILLING else record.shipping_address
        return Address.from_erp(chosen)

    @strawberry.field(description="When this record left the ERP.")
    async def erp_fetched_at(self, info: Info) -> dt.datetime | None:
        record = await self._record(info)
        return record.fetched_at if record else None

    @strawberry.field(
        description="True when served from cache after the ERP failed; false when the ERP "
        "could not be read at all (the other ERP fields are then null with ERP_UNAVAILABLE)."
    )
    async def erp_stale(self, info: Info) -> bool:
        try:
            fetched = await self._fetched(info)
        except ErpUnavailableError:
            return False
        return fetched.stale if fetched else False

    @strawberry.field(description="The ERP record version, for expectedVersion on writes.")
    async def erp_version(self, info: Info) -> str | None:
        record = await self._record(info)
        return record.version if record else None
