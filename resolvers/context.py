"""The typed context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import strawberry

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from crm_store.unit_of_work import UnitOfWork
    from resolvers.customers.erp_access import ErpAccess
    from resolvers.loaders import Loaders


@dataclass(slots=True, kw_only=True)
class Context:
    """Per-operation state: the request, its database work and its DataLoaders."""

    request: Request | WebSocket
    response: Response | None
    request_id: str
    uow: UnitOfWork
    loaders: Loaders
    extensions: dict[str, object] = field(default_factory=dict)
    """Response extensions that resolvers contribute to (merged into the result)."""
    erp: ErpAccess | None = None
    """The ERP gateway and this request's freshness policy."""


Info: TypeAlias = strawberry.Info[Context, None]
