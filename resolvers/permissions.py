"""Authorization: the permission table, declarative permission classes and partner scoping.

``PERMISSIONS`` is the one place that says which role may do what; the README's permission
table is a copy of it. Fields and mutations declare what they need with
``permission_classes=[requires(Capability.X)]``; a denial is an error coded ``FORBIDDEN``
naming the capability (``require(info, capability)`` does the same inside a resolver).

Partner principals are scoped: ``partner_scope(info)`` is ``None`` for everyone else and the
partner id for a partner, ``visible_customers(info)`` the set of customer numbers assigned to
it (one query per operation), and ``customer_visible(info, number)`` says whether a customer
is among them. ``resolvers/scoping.py`` applies these to every ``Node`` type.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from strawberry.permission import BasePermission

from resolvers.context import Context, Info
from resolvers.errors import ErrorCode, FrontdeskError
from resolvers.principal import Principal, Role


class Capability(StrEnum):
    READ_CUSTOMERS = "read:customers"
    READ_CREDIT_HOLD = "read:credit-hold"
    READ_CREDIT = "read:credit"
    WRITE_CUSTOMERS = "write:customers"
    WRITE_CONTACTS = "write:contacts"
    WRITE_INTERACTIONS = "write:interactions"
    READ_LEADS = "read:leads"
    WRITE_LEADS = "write:leads"
    WRITE_OPPORTUNITIES = "write:opportunities"
    READ_CAMPAIGNS = "read:campaigns"
    WRITE_CAMPAIGNS = "write:campaigns"
    WRITE_CASES = "write:cases"
    READ_REPORTS = "read:reports"
    MANAGE_PARTNERS = "manage:partners"
    MANAGE_API_KEYS = "manage:api-keys"
    REGISTER_DOCUMENTS = "register:documents"
    READ_PAYMENTS = "read:payments"
    WRITE_PAYMENTS = "write:payments"
    MANAGE_TEMPLATES = "manage:templates"


C = Capability
PERMISSIONS: dict[Role, frozenset[Capability]] = {
    Role.SALES: frozenset(
        {
            C.READ_CUSTOMERS,
            C.READ_CREDIT_HOLD,
            C.WRITE_CUSTOMERS,
            C.WRITE_CONTACTS,
            C.WRITE_INTERACTIONS,
            C.READ_LEADS,
            C.WRITE_LEADS,
            C.WRITE_OPPORTUNITIES,
            C.READ_CAMPAIGNS,
            C.READ_REPORTS,
        }
    ),
    Role.SERVICE: frozenset(
        {
            C.READ_CUSTOMERS,
            C.READ_CREDIT_HOLD,
            C.READ_CREDIT,
            C.WRITE_CUSTOMERS,
            C.WRITE_CONTACTS,
            C.WRITE_INTERACTIONS,
            C.WRITE_CASES,
            C.READ_REPORTS,
            C.READ_PAYMENTS,
        }
    ),
    Role.MARKETING: frozenset(
        {
            C.READ_CUSTOMERS,
            C.READ_LEADS,
            C.WRITE_LEADS,
            C.READ_CAMPAIGNS,
            C.WRITE_CAMPAIGNS,
            C.READ_REPORTS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            C.READ_CUSTOMERS,
            C.READ_CREDIT_HOLD,
            C.READ_CREDIT,
            C.WRITE_CUSTOMERS,
            C.WRITE_CONTACTS,
            C.WRITE_INTERACTIONS,
            C.READ_LEADS,
            C.WRITE_LEADS,
            C.WRITE_OPPORTUNITIES,
            C.READ_CAMPAIGNS,
            C.WRITE_CAMPAIGNS,
            C.WRITE_CASES,
            C.MANAGE_PARTNERS,
            C.READ_REPORTS,
            C.READ_PAYMENTS,
            C.WRITE_PAYMENTS,
            C.MANAGE_TEMPLATES,
        }
    ),
    Role.ADMIN: frozenset(Capability),
    Role.PARTNER: frozenset(
        {C.READ_CUSTOMERS, C.WRITE_CONTACTS, C.WRITE_INTERACTIONS, C.READ_CAMPAIGNS}
    ),
}
"""Role -> what it may do. A principal may do what any of its roles may do.

