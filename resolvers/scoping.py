"""Partner scoping of every ``Node`` type: whose customer an object is, what reading it needs.

Each type implementing ``Node`` declares its rule once, above its class:

    @scoped(Capability.READ_CUSTOMERS, customer="customer_number")
    @strawberry.type
    class Contact(Node): ...

- ``needs``: the capability to read the type at all; ``node(id)`` answers ``FORBIDDEN``
  without it (before anything is loaded).
- ``customer``: the attribute holding the number of the customer the object belongs to; a
  partner sees the object only when that customer is assigned to it. ``partner``: instead,
  an async predicate (a campaign is visible when one of the partner's customers is a member).
  With neither, a partner never sees the type. A type without ``@scoped`` is hidden from
  partners too (fail closed), and ``tests/resolvers/test_scoping.py`` fails until it has one.

Entry points apply the rule: ``only_visible(info, obj)`` for a root lookup or a nested
reference (an object out of scope is ``None``, as if it did not exist), the ``node`` query
through ``NodeRegistry``, ``visible_customers(info)`` for lists (filter in SQL or in the ERP
search), and ``scope_errors``/``object_scope_errors`` for mutations (a ``FORBIDDEN`` user
error at the input field; nothing is written).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.types.base import get_object_definition

from resolvers.context import Info
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.permissions import Capability, customer_visible, partner_scope, require

T = TypeVar("T")

PartnerRule = Callable[[Info, Any], Awaitable[bool]]

OUT_OF_SCOPE = "Not one of your partner's customers (or there is no such thing)."


@dataclass(frozen=True, slots=True)
class Visibility:
    """Who may see objects of one GraphQL type."""

    needs: Capability
    customer: str | None = None
    partner: PartnerRule | None = None


_BY_NAME: dict[str, Visibility] = {}
_BY_CLASS: dict[type, Visibility] = {}


def scoped(
    needs: Capability, *, customer: str | None = None, partner: PartnerRule | None = None
) -> Callable[[type[T]], type[T]]:
    """Class decorator (above ``@strawberry.type``) declaring a type's visibility rule."""

    def register(cls: type[T]) -> type[T]:
        name = get_object_definition(cls, strict=True).name
        rule = Visibility(needs=needs, customer=customer, partner=partner)
        _BY_NAME[name] = rule
        _BY_CLASS[cls] = rule
        return cls

    return register


def visibility_of(type_name: str) -> Visibility | None:
    """The declared rule of the GraphQL type ``type_name``, ``None`` when there is none."""
    return _BY_NAME.get(type_name)


def require_readable(info: Info, type_name: str) -> None:
    """``FORBIDDEN`` unless the principal may read ``type_name`` (for ``node(id)``)."""
    rule = _BY_NAME.get(type_name)
    if rule is not None:
        require(info, rule.needs)


async def visible(info: Info, obj: object) -> bool:
    """Whether the principal's partner scope reaches ``obj`` (always true for non-partners)."""
    if partner_scope(info) is None:
        return True
    rule = _BY_CLASS.get(type(obj))
    if rule is None:
        return False
    if rule.partner is not None:
        return await rule.partner(info, obj)
    if rule.customer is None:
        return False
    number = getattr(obj, rule.customer)
    return isinstance(number, str) and await customer_visible(info, number)


async def only_visible(info: Info, obj: T | None) -> T | None:
    """``obj`` when the principal may see it, else ``None`` (as if there were none)."""
    if obj is None or not await visible(info, obj):
        return None
    return obj


async def scope_errors(info: Info, customer_number: str | None, *field: str) -> list[UserError]:
    """No errors when the principal may act on the customer, else ``FORBIDDEN`` at ``field``.

    For a partner, a number outside its customers is refused whether or not the customer
    exists; everyone else passes. The number is compared as the workflows store it (trimmed).
    ``field`` is the path below ``input`` (e.g. ``"customerNumbers", "2"`` in a list).
    """
    if partner_scope(info) is None:
        return []
    number = customer_number.strip() if customer_number else None
    if await customer_visible(info, number):
        return []
    return [user_error(ErrorCode.FORBIDDEN, OUT_OF_SCOPE, "input", *field)]


async def object_scope_errors(
    info: Info, load: Callable[[], Awaitable[object | None]], field: str
) -> list[UserError]:
    """The same for an object named by id: ``load`` runs only for partners.

    An id that names nothing is refused like one out of scope, so a partner learns nothing
    about other partners' ids.
    """
    if partner_scope(info) is None:
        return []
    obj = await load()
    if obj is not None and await visible(info, obj):
        return []
    return [user_error(ErrorCode.FORBIDDEN, OUT_OF_SCOPE, "input", field)]
