"""The GraphQL endpoint: strawberry's ASGI view with Frontdesk's context and orjson."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from strawberry.asgi import GraphQL

from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Context
from resolvers.loaders import Loaders
from workflows.validation import ContactRules

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from api.lifespan import AppState


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
        return Context(
            request=request,
            response=response if not hasattr(response, "receive") else None,
            request_id=request.scope.get("state", {}).get("request_id", ""),
            uow=uow,
            loaders=Loaders.create(uow=uow),
            contact_rules=ContactRules(default_phone_region=state.settings.crm_phone_region),
        )
