"""Baseline (b): a naive strawberry implementation of Frontdesk's customer types.

The same shape as the contract (ERP fields, addresses, money, the last interactions as a
connection) served from memory with async resolvers and nothing tuned: no parser or
validation cache, standard json, a coroutine per list. Serve with
``uvicorn --factory bench.baselines.naive:create``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from bench.baselines.data import demo_customers, demo_interactions
from erp_gateway.records import Address as ErpAddress
from erp_gateway.records import ErpCustomer
from erp_gateway.records import Money as ErpMoney

MAX_PAGE = 500


@strawberry.type
class Money:
    amount: Decimal
    currency: str


@strawberry.type
class Address:
    street: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None


@strawberry.type
class Interaction:
    id: strawberry.ID
    kind: str
    subject: str
    occurred_at: dt.datetime


@strawberry.type
class InteractionEdge:
    cursor: str
    node: Interaction


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class InteractionConnection:
    edges: list[InteractionEdge]
    page_info: PageInfo
    total_count: int


def _money(value: ErpMoney | None) -> Money | None:
    return None if value is None else Money(amount=value.amount, currency=value.currency)


def _address(value: ErpAddress | None) -> Address | None:
    if value is None:
        return None
    return Address(
        street=value.street,
        city=value.city,
        postal_code=value.postal_code,
        region=value.region,
        country=value.country,
    )


@strawberry.type
class Customer:
    id: strawberry.ID
    number: str
    name: str | None
    tax_id: str | None
    credit_hold: bool | None
    credit_hold_reason: str | None
    credit_limit: Money | None
    payment_terms: str | None
    balance: Money | None
    email: str | None
    billing_address: Address | None
    shipping_address: Address | None
    erp_fetched_at: dt.datetime | None
    erp_stale: bool
    erp_version: str | None

    @strawberry.field
    async def interactions(self, first: int = 10) -> InteractionConnection:
        items = demo_interactions().get(self.number, ())
        chosen = items[:first]
        edges = [
            InteractionEdge(
                cursor=item.id,
                node=Interaction(
                    id=strawberry.ID(item.id),
                    kind=item.kind,
                    subject=item.subject,
                    occurred_at=item.occurred_at,
                ),
            )
            for item in chosen
        ]
        return InteractionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(items) > first, end_cursor=chosen[-1].id if chosen else None
            ),
            total_count=len(items),
        )

    @classmethod
    def from_erp(cls, record: ErpCustomer) -> Customer:
        return cls(
            id=strawberry.ID(f"Customer:{record.number}"),
            number=record.number,
            name=record.name,
            tax_id=record.tax_id,
            credit_hold=record.credit_hold,
            credit_hold_reason=record.credit_hold_reason,
            credit_limit=_money(record.credit_limit),
            payment_terms=record.payment_terms,
            balance=_money(record.balance),
            email=record.email,
            billing_address=_address(record.billing_address),
            shipping_address=_address(record.shipping_address),
            erp_fetched_at=record.fetched_at,
            erp_stale=False,
            erp_version=record.version,
        )


@strawberry.type
class CustomerEdge:
    cursor: str
    node: Customer


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo


@strawberry.type
class Query:
    @strawberry.field
    async def customer(self, number: str) -> Customer | None:
        record = demo_customers().get(number)
        return None if record is None else Customer.from_erp(record)

    @strawberry.field
    async def customers(self, first: int = 50, after: str | None = None) -> CustomerConnection:
        first = min(first, MAX_PAGE)
        numbers = [n for n in demo_customers() if after is None or n > after]
        chosen = numbers[:first]
        return CustomerConnection(
            edges=[
                CustomerEdge(cursor=n, node=Customer.from_erp(demo_customers()[n])) for n in chosen
            ],
            page_info=PageInfo(
                has_next_page=len(numbers) > first, end_cursor=chosen[-1] if chosen else None
            ),
        )


def create() -> Starlette:
    schema = strawberry.Schema(query=Query)
    return Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None))])
