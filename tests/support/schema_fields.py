"""The schema's root fields, enumerated: for tests that must cover every field automatically.

``root_fields()`` lists every field of Query, Mutation and Subscription with its required
arguments, so a test (such as "a partner cannot reach another partner's customers through
any root field") is extended by itself when a field is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLNonNull, Undefined, get_named_type

from resolvers.schema import build_schema

if TYPE_CHECKING:
    from graphql import GraphQLSchema


@dataclass(frozen=True, slots=True)
class RootField:
    operation: str
    """``query``, ``mutation`` or ``subscription``."""
    name: str
    required_arguments: dict[str, str]
    """Argument name -> type (as SDL) for the arguments a call must give."""
    returns: str
    """The named type the field returns."""
    permission_classes: tuple[str, ...]
    """Names of the strawberry permission classes declared on the field."""


def root_fields(schema: GraphQLSchema | None = None) -> list[RootField]:
    graphql_schema = schema or build_schema()._schema
    fields: list[RootField] = []
    for operation, root in (
        ("query", graphql_schema.query_type),
        ("mutation", graphql_schema.mutation_type),
        ("subscription", graphql_schema.subscription_type),
    ):
        if root is None:
            continue
        for name, field in root.fields.items():
            if name.startswith("_"):
                continue
            required = {
                argument_name: str(argument.type)
                for argument_name, argument in field.args.items()
                if isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
            }
            strawberry_field = field.extensions.get("strawberry-definition")
            permissions = tuple(
                type(p).__name__ if not isinstance(p, type) else p.__name__
                for p in getattr(strawberry_field, "permission_classes", ()) or ()
            )
            fields.append(
                RootField(
                    operation=operation,
                    name=name,
                    required_arguments=required,
                    returns=get_named_type(field.type).name,
                    permission_classes=permissions,
                )
            )
    return fields
