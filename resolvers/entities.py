"""Federation entities: the types other subgraphs may reference and extend.

- ``Customer`` is keyed by ``number`` (``resolvers/customers/types.py``), resolved through
  ``customer_by_number`` with partner scoping, exactly as ``customer(number)``.
- ``Node`` types are keyed by their global ``id`` and resolved through the same loader as
  ``node(id)``: ``@strawberry.type(directives=entity_key("id"))`` plus ``NodeEntity`` among
  the bases (Lead, Contact; Opportunity registers the same way when it exists).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from resolvers.context import Info


def entity_key(fields: str) -> list[Any]:
    """``directives=`` for an entity keyed by ``fields`` (``@key(fields: ...)``)."""
    return [Key(fields=FieldSet(fields))]


class NodeEntity:
    """Makes a ``Node`` type resolvable by reference (``_entities``) through its node loader."""

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Any:
        from resolvers.schema import NODE_REGISTRY  # the schema imports every type

        found = await NODE_REGISTRY.resolve(info, id)
        return found if isinstance(found, cls) else None
