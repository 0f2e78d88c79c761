"""A second subgraph for federation tests: an orders service that extends ``Customer``.

It knows customers by number only (the ``@key`` Frontdesk declares) and adds
``Customer.orders``; ``recentOrders`` hands the gateway customer references that Frontdesk
must resolve through ``_entities``.
"""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

ORDERS: dict[str, list[tuple[str, int]]] = {
    "C10001": [("O-1", 120), ("O-2", 80)],
    "C10002": [("O-3", 15)],
    "C10003": [("O-4", 990)],
    "C10004": [],
    "C10005": [("O-5", 42)],
}


@strawberry.type
class Order:
    id: strawberry.ID
    total: int
    customer: Customer | None


@strawberry.federation.type(keys=["number"])
class Customer:
    number: str

    @strawberry.field
    def orders(self) -> list[Order]:
        return [
            Order(id=strawberry.ID(i), total=t, customer=Customer(number=self.number))
            for i, t in ORDERS.get(self.number, [])
        ]

    @classmethod
    def resolve_reference(cls, number: str) -> Customer:
        return cls(number=number)


@strawberry.type
class Query:
    @strawberry.field
    def recent_orders(self) -> list[Order]:
        return [
            Order(id=strawberry.ID(i), total=t, customer=Customer(number=number))
            for number, orders in ORDERS.items()
            for i, t in orders
        ]


def orders_app() -> Starlette:
    schema = strawberry.federation.Schema(query=Query)
    return Starlette(routes=[Route("/graphql", GraphQL(schema), methods=["GET", "POST"])])
