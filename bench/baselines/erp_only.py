"""Baseline (c): the simulated ERP alone, over the same HTTP stack.

A POST asks the latency-wrapped ERP for one customer and answers its name: the floor under
Frontdesk's uncached latency (the configured delay plus one HTTP round trip).
Serve with ``uvicorn --factory bench.baselines.erp_only:create``; the delay comes from
``BENCH_ERP_LATENCY_MS`` (20 by default).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import orjson
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from bench.baselines.data import demo_customers
from bench.baselines.memory_erp import InMemoryErpGateway
from erp_gateway.latency import LatencyErpGateway

if TYPE_CHECKING:
    from starlette.requests import Request


def create() -> Starlette:
    latency_s = float(os.environ.get("BENCH_ERP_LATENCY_MS", "20")) / 1000
    gateway = LatencyErpGateway(InMemoryErpGateway(demo_customers()), latency_s=latency_s)

    async def graphql(request: Request) -> Response:
        payload = orjson.loads(await request.body())
        number = payload.get("variables", {}).get("number")
        found = await gateway.get_customers([number])
        record = found.get(number)
        body = {"data": {"customer": None if record is None else {"name": record.name}}}
        return Response(orjson.dumps(body), media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
