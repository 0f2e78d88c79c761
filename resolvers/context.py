"""The typed context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import strawberry

from resolvers.limits import QueryLimits
from workflows.payments.import_csv import ImportLimits
from workflows.validation import ContactRules

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from crm_store.unit_of_work import UnitOfWork
    from resolvers.customers.erp_access import ErpAccess
    from resolvers.loaders import Loaders
    from resolvers.principal import Principal
    from workflows.events import Event, EventBus


@dataclass(slots=True, kw_only=True)
class Context:
    """Per-operation state: the request, its database work and its DataLoaders."""

    request: Request | WebSocket
    response: Response | None
    request_id: str
    uow: UnitOfWork
    loaders: Loaders
    contact_rules: ContactRules = field(default_factory=ContactRules)
    """How contact data is checked (the default phone region)."""
    extensions: dict[str, object] = field(default_factory=dict)
    """Response extensions that resolvers contribute to (merged into the result)."""
    principal: Principal | None = None
    """Who is asking; always set on HTTP (unauthenticated requests never get here)."""
    limits: QueryLimits = field(default_factory=QueryLimits)
    """The document limits checked before execution (``resolvers/limits.py``)."""
    erp: ErpAccess | None = None
    """The ERP gateway and this request's freshness policy."""
    events: EventBus | None = None
    """Subscription events; ``pending_events`` are published once the operation commits."""
    pending_events: list[Event] = field(default_factory=list)
    renew: Callable[[Context], Awaitable[UnitOfWork]] | None = None
    """Fresh loaders and unit of work for this context (a subscription, before each event
    it answers): ``await context.renew(context)``."""
    connection_params: dict[str, object] | None = None
    """A WebSocket's ``connection_init`` payload (its credentials)."""
    payment_import_limits: ImportLimits = field(default_factory=ImportLimits)
    """Size and row limits of ``importPayments``."""


Info: TypeAlias = strawberry.Info[Context, None]
