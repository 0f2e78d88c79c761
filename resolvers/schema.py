"""The schema, composed per domain: each domain contributes Query and Mutation classes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.federation import Schema as FederationSchema
from strawberry.printer import print_schema
from strawberry.tools import merge_types

from resolvers.context import Info
from resolvers.crm.leads.conversion import LeadConversionMutation
from resolvers.crm.schema_parts import CRM_MUTATIONS, CRM_NODE_LOADERS, CRM_QUERIES
from resolvers.customers.mutations import CustomerMutation
from resolvers.customers.queries import CustomerQueries, customer_node
from resolvers.documents import PreparedDocuments
from resolvers.execution import PlannedExecutor
from resolvers.extensions import OperationLifecycle
from resolvers.node import Node, NodeLoader, NodeRegistry
from resolvers.payments.schema_parts import (
    PAYMENT_MUTATIONS,
    PAYMENT_NODE_LOADERS,
    PAYMENT_QUERIES,
)
from resolvers.sales.schema_parts import SALES_MUTATIONS, SALES_NODE_LOADERS, SALES_QUERIES
from resolvers.security.mutations import SecurityMutation
from resolvers.subscriptions import LiveSubscription
from resolvers.system.queries import SystemQuery


def node_loaders() -> dict[str, NodeLoader]:
    """Every ``Node`` type's loader by type name (also federation's ``_entities`` for the
    types with ``NodeEntity`` and ``entity_key("id")``, see ``resolvers/entities.py``)."""
    return {
        "Customer": customer_node,
        **CRM_NODE_LOADERS,
        **SALES_NODE_LOADERS,
        **PAYMENT_NODE_LOADERS,
    }


NODE_REGISTRY = NodeRegistry(node_loaders())


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await NODE_REGISTRY.resolve(info, id)


def query_types() -> tuple[type, ...]:
    return (SystemQuery, NodeQuery, CustomerQueries, *CRM_QUERIES, *SALES_QUERIES, *PAYMENT_QUERIES)


def mutation_types() -> tuple[type, ...]:
    return (
        *CRM_MUTATIONS,
        *SALES_MUTATIONS,
        SecurityMutation,
        CustomerMutation,
        LeadConversionMutation,
        *PAYMENT_MUTATIONS,
    )


def subscription_types() -> tuple[type, ...]:
    return (LiveSubscription,)


def extensions() -> Sequence[Callable[[], SchemaExtension]]:
    return [
        PreparedDocuments,
        OperationLifecycle,
    ]


def build_schema(*, planned_execution: bool = True) -> strawberry.Schema:
    """The served schema: a Federation 2 subgraph (``_service``, ``_entities``, ``@key``).

    ``planned_execution`` runs queries on ``PlannedExecutor`` (``resolvers/execution``);
    false leaves every operation to graphql-core's executor (``FRONTDESK_PLANNED_EXECUTION``,
    a switch for operators and the benchmark's measure of what the plan buys)."""
    query = merge_types("Query", query_types())
    mutations = mutation_types()
    mutation = merge_types("Mutation", mutations) if mutations else None
    subscription = merge_types("Subscription", subscription_types())
    return FederationSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=extensions(),
        execution_context_class=PlannedExecutor if planned_execution else None,
    )


def export_sdl() -> str:
    """The SDL that ``schema.graphql`` must hold (what clients see, federation fields too)."""
    return build_schema().as_str() + "\n"


def export_subgraph_sdl() -> str:
    """The subgraph SDL a supergraph composes (``{ _service { sdl } }``, with directives)."""
    return print_schema(build_schema()).rstrip("\n") + "\n"
