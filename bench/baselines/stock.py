"""Baseline (a): stock strawberry answering ``customer(number) { id name }`` from memory.

Async resolvers, no parser or validation cache, the standard library's json: what a first
strawberry service looks like. Serve with ``uvicorn --factory bench.baselines.stock:create``.
"""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from bench.baselines.data import demo_customers


@strawberry.type
class Customer:
    id: strawberry.ID
    name: str


@strawberry.type
class Query:
    @strawberry.field
    async def customer(self, number: str) -> Customer | None:
        record = demo_customers().get(number)
        if record is None:
            return None
        return Customer(id=strawberry.ID(f"Customer:{number}"), name=record.name)


def create() -> Starlette:
    schema = strawberry.Schema(query=Query)
    return Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None))])
