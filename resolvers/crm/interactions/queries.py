"""Reading interactions one at a time (lists hang off Customer, Lead and Contact)."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.crm.ids import row_id
from resolvers.crm.interactions.types import Interaction
from resolvers.permissions import Capability, requires
from resolvers.scoping import only_visible


async def load_interaction_node(info: Info, key: str) -> Interaction | None:
    """``node(id)`` for ``Interaction:<id>``."""
    if not key.isdigit():
        return None
    row = await info.context.loaders.interaction_by_id.load(int(key))
    return Interaction.from_row(row) if row is not None else None


@strawberry.type
class InteractionQuery:
    @strawberry.field(
        description="An interaction by id; null when there is none.",
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def interaction(self, info: Info, id: strawberry.ID) -> Interaction | None:
        key = row_id(id, "Interaction")
        if key is None:
            return None
        row = await info.context.loaders.interaction_by_id.load(key)
        return await only_visible(info, Interaction.from_row(row) if row is not None else None)
