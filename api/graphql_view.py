"""The GraphQL endpoint: strawberry's ASGI view with Frontdesk's context and orjson."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import orjson
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Context
from resolvers.customers.erp_access import ErpAccess
from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket
    from strawberry.http import GraphQLRequestData

    from api.lifespan import AppState


def wants_live_erp(request: Request | WebSocket) -> bool:
    """``Cache-Control: no-cache`` (or ``no-store``): read the ERP live for this request."""
    directives = request.headers.get("cache-control", "").lower()
    return any(d.strip() in ("no-cache", "no-store") for d in directives.split(","))


_NAMED_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def _operation_name(request_data: object) -> str:
    """``operationName``, else the document's first named operation, else "anonymous"."""
    if isinstance(request_data, list):
        return "batch"
    name = getattr(request_data, "operation_name", None)
    if isinstance(name, str) and name:
        return name
    query = getattr(request_data, "query", None)
    found = _NAMED_OPERATION.search(query) if isinstance(query, str) else None
    return found.group(1) if found else "anonymous"


def _orjson_default(value: Any) -> Any:
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


class FrontdeskGraphQL(GraphQL[Context, None]):
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data, default=_orjson_default)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state: AppState = request.app.state.frontdesk
        uow = UnitOfWork(state.sessionmaker)
        extensions: dict[str, object] = {}
        erp = ErpAccess(
            gateway=state.erp.gateway,
            live=wants_live_erp(request),
            circuit=lambda: state.erp.breaker.state,
            extensions=extensions,
        )
        return Context(
            request=request,
            response=response if not hasattr(response, "receive") else None,
            request_id=request.scope.get("state", {}).get("request_id", ""),
            uow=uow,
            loaders=Loaders.create(uow=uow, erp=erp),
            extensions=extensions,
            erp=erp,
        )

    async def execute_operation(
        self,
        request: Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Any,
    ) -> Any:
        """Counts and times each operation by name for ``/metrics``."""
        started = time.perf_counter()
        ok = False
        try:
            result = await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
            ok = not (isinstance(result, ExecutionResult) and result.errors)
            return result
        finally:
            state: AppState = request.app.state.frontdesk
            state.metrics.graphql_request(
                _operation_name(request_data), ok=ok, seconds=time.perf_counter() - started
            )
