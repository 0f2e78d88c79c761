"""CORS allow-list, request body size limit and the per-principal rate limit (memory, Redis)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from starlette.applications import Starlette

    from tests.support.databases import Store

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY = {"query": "{ apiVersion }"}


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_cors_preflight_is_allowed_for_listed_origins_only(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    app = await app_with(cors_allow_origins=["https://app.example.test"])
    key = await make_api_key(store, "sales")
    async with http_client(app) as http:
        allowed = await http.options("/graphql", headers=preflight("https://app.example.test"))
        denied = await http.options("/graphql", headers=preflight("https://evil.example.test"))
        actual = await http.post(
            "/graphql",
            json=QUERY,
            headers={"Origin": "https://app.example.test", "Authorization": f"Bearer {key}"},
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.test"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers
    assert actual.headers["access-control-allow-origin"] == "https://app.example.test"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_without_listed_origins_no_browser_origin_is_allowed(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    app = await app_with()
    key = await make_api_key(store, "sales")
    async with http_client(app) as http:
        preflight_answer = await http.options(
            "/graphql", headers=preflight("https://app.example.test")
        )
        actual = await http.post(
            "/graphql",
            json=QUERY,
            headers={"Origin": "https://app.example.test", "Authorization": f"Bearer {key}"},
        )
    assert preflight_answer.status_code >= 400
    assert "access-control-allow-origin" not in preflight_answer.headers
    assert actual.status_code == 200
    assert "access-control-allow-origin" not in actual.headers


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_a_body_over_the_limit_is_413(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    app = await app_with(max_body_bytes=2048)
    key = await make_api_key(store, "sales")
    padding = "#" + "x" * 2100 + "\n"

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the limit is enforced on the bytes as they arrive.
        for chunk in (b'{"query": "', b" " * 2100, b'{ apiVersion }"}'):
            yield chunk

    async with http_client(app, key) as http:
        small = await http.post("/graphql", json=QUERY)
        large = await http.post("/graphql", json={"query": padding + "{ apiVersion }"})
        streamed = await http.post(
            "/graphql",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
    assert small.status_code == 200
    assert large.status_code == 413
    assert large.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert streamed.status_code == 413


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_the_rate_limit_answers_429_with_retry_after(
    app_with: Callable[..., Awaitable[Starlette]], store: Store, backend: str
) -> None:
    redis_url = REDIS_URL if backend == "redis" else None
    app = await app_with(rate_limit_per_minute=6, rate_limit_burst=3, cache_url=redis_url)
    first, second = await make_api_key(store, "sales"), await make_api_key(store, "sales")
    async with http_client(app, first) as http, http_client(app, second) as other:
        statuses = [(await http.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        refused = await http.post("/graphql", json=QUERY)
        # Buckets are per principal: another key still has its own.
        assert (await other.post("/graphql", json=QUERY)).status_code == 200
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    # 6 a minute refill one token every 10 s.
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
