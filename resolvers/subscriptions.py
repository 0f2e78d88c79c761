"""Subscriptions: ``customerChanged``, ``interactionLogged`` and ``leadChanged``.

Each waits on the process's event bus (``workflows.events``) and, per event, loads the
object afresh (new loaders and a new unit of work, so neither a DataLoader's memo nor an old
transaction hides the change) under the same rules as a query: the capability, and for a
partner only its own customers.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Info
from resolvers.crm.ids import row_id
from resolvers.crm.interactions.types import Interaction
from resolvers.crm.leads.types import Lead
from resolvers.customers.queries import load_customer
from resolvers.customers.types import Customer
from resolvers.errors import BadUserInput, ErrorCode, FrontdeskError
from resolvers.permissions import Capability, customer_visible, requires
from workflows.events import EventBus, Topic

MAX_NUMBERS = 100


def _bus(info: Info) -> EventBus:
    if info.context.events is None:
        raise FrontdeskError("Subscriptions are not available here.", code=ErrorCode.INTERNAL)
    return info.context.events


async def _renew(info: Info) -> UnitOfWork:
    """Fresh loaders and unit of work for one event; the caller closes the unit of work
    once the event is answered (a cancelled subscription never reaches the end of its
    operation, where it would be closed otherwise)."""
    if info.context.renew is not None:
        return await info.context.renew(info.context)
    return info.context.uow


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description=(
            "The fresh customer each time the ERP changes it (ERP webhook, change feed, or "
            "Frontdesk's own ERP writes); only `numbers` when given, else every customer the "
            "principal may see."
        ),
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def customer_changed(
        self, info: Info, numbers: list[str] | None = None
    ) -> AsyncGenerator[Customer, None]:
        if numbers is not None and len(numbers) > MAX_NUMBERS:
            raise BadUserInput(f"`numbers` holds more than {MAX_NUMBERS} customer numbers")
        with _bus(info).subscription(Topic.CUSTOMER, numbers) as queue:
            while True:
                event = await queue.get()
                uow = await _renew(info)
                try:
                    customer = await load_customer(info, event.key)
                    if customer is not None:
                        yield customer  # its fields resolve before the generator resumes
                finally:
                    await uow.close()

    @strawberry.subscription(
        description=(
            "Each interaction logged on the customer from now on; for a customer the "
            "principal may not see, none (the subscription ends at once)."
        ),
        permission_classes=[requires(Capability.READ_CUSTOMERS)],
    )
    async def interaction_logged(
        self, info: Info, customer_number: str
    ) -> AsyncGenerator[Interaction, None]:
        try:
            visible = await customer_visible(info, customer_number)
        finally:
            await info.context.uow.close()
        if not visible:
            return
        with _bus(info).subscription(Topic.INTERACTION, [customer_number]) as queue:
            while True:
                event = await queue.get()
                if not event.ref.isdigit():
                    continue
                uow = await _renew(info)
                try:
                    row = await info.context.loaders.interaction_by_id.load(int(event.ref))
                    if row is not None:
                        yield Interaction.from_row(row)
                finally:
                    await uow.close()

    @strawberry.subscription(
        description="The lead each time it is changed or moves a step.",
        permission_classes=[requires(Capability.READ_LEADS)],
    )
    async def lead_changed(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Lead, None]:
        key = row_id(id, "Lead")
        if key is None:
            raise BadUserInput("`id` is not a Lead id")
        with _bus(info).subscription(Topic.LEAD, [str(key)]) as queue:
            while True:
                await queue.get()
                uow = await _renew(info)
                try:
                    row = await info.context.loaders.lead_by_id.load(key)
                    if row is not None:
                        yield Lead.from_row(row)
                finally:
                    await uow.close()
