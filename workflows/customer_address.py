"""Changing a customer's billing or shipping address: in the ERP, noted in the CRM.

1. Validate everything (country: ISO 3166-1 alpha-2; postal code plausible for it; lengths).
2. Read the customer live (never from the cache): the old address for the note, and a
   ``CONFLICT`` right away when ``expected_version`` is already stale.
3. Write through ``ErpGateway.update_address`` with ``expected_version``: the ERP refuses a
   version that moved meanwhile (``ErpConflict`` -> ``CONFLICT``, nothing written). The
   caching wrapper drops the customer from the cache of every instance.
4. Only after the ERP accepted it, log a NOTE "address changed" with the old and new values
   on the customer's history, in the operation's CRM transaction. An ERP failure therefore
   leaves nothing on the CRM side.

The customer returned is the record the ERP answered the write with (fresh, never stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.base import utcnow
from crm_store.models.enums import Direction, InteractionKind
from crm_store.models.interactions import InteractionRow
from crm_store.repositories.interactions import InteractionRepository
from erp_gateway.errors import ErpError, ErpUnavailable
from erp_gateway.freshness import read_customers
from erp_gateway.records import Address, AddressRole
from workflows.erp_problems import CONFLICT_MESSAGE, erp_problem
from workflows.problems import Outcome, ProblemCode, problem
from workflows.validation import Checker

if TYPE_CHECKING:
    from crm_store.unit_of_work import UnitOfWork
    from erp_gateway.port import ErpGateway
    from erp_gateway.records import ErpCustomer

SUBJECT = "address changed"


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressChange:
    customer_number: str
    role: AddressRole
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    expected_version: str | None = None


def clean_address(change: AddressChange, checker: Checker) -> Address:
    """The validated, normalised address (problems go to ``checker``, under ``address``)."""
    inner = Checker(rules=checker.rules, prefix=(*checker.prefix, "address"))
    country = inner.country("country", change.country)
    address = Address(
        street=inner.text("street", change.street),
        city=inner.text("city", change.city),
        postal_code=inner.postal_code("postal_code", change.postal_code, country),
        region=inner.text("region", change.region),
        country=country,
    )
    if address.postal_code and change.country is None:
        inner.fail("country", "a postal code needs its country")
    if not any((address.street, address.city, address.postal_code, address.country)):
        inner.fail("street", "give at least a street, city, postal code or country")
    checker.problems.extend(inner.problems)
    return address


def describe(address: Address | None) -> str:
    """One line for the history: ``Marienplatz 1, 80331 München, BY, DE``."""
    if address is None:
        return "(none)"
    place = " ".join(p for p in (address.postal_code, address.city) if p)
    parts = [p for p in (address.street, place, address.region, address.country) if p]
    return ", ".join(parts) or "(empty)"


async def update_customer_address(
    uow: UnitOfWork, gateway: ErpGateway, change: AddressChange, *, actor: str | None
) -> Outcome[ErpCustomer]:
    checker = Checker()
    number = checker.text("customer_number", change.customer_number, required=True)
    address = clean_address(change, checker)
    if checker.problems or number is None:
        return Outcome.refused(*checker.problems)
    reads = await read_customers(gateway, [number], live=True)
    if number in reads.unavailable:
        return Outcome.refused(erp_problem(reads.unavailable[number], "customer_number"))
    if number not in reads.found:
        return Outcome.refused(
            problem(ProblemCode.NOT_FOUND, "no such customer", "customer_number")
        )
    before = reads.found[number].record
    if change.expected_version is not None and change.expected_version != before.version:
        return Outcome.refused(problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, "expected_version"))
    try:
        after = await gateway.update_address(
            number, change.role, address, expected_version=change.expected_version
        )
    except ErpUnavailable as exc:
        return Outcome.refused(erp_problem(exc, "customer_number"))
    except ErpError as exc:
        path = "expected_version" if change.expected_version else "address"
        return Outcome.refused(erp_problem(exc, path))
    old = before.billing_address if change.role is AddressRole.BILLING else before.shipping_address
    new = after.billing_address if change.role is AddressRole.BILLING else after.shipping_address
    async with uow.session() as session:
        await InteractionRepository(session).add(
            InteractionRow(
                kind=InteractionKind.NOTE,
                direction=Direction.OUTBOUND,
                subject=SUBJECT,
                body=(
                    f"{change.role.value} address changed\n"
                    f"old: {describe(old)}\nnew: {describe(new)}"
                ),
                occurred_at=utcnow(),
                owner=actor,
                customer_number=number,
            )
        )
    return Outcome(value=after)
