"""The load generator's ceiling check: raw Starlette, the same customer JSON, no GraphQL.

The fastest server the benchmark can start here; if the generator drives it well above
every GraphQL server, the generator is not what limits the figures.
Serve with ``uvicorn --factory bench.baselines.raw:create``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from bench.baselines.data import demo_customers

if TYPE_CHECKING:
    from starlette.requests import Request


async def graphql(request: Request) -> Response:
    payload = orjson.loads(await request.body())
    number = payload.get("variables", {}).get("number")
    record = demo_customers().get(number)
    customer = None if record is None else {"id": f"Customer:{number}", "name": record.name}
    return Response(orjson.dumps({"data": {"customer": customer}}), media_type="application/json")


def create() -> Starlette:
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
