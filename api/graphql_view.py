"""The GraphQL endpoint: strawberry's ASGI view with Frontdesk's context and orjson.

It also speaks the GraphQL-over-HTTP media type: a client that accepts
``application/graphql-response+json`` gets it, with status 400 and no ``data`` entry when the
request fails before execution (parse, validation, variable coercion, query limits);
``application/json`` clients keep the older behaviour (200 with ``data: null``).
Persisted queries are resolved here, before the schema sees the request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api.auth.jwt import AuthUnavailable
from api.metrics import operation_label
from api.notices import import_limits
from api.persisted_queries import PersistedQueryError
from api.plain_queries import PlainQueries
from api.websocket_auth import credentials_of, watch_credentials
from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Context
from resolvers.customers.erp_access import ErpAccess
from resolvers.errors import ErrorCode
from resolvers.loaders import Loaders
from workflows.validation import ContactRules

if TYPE_CHECKING:
    from cross_web import AsyncHTTPRequestAdapter
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket
    from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
    from strawberry.schema.base import BaseSchema

    from api.lifespan import AppState
    from api.security import Security

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def wants_live_erp(request: Request | WebSocket) -> bool:
    """``Cache-Control: no-cache`` (or ``no-store``): read the ERP live for this request."""
    directives = request.headers.get("cache-control", "").lower()
    return any(d.strip() in ("no-cache", "no-store") for d in directives.split(","))


def _operation_name(request_data: object) -> str:
    """``operationName``, else the document's first named operation, else "anonymous"."""
    if isinstance(request_data, list):
        return "batch"
    return operation_label(
        getattr(request_data, "query", None), getattr(request_data, "operation_name", None)
    )


@lru_cache(maxsize=256)
def is_subscription(query: str, operation_name: str | None) -> bool:
    """Whether the operation to run is a subscription (parsed only for documents that say
    ``subscription`` at all; a document that does not parse is left to the executor)."""
    if "subscription" not in query:
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation is OperationType.SUBSCRIPTION


def _orjson_default(value: Any) -> Any:
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def wants_graphql_response(request: Request) -> bool:
    """The client accepts the GraphQL-over-HTTP media type (and so its status codes)."""
    return GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")


def is_request_error(result: ExecutionResult) -> bool:
    """Failed before execution: no data, and no error at a field's path."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


PREFLIGHT_HEADERS = ("graphql-preflight", "apollo-require-preflight", "x-apollo-operation-name")
"""One of these must come with a multipart request: a cross-site HTML form cannot send a
header, so it cannot post an upload with the visitor's browser (CSRF)."""


class FrontdeskGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, *, plain_queries: bool = True, **options: Any) -> None:
        super().__init__(schema, **options)
        self.plain_queries = PlainQueries(schema, enabled=plain_queries)  # type: ignore[arg-type]

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        """File uploads (GraphQL multipart request spec), only with a preflight header."""
        if not any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
            raise HTTPException(
                400,
                "A multipart request needs a `GraphQL-Preflight: 1` header "
                "(or Apollo-Require-Preflight), so that a cross-site form cannot send one.",
            )
        return await super().parse_multipart(request)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data, default=_orjson_default)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state: AppState = request.app.state.frontdesk
        security: Security = request.app.state.security
        uow = UnitOfWork(state.sessionmaker)
        if isinstance(request, StarletteRequest):
            request.state.uow = uow
        scope_state = request.scope.get("state", {})
        extensions: dict[str, object] = {}
        erp = ErpAccess(
            gateway=state.erp.gateway,
            live=wants_live_erp(request),
            circuit=lambda: state.erp.breaker.state,
            extensions=extensions,
            max_page=state.settings.customers_max_page,
        )
        context = Context(
            request=request,
            response=response if not hasattr(response, "receive") else None,
            request_id=scope_state.get("request_id", ""),
            uow=uow,
            loaders=Loaders.create(uow=uow, erp=erp),
            extensions=extensions,
            erp=erp,
            contact_rules=ContactRules(default_phone_region=state.settings.crm_phone_region),
            principal=scope_state.get("principal"),
            limits=security.limits,
            events=state.events,
            payment_import_limits=import_limits(state.settings),
        )

        # The function takes the context it renews: a closure holding it would make the
        # context, and everything its loaders read, garbage only the cycle collector frees.
        async def renew(renewed: Context) -> UnitOfWork:
            await renewed.uow.close()
            renewed.uow = fresh = UnitOfWork(state.sessionmaker)
            renewed.loaders = Loaders.create(uow=fresh, erp=erp)
            return fresh

        context.renew = renew
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType:
        """Authenticate the socket from its headers or its ``connection_init`` payload."""
        websocket = context.request
        security: Security = websocket.app.state.security
        state: AppState = websocket.app.state.frontdesk
        credentials = credentials_of(websocket, context.connection_params)  # type: ignore[arg-type]
        try:
            principal = (
                await security.authenticator.authenticate(credentials) if credentials else None
            )
        except AuthUnavailable as exc:
            raise ConnectionRejectionError({"reason": "Try again later"}) from exc
        if principal is None:
            raise ConnectionRejectionError({"reason": "Unauthorized"})
        context.principal = principal
        websocket.state.credentials_watch = asyncio.get_running_loop().create_task(
            watch_credentials(
                websocket,  # type: ignore[arg-type]
                security.authenticator,
                credentials,  # type: ignore[arg-type]
                every=state.settings.subscription_auth_recheck,
            )
        )
        acknowledged: UnsetType = UNSET  # connection_ack without a payload
        return acknowledged

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if context.principal is None:
            # The middleware lets only GraphiQL's page through without credentials; should
            # anything else slip past it, nothing runs.
            error = GraphQLError(
                "Authentication required.", extensions={"code": ErrorCode.UNAUTHENTICATED.value}
            )
            return ExecutionResult(data=None, errors=[error])
        security: Security = request.app.state.security
        try:
            document = await security.persisted_queries.document(
                request_data.query, request_data.extensions, context.principal
            )
        except PersistedQueryError as exc:
            error = GraphQLError(exc.message, extensions={"code": exc.code})
            return ExecutionResult(data=None, errors=[error])
        if document is not request_data.query:
            request_data = dataclasses.replace(request_data, query=document)
        name = request_data.operation_name
        if (
            isinstance(document, str)
            and (name is None or isinstance(name, str))
            and is_subscription(document, name)
        ):
            request.state.refused_status = 400
            error = GraphQLError(
                "Subscriptions run over WebSocket (graphql-transport-ws or graphql-ws on "
                "/graphql), not over an HTTP request.",
                extensions={"code": "BAD_REQUEST"},
            )
            return ExecutionResult(data=None, errors=[error])
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if wants_graphql_response(request):
            request.state.graphql_response_json = True
            if is_request_error(result):
                request.state.graphql_request_error = True
                processed.pop("data", None)
        return processed

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        try:
            plain = None
            if isinstance(request, StarletteRequest) and context is UNSET:
                plain = await self.plain_queries.answer(self, request)
            response = (
                plain if plain is not None else await super().run(request, context, root_value)
            )
        except BaseException:
            # A query's session is closed once its response is sent; there is none.
            uow = getattr(request.state, "uow", None)
            if isinstance(uow, UnitOfWork):
                await uow.close()
            raise
        finally:
            watch = getattr(request.state, "credentials_watch", None)
            if watch is not None:
                watch.cancel()
            if isinstance(request, StarletteRequest):
                # Closes the spooled files of a multipart upload, used or not.
                await request.close()
        if not isinstance(response, StarletteResponse):
            return response
        state = request.state
        refused = getattr(state, "refused_status", None)
        if refused is not None:
            response.status_code = refused
        if getattr(state, "graphql_response_json", False):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
            if getattr(state, "graphql_request_error", False):
                response.status_code = 400
        return response

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
            self.record_operation(request, _operation_name(request_data), ok=ok, started=started)

    def record_operation(self, request: Request, label: str, *, ok: bool, started: float) -> None:
        """Count and time one operation by name for ``/metrics`` (the plain query path's too)."""
        state: AppState = request.app.state.frontdesk
        state.metrics.graphql_request(label, ok=ok, seconds=time.perf_counter() - started)
