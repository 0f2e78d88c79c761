"""``customer(number)``, ``customers(...)`` and the Customer node loader.

A partner sees only its assigned customers: ``customer`` answers null for any other number
without asking the ERP, and ``customers`` hands the assigned numbers to the ERP search
(``CustomerQuery.numbers``), so paging, ``hasNextPage`` and ``totalCount`` are the ERP's own
over the partner's customers alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import partial

import strawberry

from erp_gateway.errors import ErpUnavailable
from erp_gateway.freshness import Fetched, search_customers
from erp_gateway.records import CustomerQuery as ErpCustomerQuery
from resolvers.context import Context, Info
from resolvers.customers.erp_fields import ErpUnavailableError
from resolvers.customers.prefetch import prefetch_crm, queue_interactions
from resolvers.customers.types import Customer
from resolvers.errors import BadUserInput
from resolvers.execution.hints import read_ahead
from resolvers.execution.read_ahead import Asked
from resolvers.pagination import (
    MAX_PAGE_SIZE,
    Connection,
    Edge,
    PageInfo,
    decode_cursor,
    page_info,
    page_size,
)
from resolvers.permissions import Capability, customer_visible, require, requires, visible_customers

MAX_SEARCH_LENGTH = 100


def _keyset(number: str) -> list[str]:
    return [number]


def _customer_ahead(asked: Asked, context: Context) -> Awaitable[object] | None:
    """``customer(number:)``'s ERP read, sent before execution (``read_ahead.py``): the very
    load ``load_customer`` makes, for any principal but a partner (whose assignments are read
    first, and may answer null without asking the ERP). The CRM pages its selection asks for
    are queued a loop turn later, as ``load_customer`` queues them: the ERP call goes out
    first."""
    number = asked.arguments.get("number")
    principal = context.principal
    if not isinstance(number, str) or principal is None or principal.is_partner:
        return None
    loaders = context.loaders
    loading: Awaitable[object] = loaders.customer_by_number.load(number)
    asyncio.get_running_loop().call_soon(
        partial(
            queue_interactions,
            loaders,
            number,
            (asked.node,),
            asked.fragments,
            asked.variables,
        )
    )
    return loading


async def load_customer(info: Info, number: str, *, prefetch: bool = False) -> Customer | None:
    """The customer, None when the ERP says there is none (or it is out of the principal's
    scope); number only when the ERP cannot say. Federation's ``_entities`` and the
    subscriptions load customers through this too, so a partner reaches no other partner's
    customer through a gateway or an event.

    ``prefetch`` queues the CRM pages the selection asks for (``prefetch_crm``) one loop
    tick after the ERP read, before the read is awaited: the ERP call, the longest wait,
    goes out first (its loader dispatches a tick ahead of the CRM loader, and the cache starts
    the call in a task of its own), and the CRM statement runs during it."""
    if not await customer_visible(info, number):
        return None
    loading = info.context.loaders.customer_by_number.load(number)
    if prefetch:
        asyncio.get_running_loop().call_soon(prefetch_crm, info, number)
    try:
        fetched = await loading
    except ErpUnavailable:
        return Customer.from_number(number)  # its ERP fields will report ERP_UNAVAILABLE
    if fetched is None:
        return None
    return Customer.from_erp(fetched.record, stale=fetched.stale)


async def customer_node(info: Info, key: str) -> Customer | None:
    return await load_customer(info, key)


@strawberry.type
class CustomerQueries:
    @strawberry.field(
        description="A customer by number; null when the ERP has no such customer.",
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
        metadata=read_ahead(_customer_ahead),
    )
    async def customer(self, info: Info, number: str) -> Customer | None:
        # the CRM query runs while the ERP call is in flight
        return await load_customer(info, number, prefetch=True)

    @strawberry.field(
        description=(
            "Customers ordered by number: `search` matches number, name or tax id. "
            "Filtering by `creditHold` needs read:credit-hold."
        ),
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def customers(
        self,
        info: Info,
        search: str | None = None,
        credit_hold: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer]:
        erp = info.context.erp
        size = page_size(first, maximum=erp.max_page if erp is not None else MAX_PAGE_SIZE)
        if search is not None and len(search) > MAX_SEARCH_LENGTH:
            raise BadUserInput(f"`search` is longer than {MAX_SEARCH_LENGTH} characters")
        cursor = decode_cursor(after, arity=1)
        after_number = cursor[0] if cursor is not None else None
        if cursor is not None and not isinstance(after_number, str):
            raise BadUserInput("`after` is not a cursor this list gave out")
        if credit_hold is not None:
            require(info, Capability.READ_CREDIT_HOLD)  # the filter would reveal the flag
        scope = await visible_customers(info)
        if scope is not None and not scope:
            empty = PageInfo(has_next_page=False, has_previous_page=after is not None)
            return Connection(edges=[], page_info=empty, total_count=0)
        if erp is None:
            raise ErpUnavailableError("No ERP is configured.")
        query = ErpCustomerQuery(
            text=search or None,
            credit_hold=credit_hold,
            limit=size,
            after=after_number if isinstance(after_number, str) else None,
            numbers=tuple(sorted(scope)) if scope is not None else None,
        )
        erp.asking()
        try:
            page = await search_customers(erp.gateway, query, live=erp.live)
        except ErpUnavailable as exc:
            raise ErpUnavailableError.because(exc) from exc
        erp.note(Fetched(record) for record in page.items)
        edges = [
            Edge(node=Customer.from_erp(record), keyset=partial(_keyset, record.number))
            for record in page.items
        ]
        return Connection(
            edges=edges,
            page_info=page_info(
                edges, has_next_page=page.has_next, has_previous_page=after is not None
            ),
            total_count=page.total if page.total is not None else len(edges),
        )
