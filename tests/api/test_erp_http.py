"""The ERP's HTTP surface: the signed webhook, readiness, metrics and the demo command."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from api.erp import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from api.settings import Settings
from tests.support.erp import CountingGateway, running_app
from tests.support.graphql import gql

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

SECRET = "s3cret-shared-with-the-erp"
QUERY = '{ customer(number: "C10001") { name } }'


def signed(body: Any, *, secret: str = SECRET, at: float | None = None) -> dict[str, Any]:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    timestamp = str(int(at if at is not None else time.time()))
    return {
        "content": raw,
        "headers": {
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, raw),
            "content-type": "application/json",
        },
    }


def shared_settings(tmp_path: Path, demo_erp: DemoErp, redis_url: str, namespace: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        erp_sql_url=demo_erp.url,
        cache_url=redis_url,
        cache_namespace=namespace,
        erp_webhook_secret=SECRET,
    )


async def test_the_webhook_invalidates_on_a_second_instance_sharing_redis(
    tmp_path: Path, demo_erp: DemoErp, store: Store, redis_url: str, cache_namespace: str
) -> None:
    settings = shared_settings(tmp_path, demo_erp, redis_url, cache_namespace)
    a_erp = CountingGateway(demo_erp.adapter())
    b_erp = CountingGateway(demo_erp.adapter())
    async with (
        running_app(settings, store, a_erp) as (a, _),
        running_app(settings, store, b_erp) as (b, b_app),
    ):
        await gql(a, QUERY)
        await gql(b, QUERY)
        assert (a_erp.calls["get_customers"], b_erp.calls["get_customers"]) == (1, 0)
        with sqlite3.connect(demo_erp.path) as db:
            db.execute("UPDATE debtor SET name = 'Renamed SE' WHERE number = 'C10001'")
        assert (await gql(b, QUERY))["data"]["customer"]["name"] != "Renamed SE"

        response = await a.post("/erp/events", **signed({"customers": ["C10001"]}))
        assert response.status_code == 202
        b_gateway = b_app.state.frontdesk.erp.gateway
        for _ in range(200):  # pub/sub delivery is asynchronous
            if "C10001" in b_gateway.dropped_by_others:
                break
            await asyncio.sleep(0.01)
        assert "C10001" in b_gateway.dropped_by_others
        assert (await gql(b, QUERY))["data"]["customer"]["name"] == "Renamed SE"
        assert b_erp.calls["get_customers"] == 1


@pytest.mark.parametrize(
    ("make_request", "status"),
    [
        (lambda: signed({"customers": ["C10001"]}, secret="wrong"), 401),
        (lambda: signed({"customers": ["C10001"]}, at=time.time() - 3600), 401),
        (lambda: {"content": b'{"customers": ["C10001"]}', "headers": {}}, 401),
        (lambda: signed(b"not json"), 400),
        (lambda: signed({"customers": []}), 400),
        (lambda: signed({"customers": [1, 2]}), 400),
        (lambda: signed({"customers": ["C10001"]}), 202),
    ],
    ids=["bad-secret", "replayed", "unsigned", "not-json", "empty", "not-strings", "good"],
)
async def test_the_webhook_checks_signature_time_and_body(
    tmp_path: Path,
    demo_erp: DemoErp,
    store: Store,
    redis_url: str,
    cache_namespace: str,
    make_request: Callable[[], dict[str, Any]],
    status: int,
) -> None:
    settings = shared_settings(tmp_path, demo_erp, redis_url, cache_namespace)
    async with running_app(settings, store) as (client, _):
        response = await client.post("/erp/events", **make_request())
    assert response.status_code == status, response.text


async def test_the_webhook_is_off_without_a_secret(client: httpx.AsyncClient) -> None:
    response = await client.post("/erp/events", **signed({"customers": ["C10001"]}))
    assert response.status_code == 404


async def test_readiness_includes_the_erp(tmp_path: Path, demo_erp: DemoErp, store: Store) -> None:
    settings = Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0)
    async with running_app(settings, store) as (client, _):
        ready = await client.get("/readyz")
        demo_erp.take_down()
        down = await client.get("/readyz")
    assert (ready.status_code, ready.json()["checks"]["erp"]) == (200, "ok")
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "ok", "erp": "error: ErpUnavailable"}


def metric(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {line_start} in\n{text}")


async def test_metrics_in_prometheus_text_format(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        erp_sql_url=demo_erp.url,
        erp_retries=0,
        erp_breaker_threshold=1,
    )
    async with running_app(settings, store) as (client, _):
        await gql(client, "query Page { customers(first: 5) { totalCount } }")
        await gql(client, 'query One { customer(number: "C10001") { name } }')
        await gql(client, 'query One { customer(number: "C10001") { name } }')
        demo_erp.take_down()
        await gql(client, 'query Two { customer(number: "C10200") { name } }', expect_errors=True)
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert metric(text, 'frontdesk_erp_calls_total{operation="search_customers",outcome="ok"}') == 1
    assert 'operation="get_customers",outcome="ok"' not in text  # the search filled the cache
    assert (
        metric(text, 'frontdesk_erp_calls_total{operation="get_customers",outcome="unavailable"}')
        == 1
    )
    assert metric(text, 'frontdesk_erp_call_seconds_count{operation="search_customers"}') == 1
    assert metric(text, 'frontdesk_erp_cache_total{result="hit"}') == 2
    assert metric(text, 'frontdesk_erp_cache_total{result="miss"}') == 1
    assert metric(text, "frontdesk_circuit_state") == 2  # open
    assert metric(text, 'frontdesk_graphql_requests_total{operation="One",outcome="ok"}') == 2
    assert metric(text, 'frontdesk_graphql_requests_total{operation="Two",outcome="error"}') == 1
    assert metric(text, 'frontdesk_graphql_request_seconds_count{operation="Page"}') == 1
