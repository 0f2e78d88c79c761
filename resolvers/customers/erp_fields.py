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
from resolvers.execution.hints import NOT_AT_HAND, value_at_hand
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


# What each field reads off the record: shared by the resolvers and their declared reads.
def _name(record: ErpCustomer) -> str | None:
    return record.name


def _tax_id(record: ErpCustomer) -> str | None:
    return record.tax_id


def _email(record: ErpCustomer) -> str | None:
    return record.email


def _credit_hold(record: ErpCustomer) -> bool | None:
    return record.credit_hold


def _credit_hold_reason(record: ErpCustomer) -> str | None:
    return record.credit_hold_reason


def _credit_limit(record: ErpCustomer) -> Money | None:
    return Money.from_erp(record.credit_limit)


def _payment_terms(record: ErpCustomer) -> str | None:
    return record.payment_terms


def _balance(record: ErpCustomer) -> Money | None:
    return Money.from_erp(record.balance)


def _billing_address(record: ErpCustomer) -> Address | None:
    return Address.from_erp(record.billing_address)


def _shipping_address(record: ErpCustomer) -> Address | None:
    return Address.from_erp(record.shipping_address)


def _fetched_at(record: ErpCustomer) -> dt.datetime | None:
    return record.fetched_at


def _version(record: ErpCustomer) -> str | None:
    return record.version


def _at_hand(pick: Callable[[ErpCustomer], object]) -> dict[str, object]:
    """The field's answer read off a customer that came with its record (as ``_pick`` does),
    for the planned executor (``resolvers/execution/hints.py``)."""

    def read(source: CustomerErpFields) -> object:
        prefetched = source.prefetched
        return NOT_AT_HAND if prefetched is None else pick(prefetched.record)

    return value_at_hand(read)


def _stale_at_hand(source: CustomerErpFields) -> object:
    prefetched = source.prefetched
    return NOT_AT_HAND if prefetched is None else prefetched.stale


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

    @strawberry.field(description="The customer's name in the ERP.", metadata=_at_hand(_name))
    def name(self, info: Info) -> str | None:
        return self._pick(info, _name)

    @strawberry.field(description="VAT or other tax id.", metadata=_at_hand(_tax_id))
    def tax_id(self, info: Info) -> str | None:
        return self._pick(info, _tax_id)

    @strawberry.field(
        description="The customer's e-mail address as the ERP holds it.",
        metadata=_at_hand(_email),
    )
    def email(self, info: Info) -> str | None:
        return self._pick(info, _email)

    @strawberry.field(
        description="True when the ERP blocks new orders on credit.",
        permission_classes=CREDIT_HOLD,
        metadata=_at_hand(_credit_hold),
    )
    def credit_hold(self, info: Info) -> bool | None:
        return self._pick(info, _credit_hold)

    @strawberry.field(
        description="Why the customer is on credit hold.",
        permission_classes=CREDIT,
        metadata=_at_hand(_credit_hold_reason),
    )
    def credit_hold_reason(self, info: Info) -> str | None:
        return self._pick(info, _credit_hold_reason)

    @strawberry.field(
        description="The credit limit in the customer's currency.",
        permission_classes=CREDIT,
        metadata=_at_hand(_credit_limit),
    )
    def credit_limit(self, info: Info) -> Money | None:
        return self._pick(info, _credit_limit)

    @strawberry.field(
        description="Payment terms, as the ERP words them.",
        permission_classes=CREDIT,
        metadata=_at_hand(_payment_terms),
    )
    def payment_terms(self, info: Info) -> str | None:
        return self._pick(info, _payment_terms)

    @strawberry.field(
        description="Open receivable balance.",
        permission_classes=CREDIT,
        metadata=_at_hand(_balance),
    )
    def balance(self, info: Info) -> Money | None:
        return self._pick(info, _balance)

    @strawberry.field(description="Where invoices go.", metadata=_at_hand(_billing_address))
    def billing_address(self, info: Info) -> Address | None:
        return self._pick(info, _billing_address)

    @strawberry.field(description="Where goods go.", metadata=_at_hand(_shipping_address))
    def shipping_address(self, info: Info) -> Address | None:
        return self._pick(info, _shipping_address)

    @strawberry.field(description="One address by role.")
    def address(self, info: Info, role: AddressRole) -> Address | None:
        def chosen(record: ErpCustomer) -> Address | None:
            billing = role is AddressRole.BILLING
            return Address.from_erp(record.billing_address if billing else record.shipping_address)

        return self._pick(info, chosen)

    @strawberry.field(description="When this record left the ERP.", metadata=_at_hand(_fetched_at))
    def erp_fetched_at(self, info: Info) -> dt.datetime | None:
        return self._pick(info, _fetched_at)

    @strawberry.field(
        description="True when served from cache after the ERP failed; false when the ERP "
        "could not be read at all (the other ERP fields are then null with ERP_UNAVAILABLE).",
        metadata=value_at_hand(_stale_at_hand),
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

    @strawberry.field(
        description="The ERP record version, for expectedVersion on writes.",
        metadata=_at_hand(_version),
    )
    def erp_version(self, info: Info) -> str | None:
        return self._pick(info, _version)