``read:credit-hold`` is the ``creditHold`` flag alone (and the ``customers(creditHold:)``
filter, which would reveal it): sales must know not to sell on credit to a blocked customer.
``read:credit`` is the rest of the credit standing: ``creditHoldReason``, ``creditLimit``,
``paymentTerms`` and ``balance``. Partners see no leads at all (no ``read:leads``).
"""


def capabilities_of(principal: Principal | None) -> frozenset[Capability]:
    if principal is None:
        return frozenset()
    granted: set[Capability] = set()
    for role in principal.roles:
        granted |= PERMISSIONS.get(role, frozenset())
    if principal.is_partner:
        # A partner never gets more than the partner role, whatever other roles it claims.
        granted &= PERMISSIONS[Role.PARTNER]
    return frozenset(granted)


def can(principal: Principal | None, capability: Capability) -> bool:
    return capability in capabilities_of(principal)


class _Requires(BasePermission):
    capability: Capability

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return self.allows(info.context)

    def allows(self, context: Context) -> bool:
        """The verdict for any source and arguments: it depends on the principal alone
        (``resolvers.execution.hints.ContextPermission``)."""
        return can(context.principal, self.capability)


_REQUIRES: dict[Capability, type[BasePermission]] = {}


def requires(capability: Capability) -> type[BasePermission]:
    """The permission class for ``capability``: ``permission_classes=[requires(C.X)]``.

    A denial is an error coded ``FORBIDDEN`` that names the capability needed. A field with
    permission classes cannot have an argument whose Python name is ``source`` (strawberry's
    permission extension takes that keyword): name it ``source_`` with
    ``strawberry.argument(name="source")``, as ``leads`` does.
    """
    if capability not in _REQUIRES:
        _REQUIRES[capability] = type(
            f"Requires_{capability.name}",
            (_Requires,),
            {
                "capability": capability,
                "message": f"Not allowed: needs {capability.value}.",
                "error_extensions": {
                    "code": ErrorCode.FORBIDDEN.value,
                    "needs": capability.value,
                },
            },
        )
    return _REQUIRES[capability]


def require(info: Info, capability: Capability) -> Principal:
    """Imperative check inside a resolver; raises ``FORBIDDEN`` (or ``UNAUTHENTICATED``)."""
    principal = info.context.principal
    if principal is None:
        raise FrontdeskError("Authentication required.", code=ErrorCode.UNAUTHENTICATED)
    if not can(principal, capability):
        raise FrontdeskError(
            f"Not allowed: needs {capability.value}.",
            code=ErrorCode.FORBIDDEN,
            needs=capability.value,
        )
    return principal


def partner_scope(info: Info) -> str | None:
    """The partner id whose customers alone the principal may see; ``None``: no restriction.

    A partner principal without a partner id is scoped to the impossible partner ``""``
    so that it sees nothing rather than everything.
    """
    principal = info.context.principal
    if principal is None or not principal.is_partner:
        return None
    return principal.partner_id or ""


async def visible_customers(info: Info) -> frozenset[str] | None:
    """The customer numbers the principal may see; ``None``: no restriction.

    For a partner this is the set of customers assigned to it, read once per operation
    (the ``customers_by_partner`` loader caches it): lists filter by it in SQL or in the ERP
    search, single objects are checked against it.
    """
    scope = partner_scope(info)
    if scope is None:
        return None
    return await info.context.loaders.customers_by_partner.load(scope)


async def customer_visible(info: Info, customer_number: str | None) -> bool:
    """Whether the principal may see the customer ``customer_number`` at all.

    ``None`` (an object attached to no customer) is visible to everyone but partners.
    """
    numbers = await visible_customers(info)
    if numbers is None:
        return True
    return customer_number is not None and customer_number in numbers
