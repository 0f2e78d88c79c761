"""The ERP-backed half of ``Customer``: fields read live from the ERP through the gateway.

Each field reads the customer's record: the one the Customer was built with
(``Customer.from_erp``) synchronously (the hot path: a page of 100 customers has ~1,500 ERP
fields, and a coroutine per field was most of their cost), else through
``customer_by_number`` (one gateway call per level). When the
ERP cannot answer and nothing is cached, the field is null with ``ERP_UNAVAILABLE`` at its
path; the customer's number, id and CRM fields resolve all the same.

Credit fields are for the roles of the permission table: ``creditHold`` needs
``read:credit-hold``; ``creditHoldReason``, ``creditLimit``, ``paymentTerms`` and ``balance``
need ``read:credit``. Without it the field is null with ``FORBIDDEN`` at its path, and the
rest of the answer stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar, cast

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
T = TypeVar("T")

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

    def _pick(self, info: Info, pick: Callable[[ErpCustomer], T]) -> T:
        """``pick(record)`` right away when the record is at hand (a page's customers, a
        customer read by number): no coroutine per field. Otherwise an awaitable of it
        (through ``customer_by_number``), which graphql-core awaits like an async resolver's
        result. None when the ERP has no such customer."""
        if self.prefetched is not None:
            return pick(self.prefetched.record)
        return cast("T", self._pick_later(info, pick))

    async def _pick_later(self, info: Info, pick: Callable[[ErpCustomer], T]) -> T | None:
        fetched = await self._fetched(info)
        return None if fetched is None else pick(fetched.record)

    @strawberry.field(description="The customer's name in the ERP.")
    def name(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.name)

    @strawberry.field(description="VAT or other tax id.")
    def tax_id(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.tax_id)

    @strawberry.field(description="The customer's e-mail address as the ERP holds it.")
    def email(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.email)

    @strawberry.field(
        description="True when the ERP blocks new orders on credit.", permission_classes=CREDIT_HOLD
    )
    def credit_hold(self, info: Info) -> bool | None:
        return self._pick(info, lambda record: record.credit_hold)

    @strawberry.field(description="Why the customer is on credit hold.", permission_classes=CREDIT)
    def credit_hold_reason(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.credit_hold_reason)

    @strawberry.field(
        description="The credit limit in the customer's currency.", permission_classes=CREDIT
    )
    def credit_limit(self, info: Info) -> Money | None:
        return self._pick(info, lambda record: Money.from_erp(record.credit_limit))

    @strawberry.field(
        description="Payment terms, as the ERP words them.", permission_classes=CREDIT
    )
    def payment_terms(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.payment_terms)

    @strawberry.field(description="Open receivable balance.", permission_classes=CREDIT)
    def balance(self, info: Info) -> Money | None:
        return self._pick(info, lambda record: Money.from_erp(record.balance))

    @strawberry.field(description="Where invoices go.")
    def billing_address(self, info: Info) -> Address | None:
        return self._pick(info, lambda record: Address.from_erp(record.billing_address))

    @strawberry.field(description="Where goods go.")
    def shipping_address(self, info: Info) -> Address | None:
        return self._pick(info, lambda record: Address.from_erp(record.shipping_address))

    @strawberry.field(description="One address by role.")
    def address(self, info: Info, role: AddressRole) -> Address | None:
        def chosen(record: ErpCustomer) -> Address | None:
            billing = role is AddressRole.BILLING
            return Address.from_erp(record.billing_address if billing else record.shipping_address)

        return self._pick(info, chosen)

    @strawberry.field(description="When this record left the ERP.")
    def erp_fetched_at(self, info: Info) -> dt.datetime | None:
        return self._pick(info, lambda record: record.fetched_at)

    @strawberry.field(
        description="True when served from cache after the ERP failed; false when the ERP "
        "could not be read at all (the other ERP fields are then null with ERP_UNAVAILABLE)."
    )
    def erp_stale(self, info: Info) -> bool:
        if self.prefetched is not None:
            return self.prefetched.stale
        return cast("bool", self._stale_later(info))

    async def _stale_later(self, info: Info) -> bool:
        try:
            fetched = await self._fetched(info)
        except ErpUnavailableError:
            return False
        return fetched.stale if fetched else False

    @strawberry.field(description="The ERP record version, for expectedVersion on writes.")
    def erp_version(self, info: Info) -> str | None:
        return self._pick(info, lambda record: record.version)
