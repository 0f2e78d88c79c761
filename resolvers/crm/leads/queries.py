"""Reading leads: one by id, or a filtered list newest first."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_store.models.enums import LeadStatus as StoredStatus
from crm_store.repositories import LeadFilter, LeadRepository
from resolvers.context import Info
from resolvers.crm.enums import LeadStatus
from resolvers.crm.ids import row_id
from resolvers.crm.leads.types import Lead
from resolvers.errors import BadUserInput
from resolvers.pagination import Connection, connection, decode_cursor, page_size
from resolvers.permissions import Capability, requires
from resolvers.scoping import only_visible

MAX_SEARCH_LENGTH = 100


async def load_lead_node(info: Info, key: str) -> Lead | None:
    """``node(id)`` for ``Lead:<id>``."""
    if not key.isdigit():
        return None
    row = await info.context.loaders.lead_by_id.load(int(key))
    return Lead.from_row(row) if row is not None else None


def _after_id(after: str | None) -> int | None:
    values = decode_cursor(after, arity=1)
    if values is None:
        return None
    if not isinstance(values[0], int):
        raise BadUserInput("`after` is not a cursor this list gave out")
    return values[0]


@strawberry.type
class LeadQuery:
    @strawberry.field(
        description="A lead by id; null when there is none.",
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def lead(self, info: Info, id: strawberry.ID) -> Lead | None:
        key = row_id(id, "Lead")
        if key is None:
            return None
        row = await info.context.loaders.lead_by_id.load(key)
        return await only_visible(info, Lead.from_row(row) if row is not None else None)

    @strawberry.field(
        description=(
            "Leads, newest first. `search` matches name, company or e-mail (any case); "
            "the other filters match exactly. Partners see no leads (no read:leads)."
        ),
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def leads(
        self,
        info: Info,
        status: LeadStatus | None = None,
        owner: str | None = None,
        # Not ``source``: strawberry's permission extension takes that keyword for itself.
        source_: Annotated[str | None, strawberry.argument(name="source")] = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Lead]:
        size = page_size(first)
        after_id = _after_id(after)
        if search is not None and len(search) > MAX_SEARCH_LENGTH:
            raise BadUserInput(f"`search` is longer than {MAX_SEARCH_LENGTH} characters")
        filter = LeadFilter(
            status=StoredStatus(status.value) if status is not None else None,
            owner=owner,
            source=source_,
            search=search.strip() if search else None,
        )
        async with info.context.uow.session() as session:
            leads = LeadRepository(session)
            rows = await leads.page(filter, first=size, after_id=after_id)
            total = await leads.count(filter)
        return connection(
            rows,
            first=size,
            after=after,
            total_count=total,
            cursor_of=lambda row: [row.id],
            node_of=Lead.from_row,
        )
