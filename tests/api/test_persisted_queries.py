"""Automatic Persisted Queries: hash, then document, then hash; GET; persisted-only mode."""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    import httpx
    from starlette.applications import Starlette

    from tests.support.databases import Store

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DOCUMENT = "query Version { apiVersion }"
DIGEST = hashlib.sha256(DOCUMENT.encode()).hexdigest()


def persisted(digest: str = DIGEST) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def code_of(response: httpx.Response) -> str | None:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else None


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_hash_then_document_then_hash(
    app_with: Callable[..., Awaitable[Starlette]], store: Store, backend: str
) -> None:
    app = await app_with(cache_url=REDIS_URL if backend == "redis" else None)
    async with http_client(app, await make_api_key(store, "sales")) as http:
        unknown = await http.post("/graphql", json={"extensions": persisted()})
        registered = await http.post(
            "/graphql", json={"query": DOCUMENT, "extensions": persisted()}
        )
        by_hash = await http.post("/graphql", json={"extensions": persisted()})
        by_get = await http.get(
            "/graphql",
            params={"extensions": json.dumps(persisted())},
            headers={"Accept": "application/graphql-response+json"},
        )
    assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert "apiVersion" in registered.json()["data"]
    assert by_hash.json() == registered.json()
    assert by_get.status_code == 200
    assert by_get.json() == registered.json()


async def test_a_hash_that_does_not_match_the_document_is_refused(
    client: httpx.AsyncClient,
) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = await client.post(
        "/graphql", json={"query": DOCUMENT, "extensions": persisted(wrong)}
    )
    assert code_of(response) == "PERSISTED_QUERY_HASH_MISMATCH"
    # Nothing was stored under the wrong hash.
    again = await client.post("/graphql", json={"extensions": persisted(wrong)})
    assert code_of(again) == "PERSISTED_QUERY_NOT_FOUND"


async def test_only_version_1_is_understood(client: httpx.AsyncClient) -> None:
    body = {
        "query": DOCUMENT,
        "extensions": {"persistedQuery": {"version": 2, "sha256Hash": DIGEST}},
    }
    response = await client.post("/graphql", json=body)
    assert code_of(response) == "PERSISTED_QUERY_NOT_SUPPORTED"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_persisted_only_mode_runs_registered_documents_only(
    app_with: Callable[..., Awaitable[Starlette]], store: Store, tmp_path: Path
) -> None:
    registry = tmp_path / "documents.json"
    registry.write_text(json.dumps([DOCUMENT]))
    app = await app_with(persisted_queries_only=True, persisted_queries_file=registry)
    other = "query Other { __typename }"
    other_digest = hashlib.sha256(other.encode()).hexdigest()
    async with (
        http_client(app, await make_api_key(store, "sales")) as sales,
        http_client(app, await make_api_key(store, "admin")) as admin,
    ):
        listed = await sales.post("/graphql", json={"extensions": persisted()})
        listed_text = await sales.post("/graphql", json={"query": DOCUMENT})
        free_text = await sales.post("/graphql", json={"query": other})
        via_apq = await sales.post(
            "/graphql", json={"query": other, "extensions": persisted(other_digest)}
        )
        admin_stores = await admin.post(
            "/graphql", json={"query": other, "extensions": persisted(other_digest)}
        )
        now_known = await sales.post("/graphql", json={"extensions": persisted(other_digest)})
    assert "apiVersion" in listed.json()["data"]
    assert "apiVersion" in listed_text.json()["data"]
    assert code_of(free_text) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert code_of(via_apq) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert admin_stores.json() == {"data": {"__typename": "Query"}}
    assert now_known.json() == {"data": {"__typename": "Query"}}
